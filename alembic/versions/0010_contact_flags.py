"""contacts: values kept as written are flagged (saved_contacts.flags)

Revision ID: 0010_contact_flags
Revises: 0009
Create Date: 2026-11-30 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0010_contact_flags"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the flags list (empty for every existing contact)."""
    with op.batch_alter_table("saved_contacts") as batch:
        batch.add_column(sa.Column("flags", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    """Drop the flags list."""
    with op.batch_alter_table("saved_contacts") as batch:
        batch.drop_column("flags")
