"""field encryption at rest: contacts' emails, phones and notes, MFA secrets; blind index for exact matching

Encrypts the existing values in place with the first FIELD_ENCRYPTION_KEYS key (set the keys before
running this in production), replaces the plaintext `contact_identities.value` with `value_hash` (an
HMAC-SHA256 digest per owner, BLIND_INDEX_KEY) and its index, and widens `users.mfa_secret` to TEXT
for the ciphertext. Unlike most migrations this one uses the application's cipher (metaic/core/fieldcrypt.py):
a copy here could drift from the format the application reads.

SQLite: the columns change with native ALTER TABLE (add, drop, rename column); a batch rebuild of `users`
would DROP the table with foreign keys on, cascading into every table that references it.

Revision ID: 0025_field_encryption
Revises: 0024_file_scan
Create Date: 2026-12-08 12:00:00
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from metaic.core import fieldcrypt
from metaic.core.encrypted_types import EncryptedBytes, EncryptedJSON, EncryptedText

revision: str = "0025_field_encryption"
down_revision: str | Sequence[str] | None = "0024_file_scan"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
# table -> {column: (stored type, encrypted type)}
COLUMNS = {
    "saved_contacts": {
        "emails": (sa.JSON(), EncryptedJSON),
        "phones": (sa.JSON(), EncryptedJSON),
        "notes": (sa.Text(), EncryptedText),
        "flags": (sa.JSON(), EncryptedJSON),
    },
    "contact_suggestions": {
        "emails": (sa.JSON(), EncryptedJSON),
        "phones": (sa.JSON(), EncryptedJSON),
        "note": (sa.Text(), EncryptedText),
    },
    "communication_history": {"body": (sa.Text(), EncryptedText)},
    "contact_merges": {"snapshot": (sa.JSON(), EncryptedJSON)},
    "import_jobs": {"data": (sa.LargeBinary(), EncryptedBytes), "report": (sa.JSON(), EncryptedJSON)},
    "users": {"mfa_secret": (sa.Text(), EncryptedText)},
}


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
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    return not (isinstance(text, str) and fieldcrypt.is_encrypted(text)) if forward else True


def _identity_value(kind: str, value: str) -> str:
    """metaic.contacts.store.identity_value as of this revision."""
    value = (value or "").strip()
    if kind == "phone":
        digits = "".join(ch for ch in value if ch.isdigit())
        return f"+{digits}" if value.startswith("+") else digits
    return value.lower()


def _hash_identities() -> None:
    """Replace each identity's plaintext value with its blind index digest (values that identify no one go)."""
    conn = op.get_bind()
    table = sa.table(
        "contact_identities",
        sa.column("id", sa.Uuid()),
        sa.column("owner_id", sa.Uuid()),
        sa.column("kind", sa.String()),
        sa.column("value", sa.String()),
        sa.column("value_hash", sa.String()),
    )
    change = table.update().where(table.c.id == sa.bindparam("row_id")).values(value_hash=sa.bindparam("digest"))
    last = None
    while True:
        query = sa.select(table.c.id, table.c.owner_id, table.c.kind, table.c.value).order_by(table.c.id).limit(BATCH)
        rows = conn.execute(query if last is None else query.where(table.c.id > last)).all()
        keep = [(i, o, k, _identity_value(k, v)) for i, o, k, v in rows]
        digests = [{"row_id": i, "digest": fieldcrypt.blind_index(str(o), k, v)} for i, o, k, v in keep if v]
        if digests:
            conn.execute(change, digests)
        gone = [i for i, _, _, v in keep if not v]
        if gone:
            conn.execute(table.delete().where(table.c.id.in_(gone)))
        if len(rows) < BATCH:
            return
        last = rows[-1][0]


def _retype_mfa_secret(new_type: sa.types.TypeEngine, old_type: sa.types.TypeEngine) -> None:
    """Change users.mfa_secret's type: ALTER COLUMN on PostgreSQL; add, copy, drop and rename on SQLite."""
    if not _is_sqlite():
        op.alter_column("users", "mfa_secret", type_=new_type, existing_type=old_type, existing_nullable=True)
        return
    op.add_column("users", sa.Column("mfa_secret_new", new_type, nullable=True))
    op.execute("UPDATE users SET mfa_secret_new = mfa_secret")
    op.execute("ALTER TABLE users DROP COLUMN mfa_secret")
    op.execute("ALTER TABLE users RENAME COLUMN mfa_secret_new TO mfa_secret")


def _drop_column(table: str, column: str) -> None:
    """Drop a column (natively on SQLite, which has DROP COLUMN since 3.35)."""
    if _is_sqlite():
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)


def upgrade() -> None:
    """Widen the MFA secret, hash the identities, then encrypt every sensitive value in place."""
    _retype_mfa_secret(sa.Text(), sa.String(64))
    op.drop_index("ix_contact_identities_owner_kind_value", table_name="contact_identities")
    op.add_column("contact_identities", sa.Column("value_hash", sa.String(64), nullable=False, server_default=""))
    _hash_identities()
    _drop_column("contact_identities", "value")
    op.create_index("ix_contact_identities_owner_kind_hash", "contact_identities", ["owner_id", "kind", "value_hash"])
    for name, columns in COLUMNS.items():
        for column, (stored, encrypted) in columns.items():
            _rewrite(name, column, stored, encrypted(f"{name}.{column}"), forward=True)


def downgrade() -> None:
    """Decrypt every value (the keys must still be configured) and bring the plaintext identities back."""
    for name, columns in COLUMNS.items():
        for column, (stored, encrypted) in columns.items():
            _rewrite(name, column, stored, encrypted(f"{name}.{column}"), forward=False)
    op.drop_index("ix_contact_identities_owner_kind_hash", table_name="contact_identities")
    op.add_column("contact_identities", sa.Column("value", sa.String(254), nullable=False, server_default=""))
    _restore_identities()
    _drop_column("contact_identities", "value_hash")
    op.create_index("ix_contact_identities_owner_kind_value", "contact_identities", ["owner_id", "kind", "value"])
    _retype_mfa_secret(sa.String(64), sa.Text())


def _restore_identities() -> None:
    """Rebuild the plaintext identity rows from the (now decrypted) contacts, as 0006's code wrote them."""
    conn = op.get_bind()
    contacts = sa.table(
        "saved_contacts",
        sa.column("id", sa.Uuid()),
        sa.column("owner_id", sa.Uuid()),
        sa.column("emails", sa.JSON()),
        sa.column("phones", sa.JSON()),
    )
    identities = sa.table(
        "contact_identities",
        sa.column("id", sa.Uuid()),
        sa.column("contact_id", sa.Uuid()),
        sa.column("owner_id", sa.Uuid()),
        sa.column("kind", sa.String()),
        sa.column("value", sa.String()),
    )
    conn.execute(identities.delete())
    rows = []
    for contact_id, owner_id, emails, phones in conn.execute(sa.select(contacts)):
        for kind, items in (("email", emails or []), ("phone", phones or [])):
            for value in {item["value"].lower() for item in items if len(item["value"]) <= 254}:
                rows.append({"contact_id": contact_id, "owner_id": owner_id, "kind": kind, "value": value})
    for start in range(0, len(rows), BATCH):
        conn.execute(identities.insert(), [{"id": uuid.uuid4(), **r} for r in rows[start : start + BATCH]])
