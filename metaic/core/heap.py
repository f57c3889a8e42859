"""Keep the garbage collector's full passes short on a long-running server process.

A started Reflex app holds a few million objects (compiled pages, states, routes, caches) that live as long
as the process. CPython's full collection walks every one of them: measured through the production server
under wrk, one pass took 387 ms and stalled every request on that worker (`/c/demo` p99 276 ms while the
same server's QR answers kept a 20 ms p99). Once start-up is done, `gc.freeze()` moves those objects into
a generation the collector never walks, so full passes only look at what was made since.
"""

from __future__ import annotations

import asyncio
import gc
import logging

log = logging.getLogger(__name__)

SETTLE_SECONDS = 5.0  # after the app starts: pages compiled, first caches filled


def freeze_now() -> int:
    """Collect what start-up left behind, then freeze the survivors; returns how many objects were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


async def freeze_after_start(delay: float = SETTLE_SECONDS) -> None:
    """Lifespan task: wait for start-up to settle, then freeze the heap once (one short pause, before traffic)."""
    await asyncio.sleep(delay)
    frozen = freeze_now()
    log.info("start-up heap frozen: %d objects out of the collector's full passes", frozen)
