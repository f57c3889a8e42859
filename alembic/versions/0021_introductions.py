"""ai_introductions: double opt-in introductions between two of an owner's contacts

Revision ID: 0021_introductions
Revises: 0020_ai_chat
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0021_introductions"
down_revision: str | Sequence[str] | None = "0020_ai_chat"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """One row per pair the owner introduces (or set aside); it goes with the owner and either contact."""
    op.create_table(
        "ai_introductions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("owner_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("first_id", sa.Uuid(), sa.ForeignKey("saved_contacts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("second_id", sa.Uuid(), sa.ForeignKey("saved_contacts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("owner_id", "first_id", "second_id", name="uq_ai_introductions_pair"),
    )
    op.create_index("ix_ai_introductions_owner_status", "ai_introductions", ["owner_id", "status"])
    op.create_index("ix_ai_introductions_second_id", "ai_introductions", ["second_id"])


def downgrade() -> None:
    """Drop the introductions."""
    op.drop_table("ai_introductions")
