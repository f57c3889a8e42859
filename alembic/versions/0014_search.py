"""search: placeholder (filled by the search work)

Revision ID: 0014_search
Revises: 0013_users_credential_version
Create Date: 2026-12-07 01:50:00
"""

from collections.abc import Sequence

revision: str = "0014_search"
down_revision: str | Sequence[str] | None = "0013_users_credential_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing yet."""


def downgrade() -> None:
    """Nothing yet."""
