"""Which cards an owner's analytics may read: their own, and nothing else (another's card is NotFound)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlmodel import Session

from metaic.auth.models import User
from metaic.core.errors import NotFound

# A light reference to the cards table: analytics sits below the cards domain and reads only these columns.
CARDS = sa.table(
    "business_cards",
    sa.column("id", sa.Uuid()),
    sa.column("owner_id", sa.Uuid()),
    sa.column("name", sa.String()),
    sa.column("slug", sa.String()),
    sa.column("published_at", sa.DateTime(timezone=True)),
)


def owner_cards(session: Session, owner: User) -> list[dict]:
    """The owner's cards as {"id", "name", "slug"}, by name."""
    c = CARDS.c
    rows = session.execute(sa.select(c.id, c.name, c.slug).where(c.owner_id == owner.id).order_by(c.name, c.slug))
    return [{"id": card_id, "name": name, "slug": slug} for card_id, name, slug in rows]


def scope_ids(cards: list[dict], card_id: uuid.UUID | None) -> list[uuid.UUID]:
    """Every card of the owner, or the one asked for when it is theirs (NotFound otherwise)."""
    if card_id is None:
        return [c["id"] for c in cards]
    if not any(c["id"] == card_id for c in cards):
        raise NotFound("Card not found.")
    return [card_id]
