"""Fixtures for the public card routes."""

from tests.cards.fixtures import client, owner, publish  # noqa: F401
