"""Where raw events live: a monthly-partitioned table on PostgreSQL, a TimescaleDB hypertable, or one table.

The 0015 migration picks the layout (a hypertable where the TimescaleDB extension is installed in the
database, declarative partitions otherwise, one table on SQLite). On the partitioned layout the upkeep
job creates next months' partitions ahead of time and drops a month's partition whole once every day
in it is past the raw-event retention and rolled up, which is far cheaper than deleting its rows.
"""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from metaic.core import clock

PARTITIONS_AHEAD = 3
_PARTITION = re.compile(r"^analytics_events_p(\d{4})(\d{2})$")


def layout(session: Session) -> str:
    """ "timescaledb", "partitioned" or "table": how this database stores raw events."""
    if session.get_bind().dialect.name != "postgresql":
        return "table"
    kind = session.execute(sa.text("SELECT relkind FROM pg_class WHERE relname = 'analytics_events'")).scalar()
    if kind == "p":
        return "partitioned"
    timescale = session.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'")).first()
    return "timescaledb" if timescale else "table"


def month_start(day: date) -> date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def partitions(session: Session) -> dict[date, str]:
    """The monthly partitions that exist: first day of the month -> table name."""
    names = session.execute(
        sa.text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'analytics_events'"
        )
    ).scalars()
    found = {}
    for name in names:
        match = _PARTITION.match(name)
        if match:
            found[date(int(match.group(1)), int(match.group(2)), 1)] = name
    return found


def ensure_partitions(*, session: Session, start: date | None = None, ahead: int = PARTITIONS_AHEAD) -> int:
    """Create the monthly partitions from `start` (default this month) to `ahead` months on; returns how many."""
    if layout(session) != "partitioned":
        return 0
    month = month_start(start or clock.now().date())
    end = month_start(clock.now().date())
    for _ in range(ahead):
        end = next_month(end)
    existing = partitions(session)
    created = 0
    while month <= end:
        after = next_month(month)
        if month not in existing:
            # Names and bounds come from dates we computed, never from input.
            session.execute(
                sa.text(
                    f"CREATE TABLE IF NOT EXISTS analytics_events_p{month:%Y%m} PARTITION OF analytics_events "
                    f"FOR VALUES FROM ('{month.isoformat()}T00:00:00+00:00') TO ('{after.isoformat()}T00:00:00+00:00')"
                )
            )
            created += 1
        month = after
    return created


def drop_partitions_before(*, session: Session, cutoff: date) -> int:
    """Drop whole monthly partitions that end on or before `cutoff`; returns how many were dropped."""
    if layout(session) != "partitioned":
        return 0
    dropped = 0
    for month, name in sorted(partitions(session).items()):
        if next_month(month) <= cutoff:
            session.execute(sa.text(f"DROP TABLE IF EXISTS {name}"))
            dropped += 1
    return dropped
