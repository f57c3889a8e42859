"""A full rebuild does not hold the writer lock while it reads: writes made meanwhile return at once and survive."""

from __future__ import annotations

import threading
import time

import pytest

from metaic.search import whoosh_journal, whoosh_store
from metaic.search.engine import get_backend


def card_doc(doc_id: str, name: str) -> dict:
    """A minimal directory document."""
    return {"id": doc_id, "owner": "o", "listing": "public", "name": name, "text": name.lower(), "open_to": []}


def stored_ids() -> set[str]:
    """Ids the live cards index holds."""
    whoosh_store.forget_searchers()
    return {d["id"] for d in whoosh_store.searcher("cards").all_stored_fields()}


def test_writes_during_a_rebuild_do_not_wait_and_are_replayed(index_dir):
    """Mid-build, an upsert and a removal finish in well under a second; the swapped-in index holds both."""
    backend = get_backend()
    backend.upsert("cards", [card_doc("old", "Old Timer"), card_doc("gone", "Soon Gone")])
    halfway, resume = threading.Event(), threading.Event()

    def docs():
        """The database as the rebuild reads it, pausing halfway so writes land meanwhile."""
        yield card_doc("old", "Old Timer")
        yield card_doc("gone", "Soon Gone")
        halfway.set()
        assert resume.wait(10)
        yield card_doc("late", "Read Late")

    builder = threading.Thread(target=backend.rebuild, args=("cards", docs()))
    builder.start()
    assert halfway.wait(10)
    started = time.monotonic()
    backend.upsert("cards", [card_doc("new", "Added Meanwhile")])
    backend.remove("cards", ["gone"])
    took = time.monotonic() - started
    assert stored_ids() == {"old", "new"}  # the live index took both writes at once
    resume.set()
    builder.join(20)
    assert took < 5.0  # waiting for the rebuild's writer would take the 10 s it is held; a busy machine, ~1 s
    assert stored_ids() == {"old", "new", "late"}
    assert not whoosh_journal.path("cards").exists()


def test_a_failed_rebuild_stops_the_journal_and_keeps_the_live_index(index_dir):
    """An error while reading leaves the live generation in place and no journal behind."""
    backend = get_backend()
    backend.upsert("cards", [card_doc("keep", "Kept Card")])
    live = whoosh_store.current_generation("cards")

    def docs():
        """A read that fails after one document."""
        yield card_doc("keep", "Kept Card")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="went away"):
        backend.rebuild("cards", docs())
    assert whoosh_store.current_generation("cards") == live
    assert not whoosh_journal.path("cards").exists()
    backend.upsert("cards", [card_doc("after", "After Failure")])
    assert not whoosh_journal.path("cards").exists()
    assert stored_ids() == {"keep", "after"}
