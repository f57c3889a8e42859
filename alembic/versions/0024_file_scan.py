"""files: virus scan status, held uploads and their retries

Revision ID: 0024_file_scan
Revises: 0023_moderation
Create Date: 2026-12-08 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0024_file_scan"
down_revision: str | Sequence[str] | None = "0023_moderation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Every upload stored so far was served already: it counts as clean."""
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "scan_status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default="clean"
            )
        )
        batch_op.add_column(sa.Column("scan_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("scan_retry_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("scan_result", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_files_scan_status"), ["scan_status"], unique=False)


def downgrade() -> None:
    """Drop the scan columns (held uploads would then look clean: release or delete them first)."""
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_files_scan_status"))
        batch_op.drop_column("scan_result")
        batch_op.drop_column("scan_retry_at")
        batch_op.drop_column("scan_attempts")
        batch_op.drop_column("scan_status")
