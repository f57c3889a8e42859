"""messaging requests (conversations.status, requested_by) and share-back suggestions (contact_suggestions)

Revision ID: 0011_msg_requests_suggestions
Revises: 0010_contact_flags
Create Date: 2026-11-30 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0011_msg_requests_suggestions"
down_revision: str | Sequence[str] | None = "0010_contact_flags"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ref(name: str, target: str) -> sa.Column:
    """A non-null reference deleted with its target."""
    return sa.Column(name, sa.Uuid(), sa.ForeignKey(target, ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    """Every existing conversation is open; suggestions start empty."""
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="open"))
        batch.add_column(sa.Column("requested_by", sa.Uuid(), nullable=True))
    op.create_table(
        "contact_suggestions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _ref("contact_id", "saved_contacts.id"),
        _ref("owner_id", "users.id"),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("company", sa.String(200), nullable=False),
        sa.Column("emails", sa.JSON(), nullable=False),
        sa.Column("phones", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("consent", sa.JSON(), nullable=False),
        sa.Column("card_slug", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_contact_suggestions_contact_id", "contact_suggestions", ["contact_id"])
    op.create_index("ix_contact_suggestions_owner_id", "contact_suggestions", ["owner_id"])


def downgrade() -> None:
    """Drop the suggestions and the request columns."""
    op.drop_index("ix_contact_suggestions_owner_id", table_name="contact_suggestions")
    op.drop_index("ix_contact_suggestions_contact_id", table_name="contact_suggestions")
    op.drop_table("contact_suggestions")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("requested_by")
        batch.drop_column("status")
