"""The fake OpenAI-compatible server as a fixture for the assistant's tests, and a search index of a test's own."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from metaic.config import get_settings
from metaic.jobs.queue import drain_local
from metaic.search import repair, whoosh_store
from metaic.search.backend import FAILED, INDEXES
from tests.support.fake_openai import fake_openai  # noqa: F401  (the fixture)


@pytest.fixture
def fresh_index(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Search indexes of this test's own, built empty: grounding never sees an earlier test's documents or state."""
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
