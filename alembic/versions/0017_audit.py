"""audit: audit_events (security events of every account, admin actions)

Revision ID: 0017_audit
Revises: 0016_ai
Create Date: 2026-12-07 02:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0017_audit"
down_revision: str | Sequence[str] | None = "0016_ai"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The audit trail table and its lookups (by account, by action, by actor), newest first."""
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("action", sa.String(48), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("target_type", sa.String(32), nullable=False, server_default=""),
        sa.Column("target_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("address_hash", sa.String(16), nullable=False, server_default=""),
        sa.Column("device", sa.String(80), nullable=False, server_default=""),
        sa.Column("detail", sa.String(300), nullable=False, server_default=""),
        sa.Column("before", sa.Text(), nullable=False, server_default=""),
        sa.Column("after", sa.Text(), nullable=False, server_default=""),
        sa.Column("request_id", sa.String(64), nullable=False, server_default=""),
    )
    op.create_index("ix_audit_events_subject_created", "audit_events", ["subject_id", "created_at"])
    op.create_index("ix_audit_events_action_created", "audit_events", ["action", "created_at"])
    op.create_index("ix_audit_events_actor_id", "audit_events", ["actor_id"])


def downgrade() -> None:
    """Drop the audit trail."""
    op.drop_table("audit_events")
