"""search: cards' directory opt-in, search analytics (queries and clicks by hour, no IPs, no user ids)

Revision ID: 0014_search
Revises: 0013_users_credential_version
Create Date: 2026-12-07 01:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel.sql.sqltypes import AutoString

from alembic import op

revision: str = "0014_search"
down_revision: str | Sequence[str] | None = "0013_users_credential_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Every existing card starts unlisted from the directory ("off"); two analytics tables."""
    with op.batch_alter_table("business_cards") as batch:
        batch.add_column(sa.Column("directory_listing", AutoString(length=8), nullable=False, server_default="off"))
    op.create_table(
        "search_queries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("query_id", AutoString(length=32), nullable=False),
        sa.Column("query", AutoString(length=200), nullable=False),
        sa.Column("scope", AutoString(length=16), nullable=False),
        sa.Column("results", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_search_queries_query_id", "search_queries", ["query_id"])
    op.create_index("ix_search_queries_bucket", "search_queries", ["bucket"])
    op.create_table(
        "search_clicks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("query_id", AutoString(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", AutoString(length=16), nullable=False),
        sa.Column("bucket", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_search_clicks_query_id", "search_clicks", ["query_id"])
    op.create_index("ix_search_clicks_bucket", "search_clicks", ["bucket"])


def downgrade() -> None:
    """Drop the analytics tables and the opt-in."""
    op.drop_table("search_clicks")
    op.drop_table("search_queries")
    with op.batch_alter_table("business_cards") as batch:
        batch.drop_column("directory_listing")
