"""encrypt notification titles

Encrypts, in place and with the first FIELD_ENCRYPTION_KEYS key, the titles 0028 left in plaintext: they name
people ("Reminder: follow up with <contact>", "New message from <sender>", the person who shared details back).
The title's VARCHAR(200) becomes TEXT first, to hold the ciphertext (the application still cuts a title at 200
characters, so the downgrade's VARCHAR(200) holds every decrypted title).

Nothing filters, sorts or searches notification titles in SQL (lists order by send_at and id, and the digests
read `data`), so no blind index is needed. Like 0025, 0027 and 0028 this uses the application's cipher
(metaic/core/fieldcrypt.py) and the same resumable batched rewrite.

Revision ID: 0029_encrypt_notification_titles
Revises: 0028_encrypt_notifications
Create Date: 2026-12-11 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from metaic.core import fieldcrypt
from metaic.core.encrypted_types import EncryptedText

revision: str = "0029_encrypt_notification_titles"
down_revision: str | Sequence[str] | None = "0028_encrypt_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
# table -> {column: (stored type, encrypted type)}
COLUMNS = {"notifications": {"title": (sa.Text(), EncryptedText)}}
# (table, column, type before, nullable): VARCHARs too short for a ciphertext, TEXT from this revision on.
WIDENED = (("notifications", "title", sa.String(200), False),)


def _is_sqlite() -> bool:
    """True on SQLite (native column ALTERs instead of ALTER COLUMN TYPE)."""
    return op.get_bind().dialect.name == "sqlite"


def _rewrite(name: str, column: str, stored: sa.types.TypeEngine, typed: sa.types.TypeEngine, *, forward: bool):
    """Read every value in plain form and write it back through the other form (encrypting or decrypting)."""
    conn = op.get_bind()
    plain = sa.table(name, sa.column("id", sa.Uuid()), sa.column(column, stored))
    secret = sa.table(name, sa.column("id", sa.Uuid()), sa.column(column, typed))
    source, target = (plain, secret) if forward else (secret, plain)
    change = target.update().where(target.c.id == sa.bindparam("row_id")).values({column: sa.bindparam("value")})
    last = None
    while True:
        query = sa.select(source.c.id, source.c[column]).order_by(source.c.id).limit(BATCH)
        rows = conn.execute(query if last is None else query.where(source.c.id > last)).all()
        todo = [{"row_id": i, "value": v} for i, v in rows if v and _needs(v, forward)]
        if todo:
            conn.execute(change, todo)
        if len(rows) < BATCH:
            return
        last = rows[-1][0]


def _needs(value, forward: bool) -> bool:
    """Whether a value read in the source form still has to change (reruns skip what is done)."""
    return not (isinstance(value, str) and fieldcrypt.is_encrypted(value)) if forward else True


def _retype(table: str, column: str, new_type: sa.types.TypeEngine, old_type: sa.types.TypeEngine, nullable: bool):
    """Change a column's type: ALTER COLUMN on PostgreSQL; add, copy, drop and rename on SQLite.

    SQLite: a batch rebuild would DROP the table with foreign keys on, cascading into every table that
    references it (notification_deliveries); native ADD/DROP/RENAME COLUMN leave the other tables alone.
    """
    if not _is_sqlite():
        op.alter_column(table, column, type_=new_type, existing_type=old_type, existing_nullable=nullable)
        return
    default = None if nullable else sa.text("''")
    op.add_column(table, sa.Column(f"{column}_new", new_type, nullable=nullable, server_default=default))
    rows = sa.table(table, sa.column(column), sa.column(f"{column}_new"))
    op.execute(rows.update().values({f"{column}_new": rows.c[column]}))
    op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.execute(f"ALTER TABLE {table} RENAME COLUMN {column}_new TO {column}")


def upgrade() -> None:
    """Widen the title to TEXT, then encrypt every title in place."""
    for table, column, old_type, nullable in WIDENED:
        _retype(table, column, sa.Text(), old_type, nullable)
    for name, columns in COLUMNS.items():
        for column, (stored, encrypted) in columns.items():
            _rewrite(name, column, stored, encrypted(f"{name}.{column}"), forward=True)


def downgrade() -> None:
    """Decrypt every title (the keys must still be configured), then give the column back its VARCHAR(200)."""
    for name, columns in COLUMNS.items():
        for column, (stored, encrypted) in columns.items():
            _rewrite(name, column, stored, encrypted(f"{name}.{column}"), forward=False)
    for table, column, old_type, nullable in WIDENED:
        _retype(table, column, old_type, sa.Text(), nullable)
