"""Cards for the directory tests: a published card with a listing, built from a small document."""

from __future__ import annotations

from metaic.cards import flows as card_flows
from metaic.cards import service as card_service
from metaic.db import session_scope


def card_content(name: str, **extra) -> dict:
    """A card document with a company, an industry, a city and what the person is open to."""
    doc = {
        "name": name,
        "headline": extra.pop("headline", "Engineer"),
        "business": {
            "name": extra.pop("company", "Acme"),
            "industry": extra.pop("industry", "Computing"),
            "address": extra.pop("address", "1 Main Street, London, United Kingdom"),
        },
        "networking": {"offer": extra.pop("offer", ""), "open_to": extra.pop("open_to", ["mentoring"])},
    }
    doc.update(extra)
    return doc


def listed_card(owner, name: str, listing: str = "public", visibility: str = "public", **extra):
    """Create, publish and list a card of `owner`; returns the card id."""
    with session_scope() as s:
        card = card_service.create(session=s, owner=owner, name=name)
        card_service.save_draft(session=s, owner=owner, card_id=card.id, content=card_content(name, **extra))
        card_service.set_visibility(session=s, owner=owner, card_id=card.id, visibility=visibility)
        card_flows.publish(session=s, owner=owner, card_id=card.id)
        card_service.set_directory_listing(session=s, owner=owner, card_id=card.id, value=listing)
        return card.id
