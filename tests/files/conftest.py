"""Fixtures for the image upload tests: a data folder per test, users, a moto S3 server."""

from __future__ import annotations

from pathlib import Path

import pytest

from metaic.auth import service as user_service
from metaic.config import get_settings
from tests.adapters.moto_s3 import moto_endpoint, s3_bucket  # noqa: F401

PASSWORD = "Correct-Horse-42"


@pytest.fixture(autouse=True)
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A data folder of its own for each test, so stored files never leak between tests."""
    monkeypatch.setenv("METAIC_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STORAGE_BACKEND", "local")
    get_settings.cache_clear()
    return tmp_path


@pytest.fixture
def user(session):
    """A verified account."""
    return user_service.create(session=session, email="ada@example.com", password=PASSWORD, name="Ada", verified=True)


@pytest.fixture
def other(session):
    """A second verified account."""
    return user_service.create(session=session, email="bob@example.com", password=PASSWORD, name="Bob", verified=True)
