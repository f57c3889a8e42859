"""users: credential_version, carried by access tokens and bumped when credentials change

Revision ID: 0013_users_credential_version
Revises: 0012_name_keys
Create Date: 2026-11-30 05:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0013_users_credential_version"
down_revision: str | Sequence[str] | None = "0012_name_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Every existing account starts at version 0 (access tokens without a version stop working)."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("credential_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    """Drop the credential version."""
    with op.batch_alter_table("users") as batch:
        batch.drop_column("credential_version")
