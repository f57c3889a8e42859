"""job_outbox: jobs that fell back in-process while Redis was down, kept until they have run

A process that dies before such a job ran leaves its row behind; another process takes it over once
the row's lease (claimed_at) runs out (metaic/jobs/outbox.py).

Revision ID: 0026_job_outbox
Revises: 0025_field_encryption
Create Date: 2026-12-08 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0026_job_outbox"
down_revision: str | Sequence[str] | None = "0025_field_encryption"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the outbox, indexed for the takeover scan (claimed_at) and the heartbeat (holder)."""
    op.create_table(
        "job_outbox",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("func", sa.String(300), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("queue", sa.String(16), nullable=False),
        sa.Column("ids", sa.JSON(), nullable=False),
        sa.Column("intervals", sa.JSON(), nullable=False),
        sa.Column("retries_left", sa.Integer(), nullable=False),
        sa.Column("job_timeout", sa.Integer(), nullable=True),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("request_id", sa.String(200), nullable=True),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_job_outbox_claimed_at", "job_outbox", ["claimed_at"])
    op.create_index("ix_job_outbox_holder", "job_outbox", ["holder"])


def downgrade() -> None:
    """Drop the outbox (run any rows it holds first: they are jobs not yet done)."""
    op.drop_index("ix_job_outbox_holder", table_name="job_outbox")
    op.drop_index("ix_job_outbox_claimed_at", table_name="job_outbox")
    op.drop_table("job_outbox")
