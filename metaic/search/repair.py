"""Rebuild an index from the database: on demand (CLI, a job) and by itself when one is missing or unreadable.

While a repair runs, searches fall back to the database (metaic/search/service.py); a marker file keeps
several processes from queueing the same rebuild again and again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from metaic.db import session_scope
from metaic.jobs import enqueue
from metaic.search import indexer, whoosh_store
from metaic.search.backend import INDEXES
from metaic.search.engine import get_backend

log = logging.getLogger(__name__)
REPAIR_GRACE_SECONDS = 600


def _marker(index: str):
    """The file saying a rebuild of `index` was queued (and when)."""
    return whoosh_store.root() / f"{index}.repair"


def rebuild(index: str, progress: Callable[[int], None] | None = None) -> int:
    """Build `index` afresh from the database and swap it in; returns how many documents it holds."""
    if index not in INDEXES:
        raise ValueError(f"unknown index {index!r}; one of {', '.join(INDEXES)}")
    with session_scope() as session:
        written = get_backend().rebuild(index, indexer.all_docs(session, index), progress)
    _marker(index).unlink(missing_ok=True)
    log.info("search index %s rebuilt with %d documents", index, written)
    return written


def rebuild_job(index: str) -> int:
    """Job entry point of a background repair."""
    return rebuild(index)


def schedule(index: str) -> bool:
    """Queue a rebuild of `index` unless one was queued in the last REPAIR_GRACE_SECONDS; True when queued."""
    marker = _marker(index)
    try:
        if time.time() - marker.stat().st_mtime < REPAIR_GRACE_SECONDS:
            return False
    except FileNotFoundError:
        pass
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(time.time()))
    log.warning("search index %s is missing or unreadable: rebuilding it in the background", index)
    enqueue(rebuild_job, index, title=f"rebuild search index {index}", queue_name="low", job_timeout=3600)
    return True


def check() -> list[str]:
    """Upkeep: queue a rebuild of every index that is missing or unreadable; returns those queued."""
    backend = get_backend()
    return [index for index in INDEXES if not backend.status(index)["readable"] and schedule(index)]
