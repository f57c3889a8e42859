"""communication: message templates and scheduled messages

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 13:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    """A timezone-aware timestamp column."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _owner() -> sa.Column:
    """The owning user, deleted with them."""
    return sa.Column("owner_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    """Create the message template and scheduled message tables."""
    op.create_table(
        "message_templates",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _owner(),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.UniqueConstraint("owner_id", "name", name="uq_message_templates_owner_name"),
    )
    op.create_table(
        "scheduled_messages",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _owner(),
        sa.Column("contact_id", sa.Uuid(), sa.ForeignKey("saved_contacts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("to", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _ts("send_at"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("provider_id", sa.String(200), nullable=False),
        sa.Column("error", sa.String(500), nullable=False),
        _ts("created_at"),
    )
    op.create_index("ix_scheduled_messages_owner_created", "scheduled_messages", ["owner_id", "created_at"])
    op.create_index("ix_scheduled_messages_status_send_at", "scheduled_messages", ["status", "send_at"])
    op.create_index("ix_scheduled_messages_contact", "scheduled_messages", ["contact_id"])


def downgrade() -> None:
    """Drop the communication tables."""
    op.drop_table("scheduled_messages")
    op.drop_table("message_templates")
