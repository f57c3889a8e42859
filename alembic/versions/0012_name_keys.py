"""case-insensitive name keys for tags and message templates (tags.name_key, message_templates.name_key)

SQLite's lower() folds ASCII only, so "Ölmez" saved twice passed the "name taken" check and hit the
unique constraint (a 500). A stored key, folded in Python, carries a unique index of its own.

Revision ID: 0012_name_keys
Revises: 0011_msg_requests_suggestions
Create Date: 2026-11-30 08:00:00
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0012_name_keys"
down_revision: str | Sequence[str] | None = "0011_msg_requests_suggestions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY_LENGTH = 320
# table -> (name length, unique index)
TABLES = {"tags": (40, "uq_tags_owner_name_key"), "message_templates": (80, "uq_message_templates_owner_name_key")}


def _key(name: str) -> str:
    """metaic.core.models.name_key as of this revision (a migration keeps its own copy)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())[:KEY_LENGTH]


def _free_name(name: str, width: int, taken: set[str]) -> str:
    """`name` with " (2)", " (3)"... until its key is free (names that only differed in case, kept apart)."""
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = name[: width - len(suffix)] + suffix
        if _key(candidate) not in taken:
            return candidate
        number += 1


def _backfill(table: sa.Table, width: int) -> None:
    """Fill every row's key; the later of two names that fold alike is renamed, never dropped.

    Names that are already unique keep their name first, so a renamed one never takes an existing "X (2)".
    """
    conn = op.get_bind()
    query = sa.select(table.c.id, table.c.owner_id, table.c.name)
    rows = conn.execute(query.order_by(table.c.owner_id, table.c.created_at, table.c.id)).all()
    taken: dict[object, set[str]] = {}
    later = []
    for row_id, owner_id, name in rows:
        keys = taken.setdefault(owner_id, set())
        if _key(name) in keys:
            later.append((row_id, owner_id, name))
            continue
        keys.add(_key(name))
        conn.execute(table.update().where(table.c.id == row_id).values(name_key=_key(name)))
    for row_id, owner_id, name in later:
        new_name = _free_name(name, width, taken[owner_id])
        taken[owner_id].add(_key(new_name))
        conn.execute(table.update().where(table.c.id == row_id).values(name=new_name, name_key=_key(new_name)))


def upgrade() -> None:
    """Add the key columns, fill them, then index them uniquely per owner."""
    for name, (width, index) in TABLES.items():
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("name_key", sa.String(KEY_LENGTH), nullable=False, server_default=""))
        table = sa.table(
            name,
            sa.column("id", sa.Uuid()),
            sa.column("owner_id", sa.Uuid()),
            sa.column("name", sa.String(width)),
            sa.column("name_key", sa.String(KEY_LENGTH)),
            sa.column("created_at", sa.DateTime(timezone=True)),
        )
        _backfill(table, width)
        op.create_index(index, name, ["owner_id", "name_key"], unique=True)


def downgrade() -> None:
    """Drop the keys (names renamed by the upgrade keep their suffix)."""
    for name, (_width, index) in TABLES.items():
        op.drop_index(index, table_name=name)
        with op.batch_alter_table(name) as batch:
            batch.drop_column("name_key")
