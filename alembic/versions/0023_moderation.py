"""moderation: visitors' card reports, takedowns with the owner's appeal, blocked words and reserved addresses

Revision ID: 0023_moderation
Revises: 0022_analytics_owners
Create Date: 2026-12-07 05:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0023_moderation"
down_revision: str | Sequence[str] | None = "0022_analytics_owners"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CARD_FK = {"ondelete": "CASCADE"}


def upgrade() -> None:
    """Reports and takedowns go with their card; terms stand alone."""
    op.create_table(
        "card_reports",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("card_id", sa.Uuid(), sa.ForeignKey("business_cards.id", **CARD_FK), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.String(60), nullable=False),
        sa.Column("card_name", sa.String(120), nullable=False),
        sa.Column("reason", sa.String(24), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("contact_email", sa.String(254), nullable=False),
        sa.Column("address_hash", sa.String(16), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("resolution", sa.String(16), nullable=False),
        sa.Column("resolved_by", sa.Uuid(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_card_reports_status_created", "card_reports", ["status", "created_at"])
    op.create_index("ix_card_reports_card_status", "card_reports", ["card_id", "status"])
    op.create_table(
        "card_takedowns",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("card_id", sa.Uuid(), sa.ForeignKey("business_cards.id", **CARD_FK), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.String(60), nullable=False),
        sa.Column("card_name", sa.String(120), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lifted_by", sa.Uuid(), nullable=True),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("appeal_text", sa.Text(), nullable=False),
        sa.Column("appeal_status", sa.String(12), nullable=False),
        sa.Column("appeal_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("appeal_note", sa.Text(), nullable=False),
        sa.Column("appeal_decided_by", sa.Uuid(), nullable=True),
        sa.Column("appeal_decided_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_card_takedowns_card_status", "card_takedowns", ["card_id", "status"])
    op.create_index("ix_card_takedowns_owner_id", "card_takedowns", ["owner_id"])
    op.create_table(
        "moderation_terms",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("term", sa.String(60), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("kind", "term"),
    )


def downgrade() -> None:
    """Drop the moderation tables."""
    op.drop_table("moderation_terms")
    op.drop_table("card_takedowns")
    op.drop_table("card_reports")
