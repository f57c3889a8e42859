"""communication: replies from contacts (inbound messages)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(name: str, target: str) -> sa.Column:
    """A non-null reference deleted with its target."""
    return sa.Column(name, sa.Uuid(), sa.ForeignKey(target, ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    """Create the inbound message table and index sent messages by recipient."""
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _fk("owner_id", "users.id"),
        _fk("contact_id", "saved_contacts.id"),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("sender", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("provider_id", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("provider_id", name="uq_inbound_messages_provider_id"),
    )
    op.create_index("ix_inbound_messages_owner_created", "inbound_messages", ["owner_id", "created_at"])
    op.create_index("ix_inbound_messages_contact", "inbound_messages", ["contact_id"])
    op.create_index("ix_scheduled_messages_to_send_at", "scheduled_messages", ["to", "send_at"])


def downgrade() -> None:
    """Drop the inbound message table and the recipient index."""
    op.drop_index("ix_scheduled_messages_to_send_at", table_name="scheduled_messages")
    op.drop_table("inbound_messages")
