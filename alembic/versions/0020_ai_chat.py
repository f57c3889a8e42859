"""ai_chat: Ask MetaIC conversations and their messages

Revision ID: 0020_ai_chat
Revises: 0019_api_keys
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0020_ai_chat"
down_revision: str | Sequence[str] | None = "0019_api_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ref(name: str, target: str) -> sa.Column:
    """A non-null reference deleted with its target."""
    return sa.Column(name, sa.Uuid(), sa.ForeignKey(target, ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    """Create the conversations and their messages (both go with their account)."""
    op.create_table(
        "ai_conversations",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _ref("owner_id", "users.id"),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ai_conversations_owner_updated", "ai_conversations", ["owner_id", "updated_at"])
    op.create_table(
        "ai_messages",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _ref("conversation_id", "ai_conversations.id"),
        _ref("owner_id", "users.id"),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("engine", sa.String(16), nullable=False),
        sa.Column("note", sa.String(300), nullable=False),
        sa.Column("retry", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ai_messages_conversation_created", "ai_messages", ["conversation_id", "created_at"])
    op.create_index("ix_ai_messages_owner_id", "ai_messages", ["owner_id"])


def downgrade() -> None:
    """Drop the conversations and their messages."""
    op.drop_table("ai_messages")
    op.drop_table("ai_conversations")
