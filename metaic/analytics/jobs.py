"""Periodic analytics work, each step in its own transaction: rollups (stale days first, then owners' sums,
then the planner's figures for today's events), partitions ahead, retention, salts."""

from __future__ import annotations

import logging

from metaic.analytics import owners, retention, rollups, storage
from metaic.db import session_scope

log = logging.getLogger(__name__)


def roll_up() -> int:
    """Roll up the finished days not rolled yet (a day per transaction); returns how many days."""
    with session_scope() as session:
        days = rollups.due_days(session)
    for day in days:
        with session_scope() as session:
            if not rollups.claim(session, day):
                return 0  # another process is on it; the next run carries on after it
            events = rollups.rollup_day(session=session, day=day)
        log.info("analytics rollup of %s: %d raw events", day, events)
    rebuild_owners()
    with session_scope() as session:
        storage.refresh_statistics(session)
    return len(days)


def rebuild_owners() -> int:
    """Rebuild the all-cards sums of owners who deleted a card since (an owner per transaction)."""
    with session_scope() as session:
        stale = owners.stale_owners(session)
    for owner_id in stale:
        with session_scope() as session:
            owners.rebuild(session, owner_id)
    return len(stale)


def maintain() -> dict[str, int]:
    """Create next months' partitions, delete expired raw events and old salts."""
    with session_scope() as session:
        created = storage.ensure_partitions(session=session)
    with session_scope() as session:
        deleted = retention.purge(session=session)
    with session_scope() as session:
        salts = retention.rotate_salts(session=session)
    return {"partitions_created": created, "raw_deleted": deleted, "salts_deleted": salts}
