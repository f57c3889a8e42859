"""Search fixtures: an index folder of its own per test (built empty), accounts, and a way to wait for jobs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from metaic.auth import service as user_service
from metaic.auth.models import User
from metaic.config import get_settings
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.search import repair, whoosh_store
from metaic.search.backend import FAILED, INDEXES

PASSWORD = "Correct-Horse-42"


def settle() -> None:
    """Wait for queued index jobs, then let this thread see the indexes as they are now."""
    drain_local()
    whoosh_store.forget_searchers()


def make_user(email: str, name: str = "") -> User:
    """A committed, verified account."""
    with session_scope() as s:
        return user_service.create(session=s, email=email, password=PASSWORD, name=name, verified=True)


@pytest.fixture
def index_dir(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data folder of this test's own, with every index built (empty) from the emptied database."""
    monkeypatch.setenv("METAIC_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    whoosh_store.forget_searchers()
    FAILED.clear()
    for index in INDEXES:
        repair.rebuild(index)
    yield tmp_path / "search"
    drain_local()
    whoosh_store.forget_searchers()
    FAILED.clear()


@pytest.fixture
def users(index_dir: Path) -> tuple[User, User]:
    """Two accounts, A and B."""
    return make_user("a@example.com", "Ann Owner"), make_user("b@example.com", "Bob Other")


@pytest.fixture
def wait() -> Callable[[], None]:
    """Wait for queued index jobs (see settle)."""
    return settle
