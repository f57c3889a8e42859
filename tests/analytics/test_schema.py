"""After `upgrade heads` the analytics tables are what the models say (partitions aside), on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from metaic.analytics import storage
from metaic.db import get_engine, session_scope
from metaic.schema import metadata

TABLES = (
    "analytics_events",
    "analytics_daily",
    "analytics_owner_daily",
    "analytics_owner_cards",
    "analytics_rolled_days",
    "analytics_salts",
)


def test_analytics_tables_match_the_models(db):
    with get_engine().connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = [d for d in compare_metadata(context, metadata) if any(f"'{t}'" in repr(d) for t in TABLES)]
    assert diff == []
    with session_scope() as s:
        expected = "partitioned" if s.get_bind().dialect.name == "postgresql" else "table"
        assert storage.layout(s) == expected
