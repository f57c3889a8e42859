"""Fixtures for the adapter tests."""

from tests.adapters.moto_s3 import moto_endpoint, s3_bucket  # noqa: F401
