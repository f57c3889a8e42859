"""Blocked words and reserved addresses: admins keep the list; publishing refuses a card that uses them."""

from __future__ import annotations

import json

import pytest

from metaic.auth.models import User
from metaic.cards import flows as card_flows
from metaic.cards import service as card_service
from metaic.core.errors import Conflict, PermissionDenied, ValidationError
from metaic.db import session_scope
from metaic.moderation import service
from metaic.moderation.models import SLUG, WORD
from tests.cards.helpers import rich
from tests.moderation.helpers import entries, people


def _term(actor: User, term: str, kind: str = WORD):
    """Add a term as `actor` and commit."""
    with session_scope() as s:
        row = service.add_term(session=s, actor=s.get(User, actor.id), term=term, kind=kind)
        s.commit()
        return row.id


def _draft(owner: User, slug: str = "", **changes):
    """An unpublished card holding the rich document with changes (and the address `slug`)."""
    with session_scope() as s:
        user = s.get(User, owner.id)
        card = card_service.create(session=s, owner=user, name="Ada")
        card_service.save_draft(session=s, owner=user, card_id=card.id, content=rich(**changes))
        if slug:
            card.slug = slug
            s.add(card)
        s.commit()
        return card.id


def _publish(owner: User, card_id):
    """Publish as the owner; returns the ValidationError's field errors ({} when it went live)."""
    with session_scope() as s:
        try:
            card_flows.publish(session=s, owner=s.get(User, owner.id), card_id=card_id)
        except ValidationError as exc:
            return exc.errors
        s.commit()
        return {}


def test_only_admins_keep_the_list_and_each_change_is_audited(db):
    admin, owner = people()
    with session_scope() as s, pytest.raises(PermissionDenied):
        service.add_term(session=s, actor=s.get(User, owner.id), term="scam", kind=WORD)
    term_id = _term(admin, "  ScAm  ")
    with pytest.raises(Conflict):
        _term(admin, "scam")
    with session_scope() as s:
        with pytest.raises(ValidationError):
            service.add_term(session=s, actor=s.get(User, admin.id), term="x", kind=WORD)
        assert [(t.kind, t.term) for t in service.terms(session=s)] == [(WORD, "scam")]
        service.remove_term(session=s, actor=s.get(User, admin.id), term_id=term_id)
        s.commit()
        assert service.terms(session=s) == []
    [added], [removed] = entries("admin.term_added"), entries("admin.term_removed")
    assert json.loads(added.after) == {"listed": True, "kind": "word", "term": "scam"}
    assert json.loads(removed.before)["listed"] is True and removed.actor_id == admin.id


def test_publishing_is_refused_with_each_offending_field_named(db):
    admin, owner = people()
    _term(admin, "Fake Watches")
    _term(admin, "casino")
    card_id = _draft(
        owner,
        slug="ada-casino-deals",
        headline="Cheap FAKE   watches here",
        services=[{"title": "Programs", "description": "Online casino tips", "price_range": ""}],
        interests=["Poetry", "Casino"],
    )
    errors = _publish(owner, card_id)
    assert set(errors) == {"slug", "headline", "services.0.description", "interests.1"}
    assert "casino" in errors["slug"] and "“fake watches”" in errors["headline"]
    # Whole words only: "casinos" and "occasion" are someone's ordinary text.
    ok = _draft(owner, headline="Occasional casinos consultant")
    assert _publish(owner, ok) == {}


def test_a_reserved_address_beyond_the_built_in_ones_is_refused(db):
    admin, owner = people()
    _term(admin, "Billing", kind=SLUG)
    card_id = _draft(owner, slug="billing")
    assert _publish(owner, card_id) == {"slug": "This address is reserved. Choose another."}
    with session_scope() as s:
        user = s.get(User, owner.id)
        with pytest.raises(ValidationError) as refused:
            card_flows.bulk(session=s, owner=user, card_ids=[card_id], action="publish")
        assert "reserved" in refused.value.errors[str(card_id)]
