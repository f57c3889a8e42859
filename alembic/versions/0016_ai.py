"""ai: assistant preferences, usage, follow-up plans, card summaries, embeddings

Revision ID: 0016_ai
Revises: 0015_analytics
Create Date: 2026-12-07 02:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0016_ai"
down_revision: str | Sequence[str] | None = "0015_analytics"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ref(name: str, target: str, **kwargs) -> sa.Column:
    """A non-null reference deleted with its target."""
    return sa.Column(name, sa.Uuid(), sa.ForeignKey(target, ondelete="CASCADE"), nullable=False, **kwargs)


def _when(name: str, nullable: bool = False) -> sa.Column:
    """A timezone-aware timestamp."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Create the assistant's tables."""
    op.create_table(
        "ai_preferences",
        _ref("user_id", "users.id", primary_key=True),
        sa.Column("external_opt_in", sa.Boolean(), nullable=False),
        sa.Column("strip_contact_details", sa.Boolean(), nullable=False),
        _when("updated_at"),
    )
    op.create_table(
        "ai_usage",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _ref("user_id", "users.id"),
        sa.Column("feature", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("failure", sa.String(32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        _when("created_at"),
    )
    op.create_index("ix_ai_usage_user_day", "ai_usage", ["user_id", "day"])
    op.create_index("ix_ai_usage_day_feature", "ai_usage", ["day", "feature"])
    op.create_table(
        "ai_suggestions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _ref("owner_id", "users.id"),
        _ref("contact_id", "saved_contacts.id"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _when("remind_at"),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("note", sa.String(300), nullable=False),
        sa.Column("reminder_id", sa.Uuid(), nullable=True),
        _when("created_at"),
        _when("updated_at"),
        sa.UniqueConstraint("contact_id", "kind", name="uq_ai_suggestions_contact_kind"),
    )
    op.create_index("ix_ai_suggestions_contact_id", "ai_suggestions", ["contact_id"])
    op.create_index("ix_ai_suggestions_owner_status", "ai_suggestions", ["owner_id", "status", "created_at"])
    op.create_table(
        "ai_card_summaries",
        _ref("card_id", "business_cards.id", primary_key=True),
        sa.Column("version_id", sa.Uuid(), nullable=True),
        sa.Column("text", sa.String(400), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        _when("updated_at"),
    )
    op.create_table(
        "ai_embeddings",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _ref("owner_id", "users.id"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("ref_id", sa.Uuid(), nullable=False),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("dimensions", sa.Integer(), nullable=False),
        sa.Column("vector", sa.JSON(), nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        _when("created_at"),
        sa.UniqueConstraint("owner_id", "kind", "ref_id", "model"),
    )
    op.create_index("ix_ai_embeddings_owner_kind", "ai_embeddings", ["owner_id", "kind"])
    # pgvector, when the server has it: vector search then runs in SQL (metaic/ai/embeddings.py checks).
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        available = bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")).first()
        if available:
            op.execute("CREATE EXTENSION IF NOT EXISTS vector")


def downgrade() -> None:
    """Drop the assistant's tables (the vector extension stays: other schemas may use it)."""
    op.drop_index("ix_ai_embeddings_owner_kind", table_name="ai_embeddings")
    op.drop_table("ai_embeddings")
    op.drop_table("ai_card_summaries")
    op.drop_index("ix_ai_suggestions_owner_status", table_name="ai_suggestions")
    op.drop_index("ix_ai_suggestions_contact_id", table_name="ai_suggestions")
    op.drop_table("ai_suggestions")
    op.drop_index("ix_ai_usage_day_feature", table_name="ai_usage")
    op.drop_index("ix_ai_usage_user_day", table_name="ai_usage")
    op.drop_table("ai_usage")
    op.drop_table("ai_preferences")
