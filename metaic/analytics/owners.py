"""Per-owner daily rollups: the day's per-card counts summed over each owner's cards (analytics_owner_daily).

The all-cards dashboard and the sparkline read these few rows instead of summing every card's rows.
They are made from analytics_daily in the transaction that writes the day's per-card rows, so both
always hold the same totals. A deleted card takes its raw events and per-card rows along (foreign keys),
but not its share of the owner's sums: analytics_owner_cards remembers which cards are in them, so a
read sees the sums are stale (and falls back to the per-card rows) until the rollup job rebuilds them.
"""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from metaic.analytics.models import AnalyticsDaily, AnalyticsOwnerCard, AnalyticsOwnerDaily
from metaic.analytics.ownership import CARDS

DAILY = AnalyticsDaily.__table__
OWNER_DAILY = AnalyticsOwnerDaily.__table__
OWNER_CARDS = AnalyticsOwnerCard.__table__
_COLUMNS = ["owner_id", "day", "kind", "dim", "value", "count"]


def _insert(session: Session, table: sa.Table):
    """The dialect's INSERT (for ON CONFLICT DO NOTHING on both databases)."""
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(table)


def _summed(where: list[sa.ColumnElement]) -> sa.Select:
    """SELECT owner_id, day, kind, dim, value, sum(count) of per-card rows, grouped by owner."""
    d, c = DAILY.c, CARDS.c
    return (
        sa.select(c.owner_id, d.day, d.kind, d.dim, d.value, sa.func.sum(d.count))
        .select_from(DAILY.join(CARDS, c.id == d.card_id))
        .where(*where)
        .group_by(c.owner_id, d.day, d.kind, d.dim, d.value)
    )


def _remember_cards(session: Session, where: list[sa.ColumnElement]) -> None:
    """Record which cards the sums just written include."""
    d, c = DAILY.c, CARDS.c
    cards = sa.select(c.owner_id, d.card_id).select_from(DAILY.join(CARDS, c.id == d.card_id)).where(*where)
    statement = _insert(session, OWNER_CARDS).from_select(["owner_id", "card_id"], cards.distinct())
    session.execute(statement.on_conflict_do_nothing(index_elements=["owner_id", "card_id"]))


def roll_day(session: Session, day: date) -> None:
    """Replace every owner's rows of a day with the sums of that day's per-card rows (written just before)."""
    session.execute(sa.delete(OWNER_DAILY).where(OWNER_DAILY.c.day == day))
    where = [DAILY.c.day == day]
    session.execute(sa.insert(OWNER_DAILY).from_select(_COLUMNS, _summed(where)))
    _remember_cards(session, where)


def rebuild(session: Session, owner_id: uuid.UUID) -> None:
    """Make one owner's rows again from the per-card rows of the cards they have now (every day)."""
    session.execute(sa.delete(OWNER_DAILY).where(OWNER_DAILY.c.owner_id == owner_id))
    session.execute(sa.delete(OWNER_CARDS).where(OWNER_CARDS.c.owner_id == owner_id))
    where = [CARDS.c.owner_id == owner_id]
    session.execute(sa.insert(OWNER_DAILY).from_select(_COLUMNS, _summed(where)))
    _remember_cards(session, where)


def stale_owners(session: Session) -> list[uuid.UUID]:
    """Owners whose sums include a card that is no longer theirs (deleted since)."""
    oc, c = OWNER_CARDS.c, CARDS.c
    gone = ~sa.exists().where(c.id == oc.card_id, c.owner_id == oc.owner_id)
    return list(session.execute(sa.select(oc.owner_id).where(gone).distinct()).scalars())


def fresh(session: Session, owner_id: uuid.UUID, card_ids: list[uuid.UUID]) -> bool:
    """True when the owner's sums cover only cards among `card_ids` (the cards they have now)."""
    included = session.execute(sa.select(OWNER_CARDS.c.card_id).where(OWNER_CARDS.c.owner_id == owner_id))
    return set(included.scalars()) <= set(card_ids)
