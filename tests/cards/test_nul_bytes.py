"""Fuzzing found it on PostgreSQL: a NUL byte in a card field was a 500 there (SQLite stores it)."""

from __future__ import annotations

from metaic.cards import service
from metaic.db import session_scope
from tests.cards.helpers import make_user


def test_nul_bytes_never_reach_the_database(db):
    """Every text of the document, nested items and lists included, is saved without its NUL bytes."""
    with session_scope() as s:
        owner = make_user(s)
        card = service.create(session=s, owner=owner, name="Ada")
        document = {
            "name": "Ada\x00 Lovelace",
            "headline": "Analyst\x00",
            "contacts": [{"kind": "email", "label": "w\x00ork", "value": "ada@example.com\x00"}],
            "interests": ["maths\x00"],
        }
        saved = service.save_draft(session=s, owner=owner, card_id=card.id, content=document)
    assert (saved.name, saved.headline) == ("Ada Lovelace", "Analyst")
    assert (saved.contacts[0].label, saved.contacts[0].value) == ("work", "ada@example.com")
    assert saved.interests == ["maths"]
