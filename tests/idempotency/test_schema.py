"""After `upgrade heads` the idempotency_keys table is what the model says, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from metaic.db import get_engine
from metaic.schema import metadata


def test_idempotency_table_matches_the_model(db):
    """No column, index or constraint differs between migration 0021 and the model."""
    with get_engine().connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = [d for d in compare_metadata(context, metadata) if "idempotency_keys" in repr(d)]
    assert diff == []
