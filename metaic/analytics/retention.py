"""Raw events are kept ANALYTICS_RAW_RETENTION_DAYS days, and only once their day is rolled up; rollups stay.

On PostgreSQL's partitioned layout whole expired months are dropped as tables first (instant, no
vacuum debt); the rest, and SQLite, go by DELETE. Salts of past days are deleted here too (visitors.py).
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from metaic.analytics import rollups, storage, visitors
from metaic.analytics.rollups import EVENTS
from metaic.config import get_settings
from metaic.core import clock


def cutoff(session: Session, *, days: int | None = None) -> date | None:
    """The first day whose raw events are kept: retention's limit, but never a day not rolled up (or stale)."""
    keep = days if days is not None else get_settings().analytics_raw_retention_days
    limit = clock.now().date() - timedelta(days=keep)
    tail = rollups.tail_start(session)  # after the last rolled day, or the first stale one
    if tail is None:
        return None  # nothing rolled up yet: deleting raw events would lose them
    return min(limit, tail.date())


def purge(*, session: Session, days: int | None = None) -> int:
    """Delete raw events before the cutoff (dropping whole expired partitions first); returns rows deleted."""
    first_kept = cutoff(session, days=days)
    if first_kept is None:
        return 0
    storage.drop_partitions_before(session=session, cutoff=first_kept)
    start, _ = rollups.day_bounds(first_kept)
    return session.execute(sa.delete(EVENTS).where(EVENTS.c.created_at < start)).rowcount or 0


def rotate_salts(*, session: Session) -> int:
    """Forget salts older than yesterday, so no old visitor hash can be recomputed."""
    return visitors.rotate(session=session)
