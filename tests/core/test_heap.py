"""The start-up heap is frozen once the app has settled, so full collections skip it."""

from __future__ import annotations

import asyncio
import gc
import time

from metaic.core import heap


def _full_collection_ms() -> float:
    """How long one full collection of this process takes."""
    start = time.perf_counter()
    gc.collect()
    return (time.perf_counter() - start) * 1000


def test_a_frozen_heap_makes_full_collections_short():
    """A big long-lived heap (as a started app holds) is walked by every full pass until it is frozen."""
    held = [[i, str(i)] for i in range(100_000)]  # on top of what this test process already holds
    try:
        before = _full_collection_ms()
        asyncio.run(heap.freeze_after_start(delay=0))
        assert gc.get_freeze_count() >= len(held)
        after = _full_collection_ms()
        assert after < before / 3, (before, after)
    finally:
        gc.unfreeze()
        del held


def test_the_app_freezes_its_heap_after_start():
    """The Reflex app runs the task at start-up (one short pause then, not one per request)."""
    from metaic.metaic import app

    assert heap.freeze_after_start in app.get_lifespan_tasks()
