"""A search index of the test's own: an empty data folder, and a rebuild from the database when asked."""

from __future__ import annotations

import pytest

from metaic.config import get_settings
from metaic.jobs.queue import drain_local
from metaic.search import repair, whoosh_store


@pytest.fixture
def fresh_index(db, tmp_path, monkeypatch: pytest.MonkeyPatch):
    """Point the indexes at an empty folder; returns `reindex()`, which rebuilds them from the database."""
    monkeypatch.setenv("METAIC_DATA_DIR", str(tmp_path))
    # Worker threads keep warm searchers for a moment; a test's rebuild must be seen by its next search.
    monkeypatch.setattr(whoosh_store, "REFRESH_SECONDS", 0)
    get_settings.cache_clear()

    def reindex() -> None:
        """Build every index from what the database holds now (after the index jobs already queued)."""
        drain_local()
        for index in ("contacts", "messages", "cards"):
            repair.rebuild(index)

    yield reindex
    whoosh_store.forget_searchers()
    get_settings.cache_clear()
