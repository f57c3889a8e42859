"""messaging: conversations between users, their members and messages

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    """A timezone-aware timestamp column."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(name: str, target: str, **kwargs) -> sa.Column:
    """A non-null reference deleted with its target."""
    return sa.Column(name, sa.Uuid(), sa.ForeignKey(target, ondelete="CASCADE"), nullable=False, **kwargs)


def upgrade() -> None:
    """Create the conversation, member and direct message tables."""
    op.create_table(
        "conversations",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("pair_key", sa.String(80), nullable=False),
        _ts("created_at"),
        _ts("last_message_at", nullable=True),
        sa.UniqueConstraint("pair_key", name="uq_conversations_pair_key"),
    )
    op.create_table(
        "conversation_members",
        _fk("conversation_id", "conversations.id", primary_key=True),
        _fk("user_id", "users.id", primary_key=True),
        _ts("last_read_at", nullable=True),
        _ts("joined_at"),
    )
    op.create_index("ix_conversation_members_user_id", "conversation_members", ["user_id"])
    op.create_table(
        "direct_messages",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _fk("conversation_id", "conversations.id"),
        _fk("sender_id", "users.id"),
        sa.Column("body", sa.Text(), nullable=False),
        _ts("created_at"),
    )
    op.create_index("ix_direct_messages_conversation_created", "direct_messages", ["conversation_id", "created_at"])
    op.create_index("ix_direct_messages_sender_id", "direct_messages", ["sender_id"])


def downgrade() -> None:
    """Drop the messaging tables."""
    op.drop_table("direct_messages")
    op.drop_table("conversation_members")
    op.drop_table("conversations")
