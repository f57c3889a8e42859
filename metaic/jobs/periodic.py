"""The periodic loop machinery: run each task every so often, in a thread, isolating failures.

Which tasks run is decided above the domains (metaic/upkeep.py): this module is plumbing and names
no domain. Tasks must be safe to run from several processes at once (they claim rows), so every
app process runs the loop; durable state lives in the database, never in the loop.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class Periodic:
    """A function to call every `every` seconds."""

    name: str
    func: Callable[[], object]
    every: float
    next_at: float = 0.0


def run_due(tasks: list[Periodic], now: float | None = None) -> list[str]:
    """Run every task whose time has come; a failing task is logged and the others still run."""
    now = time.monotonic() if now is None else now
    ran = []
    for task in tasks:
        if now < task.next_at:
            continue
        task.next_at = now + task.every
        try:
            task.func()
            ran.append(task.name)
        except Exception:
            log.exception("periodic task %r failed", task.name)
    return ran


async def periodic_loop(tasks: list[Periodic], tick: float = 15.0) -> None:
    """Check the schedule of `tasks` every `tick` seconds, running the due ones in a thread."""
    while True:
        await asyncio.to_thread(run_due, tasks)
        await asyncio.sleep(tick)
