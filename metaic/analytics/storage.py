"""Where raw events live: a monthly-partitioned table on PostgreSQL, a TimescaleDB hypertable, or one table.

The 0015 migration picks the layout (a hypertable where the TimescaleDB extension is installed in the
database, declarative partitions otherwise, one table on SQLite). On the partitioned layout the upkeep
job creates next months' partitions ahead of time and drops a month's partition whole once every day
in it is past the raw-event retention and rolled up, which is far cheaper than deleting its rows.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

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
            create_partition(session, month)
            created += 1
        month = after
    return created


def create_partition(session: Session, month: date) -> None:
    """Create one month's partition; rows of that month caught by the DEFAULT partition move into it.

    Names and bounds come from dates computed here, never from input (DDL takes no bound parameters).
    """
    name = f"analytics_events_p{month:%Y%m}"
    bounds = f"FROM ('{month.isoformat()}T00:00:00+00:00') TO ('{next_month(month).isoformat()}T00:00:00+00:00')"
    low, high = datetime.combine(month, time(), UTC), datetime.combine(next_month(month), time(), UTC)
    rows = sa.text("created_at >= :low AND created_at < :high").bindparams(low=low, high=high)
    default = sa.table("analytics_events_default", sa.column("created_at"))
    if session.execute(sa.select(sa.literal(1)).select_from(default).where(rows).limit(1)).first() is None:
        session.execute(sa.text(f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF analytics_events FOR VALUES {bounds}"))
        return
    # Attaching checks that the default partition holds no row of the new range: move them first.
    session.execute(sa.text(f"CREATE TABLE {name} (LIKE analytics_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"))
    move = f"INSERT INTO {name} SELECT * FROM analytics_events_default WHERE "  # noqa: S608 (a name we computed)
    session.execute(sa.text(move + "created_at >= :low AND created_at < :high"), {"low": low, "high": high})
    session.execute(sa.delete(default).where(rows))
    session.execute(sa.text(f"ALTER TABLE analytics_events ATTACH PARTITION {name} FOR VALUES {bounds}"))


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


ANALYZE_AFTER = 1000  # rows written since the last ANALYZE, at least, before the planner's figures are refreshed
ANALYZE_SHARE = 0.02  # ... and this share of the table's rows


def refresh_statistics(session: Session) -> list[str]:
    """ANALYZE the table today's raw events go to once it changed enough since its last ANALYZE; returns which.

    Dashboards read today's raw events by card (the card and time index). Figures taken before a burst of
    views make PostgreSQL expect a few rows today and walk the time index over every card's events instead
    (20 ms -> 5 ms for ten cards after 100,000 views). Autovacuum refreshes them only after 10% of the table
    changed (and not at all where it is off): a fresh month's partition is the worst case."""
    if session.get_bind().dialect.name != "postgresql":
        return []
    name = partitions(session).get(month_start(clock.now().date())) if layout(session) == "partitioned" else None
    name = name or "analytics_events"
    changed, rows = session.execute(
        sa.text("SELECT n_mod_since_analyze, n_live_tup FROM pg_stat_user_tables WHERE relname = :name"),
        {"name": name},
    ).one_or_none() or (0, 0)
    if changed < max(ANALYZE_AFTER, ANALYZE_SHARE * rows):
        return []
    session.execute(sa.text(f"ANALYZE {name}"))  # a name from our own catalogue query, never from input
    return [name]
