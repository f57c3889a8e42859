"""analytics: raw events with dimensions (partitioned by month on PostgreSQL), daily rollups, visitor salts

Raw events gain the dimensions the dashboards group by and a daily visitor hash; their key becomes
(id, created_at) because a partitioned table's keys must include the partition column.

PostgreSQL: when the TimescaleDB extension is installed in the database, analytics_events becomes a
hypertable (monthly chunks); otherwise it is a declaratively partitioned table (RANGE on created_at,
one partition a month from the oldest event to three months ahead, plus a DEFAULT partition so an
event outside them is never refused). The upkeep job keeps creating partitions ahead. SQLite: one table.

Revision ID: 0015_analytics
Revises: 0014_search
Create Date: 2026-12-07 01:50:00
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa

from alembic import op

revision: str = "0015_analytics"
down_revision: str | Sequence[str] | None = "0014_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONTHS_AHEAD = 3
COPIED = "id, created_at, card_id, kind, channel, referrer, agent"


def _event_columns() -> list[sa.Column]:
    """The raw event table's columns (fresh objects for each table built)."""
    s = sa.String
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("card_id", sa.Uuid(), sa.ForeignKey("business_cards.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", s(16), nullable=False),
        sa.Column("channel", s(16), nullable=True),
        sa.Column("referrer", s(255), nullable=False, server_default=""),
        sa.Column("agent", s(16), nullable=False, server_default="other"),
        sa.Column("browser", s(32), nullable=False, server_default=""),
        sa.Column("source", s(16), nullable=False, server_default="direct"),
        sa.Column("variant", s(32), nullable=False, server_default=""),
        sa.Column("utm_source", s(64), nullable=False, server_default=""),
        sa.Column("utm_medium", s(64), nullable=False, server_default=""),
        sa.Column("utm_campaign", s(64), nullable=False, server_default=""),
        sa.Column("target", s(200), nullable=False, server_default=""),
        sa.Column("country", s(2), nullable=False, server_default=""),
        sa.Column("language", s(8), nullable=False, server_default=""),
        sa.Column("visitor", s(16), nullable=True),
        sa.PrimaryKeyConstraint("id", "created_at", name="analytics_events_pkey"),
    ]


def _month(day: date) -> date:
    """The first day of the month of `day`."""
    return day.replace(day=1)


def _next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _partitions(conn: sa.Connection, first: date) -> None:
    """Monthly partitions from `first` to MONTHS_AHEAD months ahead, and the DEFAULT partition."""
    month, end = _month(first), _month(datetime.now(UTC).date())
    for _ in range(MONTHS_AHEAD):
        end = _next_month(end)
    while month <= end:
        after = _next_month(month)
        conn.execute(
            sa.text(
                f"CREATE TABLE IF NOT EXISTS analytics_events_p{month:%Y%m} PARTITION OF analytics_events "
                f"FOR VALUES FROM ('{month.isoformat()}T00:00:00+00:00') TO ('{after.isoformat()}T00:00:00+00:00')"
            )
        )
        month = after
    conn.execute(sa.text("CREATE TABLE IF NOT EXISTS analytics_events_default PARTITION OF analytics_events DEFAULT"))


def _upgrade_postgresql(conn: sa.Connection) -> None:
    """Move the events into a partitioned table (or a hypertable where TimescaleDB is installed)."""
    conn.execute(sa.text("ALTER TABLE analytics_events RENAME TO analytics_events_old"))
    conn.execute(
        sa.text("ALTER TABLE analytics_events_old RENAME CONSTRAINT analytics_events_pkey TO analytics_events_old_pkey")
    )
    # The old table is dropped below: its foreign keys go now, whatever they were called (a database that was
    # downgraded and upgraded again has other names), so the new table's key gets its usual name.
    old_keys = conn.execute(
        sa.text("SELECT conname FROM pg_constraint WHERE conrelid = 'analytics_events_old'::regclass AND contype = 'f'")
    ).scalars()
    for name in list(old_keys):
        conn.execute(sa.text(f'ALTER TABLE analytics_events_old DROP CONSTRAINT "{name}"'))
    conn.execute(sa.text("DROP INDEX ix_analytics_events_card_kind_created"))
    timescale = conn.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'")).first() is not None
    options = {} if timescale else {"postgresql_partition_by": "RANGE (created_at)"}
    op.create_table("analytics_events", *_event_columns(), **options)
    if timescale:
        conn.execute(
            sa.text(
                "SELECT create_hypertable('analytics_events', 'created_at', chunk_time_interval => INTERVAL '1 month')"
            )
        )
    else:
        oldest = conn.execute(sa.text("SELECT min(created_at) FROM analytics_events_old")).scalar()
        _partitions(conn, (oldest or datetime.now(UTC)).date())
    conn.execute(sa.text(f"INSERT INTO analytics_events ({COPIED}) SELECT {COPIED} FROM analytics_events_old"))  # noqa: S608
    op.drop_table("analytics_events_old")


def _upgrade_sqlite(conn: sa.Connection) -> None:
    """Rebuild the one events table with the new key and columns."""
    op.create_table("analytics_events_new", *_event_columns())
    conn.execute(sa.text(f"INSERT INTO analytics_events_new ({COPIED}) SELECT {COPIED} FROM analytics_events"))  # noqa: S608
    op.drop_index("ix_analytics_events_card_kind_created", table_name="analytics_events")
    op.drop_table("analytics_events")
    op.rename_table("analytics_events_new", "analytics_events")


def upgrade() -> None:
    """Raw events with dimensions, rollups, rolled days and salts."""
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        _upgrade_postgresql(conn)
    else:
        _upgrade_sqlite(conn)
    op.create_index("ix_analytics_events_card_created", "analytics_events", ["card_id", "created_at"])
    op.create_index("ix_analytics_events_created", "analytics_events", ["created_at"])
    op.create_table(
        "analytics_daily",
        sa.Column("card_id", sa.Uuid(), sa.ForeignKey("business_cards.id", ondelete="CASCADE"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("dim", sa.String(16), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("card_id", "day", "kind", "dim", "value"),
    )
    op.create_index("ix_analytics_daily_day_kind", "analytics_daily", ["day", "kind"])
    op.create_table(
        "analytics_rolled_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "analytics_salts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("salt", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )


def downgrade() -> None:
    """Back to one plain events table with the 0003 columns (rollups and salts are dropped)."""
    conn = op.get_bind()
    op.drop_table("analytics_salts")
    op.drop_table("analytics_rolled_days")
    op.drop_table("analytics_daily")
    op.create_table(
        "analytics_events_v1",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("card_id", sa.Uuid(), sa.ForeignKey("business_cards.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=True),
        sa.Column("referrer", sa.String(255), nullable=False),
        sa.Column("agent", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="analytics_events_v1_pkey"),
    )
    conn.execute(
        sa.text(
            "INSERT INTO analytics_events_v1 (id, card_id, kind, channel, referrer, agent, created_at) "
            "SELECT id, card_id, kind, channel, referrer, agent, created_at FROM analytics_events "
            "WHERE kind IN ('view', 'qr_scan', 'vcard_download', 'share')"
        )
    )
    op.drop_table("analytics_events")  # drops its partitions with it
    op.rename_table("analytics_events_v1", "analytics_events")
    if conn.dialect.name == "postgresql":
        conn.execute(
            sa.text("ALTER TABLE analytics_events RENAME CONSTRAINT analytics_events_v1_pkey TO analytics_events_pkey")
        )
    op.create_index("ix_analytics_events_card_kind_created", "analytics_events", ["card_id", "kind", "created_at"])
