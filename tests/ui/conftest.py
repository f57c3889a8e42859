"""Fixtures of the UI state tests."""

from tests.ui.search_support import fresh_index  # noqa: F401 - a test's own search index
