"""The hand-written 0020 migration matches the Ask MetaIC models on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from metaic.db import get_engine
from metaic.schema import metadata

TABLES = ("ai_conversations", "ai_messages")


def test_migration_matches_the_chat_models(db):
    """After `upgrade heads`, both chat tables, their columns, types and indexes are what the models say."""
    assert set(TABLES) <= set(metadata.tables)
    with get_engine().connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = [d for d in compare_metadata(context, metadata) if any(f"'{t}'" in repr(d) for t in TABLES)]
    assert diff == []
