"""The hand-written 0021 migration matches the introductions model on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from metaic.db import get_engine
from metaic.schema import metadata


def test_migration_matches_the_introductions_model(db):
    """After `upgrade heads`, ai_introductions' columns, types, indexes and constraint are what the model says."""
    assert "ai_introductions" in metadata.tables
    with get_engine().connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = [d for d in compare_metadata(context, metadata) if "'ai_introductions'" in repr(d)]
    assert diff == []
