"""analytics_owners: per-owner daily sums of the rollups, the cards they include, stale rolled days

The all-cards dashboard reads analytics_owner_daily (a few rows a day) instead of summing each card's
rows; analytics_owner_cards remembers which cards are in an owner's sums (no foreign key on the card,
so a deleted card shows the sums are stale). A rolled day that a late flush wrote into is marked stale.
Existing rollups are summed into the new table here.

Revision ID: 0022_analytics_owners
Revises: 0021_idempotency, 0021_introductions
Create Date: 2026-12-07 05:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0022_analytics_owners"
# Also merges the two 0021 branches that were both heads when this was written.
down_revision: str | Sequence[str] | None = ("0021_idempotency", "0021_introductions")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILL_SUMS = """
INSERT INTO analytics_owner_daily (owner_id, day, kind, dim, value, count)
SELECT c.owner_id, d.day, d.kind, d.dim, d.value, sum(d.count)
FROM analytics_daily d JOIN business_cards c ON c.id = d.card_id
GROUP BY c.owner_id, d.day, d.kind, d.dim, d.value
"""
FILL_CARDS = """
INSERT INTO analytics_owner_cards (owner_id, card_id)
SELECT DISTINCT c.owner_id, d.card_id FROM analytics_daily d JOIN business_cards c ON c.id = d.card_id
"""


def upgrade() -> None:
    """Create the owner tables, fill them from the per-card rollups, add the stale flag."""
    op.create_table(
        "analytics_owner_daily",
        sa.Column("owner_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("dim", sa.String(16), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("owner_id", "day", "kind", "dim", "value"),
    )
    op.create_table(
        "analytics_owner_cards",
        sa.Column("owner_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("card_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("owner_id", "card_id"),
    )
    op.execute(FILL_SUMS)
    op.execute(FILL_CARDS)
    op.add_column("analytics_rolled_days", sa.Column("stale", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    """Drop the owner sums and the stale flag (the per-card rollups are untouched)."""
    with op.batch_alter_table("analytics_rolled_days") as batch:
        batch.drop_column("stale")
    op.drop_table("analytics_owner_cards")
    op.drop_table("analytics_owner_daily")
