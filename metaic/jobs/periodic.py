"""Periodic upkeep run by each app process: due notifications, lost image jobs.

Both tasks are safe to run from several processes at once (they claim rows), so every app
process runs this loop; durable state lives in the database, never in the loop.
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


def _deliver_due() -> object:
    """Queue notification deliveries whose time has come."""
    from metaic.notifications.jobs import deliver_due

    return deliver_due()


def _requeue_stuck_images() -> object:
    """Queue image variants again for uploads whose job was lost."""
    from metaic.db import session_scope
    from metaic.files import service as file_service

    with session_scope() as session:
        return file_service.requeue_stuck(session=session)


def _fire_reminders() -> object:
    """Notify owners of contact reminders whose time has come."""
    from metaic.contacts.jobs import fire_due

    return fire_due()


def _deliver_due_messages() -> object:
    """Queue scheduled messages to contacts whose time has come (a restart loses in-process timers)."""
    from metaic.communication.jobs import deliver_due

    return deliver_due()


TASKS = [
    Periodic("deliver due notifications", _deliver_due, every=60),
    Periodic("fire contact reminders", _fire_reminders, every=60),
    Periodic("deliver due messages", _deliver_due_messages, every=60),
    Periodic("requeue stuck image jobs", _requeue_stuck_images, every=900),
]


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


async def periodic_loop(tick: float = 15.0) -> None:
    """Lifespan task: check the schedule every `tick` seconds, running the work in a thread."""
    while True:
        await asyncio.to_thread(run_due, TASKS)
        await asyncio.sleep(tick)
