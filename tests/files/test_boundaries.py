"""The files migration matches its models (the framework rule for every domain is in tests/test_architecture.py)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from metaic.db import get_engine
from metaic.schema import metadata


def test_migration_matches_the_files_model(db):
    """After `upgrade heads` the files table is exactly what the model says (on both databases)."""
    with get_engine().connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = [d for d in compare_metadata(context, metadata) if "files" in repr(d)]
        columns = {c["name"]: c for c in sa.inspect(conn).get_columns("files")}
        foreign_keys = sa.inspect(conn).get_foreign_keys("files")
    assert diff == []
    assert set(columns) == {c.name for c in metadata.tables["files"].columns}
    assert foreign_keys[0]["referred_table"] == "users"
    assert foreign_keys[0]["options"].get("ondelete") == "CASCADE"
