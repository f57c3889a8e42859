"""Accounts, cards and contacts for the assistant's tests."""

from __future__ import annotations

from metaic.ai import prefs
from metaic.auth import service as user_service
from metaic.auth.models import User
from metaic.cards import flows as card_flows
from metaic.cards import service as card_service
from metaic.cards.models import Card
from metaic.contacts import service as contact_service
from metaic.contacts.models import SavedContact
from metaic.jobs.queue import drain_local

PASSWORD = "Correct-Horse-42"

CARD = {
    "name": "Ada Lovelace",
    "headline": "Software Engineer",
    "bio": "I build analytical engines for startups. Based in London. I love clean data pipelines.",
    "language": "en",
    "business": {"name": "Analytical Co", "industry": "Software", "description": "A small software studio."},
    "services": [{"title": "Data pipelines"}, {"title": "Code reviews"}],
    "contacts": [{"kind": "email", "label": "Work", "value": "ada@analytical.example.com"}],
    "interests": ["chess", "poetry"],
    "networking": {"offer": "Mentoring for junior engineers", "looking_for": "seed investors"},
}


def make_user(session, email: str = "ada@example.com", name: str = "Ada Lovelace", opt_in: bool = False) -> User:
    """A verified account, opted in to the external provider when asked."""
    user = user_service.create(session=session, email=email, password=PASSWORD, name=name, verified=True)
    if opt_in:
        prefs.update(session=session, user_id=user.id, external_opt_in=True)
    return user


def make_card(session, owner: User, publish: bool = False, **changes) -> Card:
    """A card of `owner` with CARD's content (plus changes), published when asked."""
    doc = {**CARD, **changes}
    card = card_service.create(session=session, owner=owner, name=doc["name"])
    card_service.save_draft(session=session, owner=owner, card_id=card.id, content=doc)
    if publish:
        card_flows.publish(session=session, owner=owner, card_id=card.id)
    return card


def add_contact(session, owner: User, **fields) -> SavedContact:
    """A contact typed in by `owner` (which emits contact.saved)."""
    return contact_service.create(session=session, owner=owner, data=fields)


def settle() -> None:
    """Let the in-process worker finish the jobs queued by commits so far."""
    drain_local()
