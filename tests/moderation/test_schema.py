"""The hand-written moderation migration matches the models on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from metaic.db import get_engine
from metaic.schema import metadata

TABLES = ("card_reports", "card_takedowns", "moderation_terms")


def test_migration_matches_the_moderation_models(db):
    """After `upgrade heads`, every moderation table, column, type and index is what the models say."""
    assert set(TABLES) <= set(metadata.tables)
    with get_engine().connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = [d for d in compare_metadata(context, metadata) if any(f"'{t}'" in repr(d) for t in TABLES)]
    assert diff == []
