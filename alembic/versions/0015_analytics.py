"""analytics: placeholder (filled by the analytics work)

Revision ID: 0015_analytics
Revises: 0014_search
Create Date: 2026-12-07 01:50:00
"""

from collections.abc import Sequence

revision: str = "0015_analytics"
down_revision: str | Sequence[str] | None = "0014_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing yet."""


def downgrade() -> None:
    """Nothing yet."""
