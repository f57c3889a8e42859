"""A share-back naming someone already in the book is a suggestion the owner confirms (issue 11, finding 7).

The attack: the form is anonymous, so a stranger typed the email of one of the owner's contacts and their
own phone and note were silently added to that contact.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from metaic.contacts import history, sharing
from metaic.contacts import service as contact_service
from metaic.core import clock
from metaic.core.errors import NotFound
from tests.contacts.helpers import card_doc, make_user, notifications, publish_card

CONSENT = "I agree that Ada may store the details above and contact me about them."


def _share(session, slug: str, **changes):
    """An anonymous share-back on the card, from a new address each time."""
    fields = {
        "name": "Grace H.",
        "email": "grace@example.com",
        "phone": "+34 612 345 678",
        "company": "Attacker Ltd",
        "note": "Call me on my new number",
        "consent": True,
        "consent_text": CONSENT,
        "ip": f"203.0.113.{uuid.uuid4().int % 200}",
    }
    return sharing.share_back(session=session, slug=slug, **{**fields, **changes})


def _setup(session):
    """Ada, her card, and Grace already in her book (email only, as Ada typed it)."""
    ada = make_user(session, "ada@example.com", "Ada")
    card = publish_card(session, ada, card_doc(name="Ada", email="ada@example.com"))
    grace = contact_service.create(
        session=session,
        owner=ada,
        data={"full_name": "Grace Hopper", "emails": [{"value": "grace@example.com"}], "note": "Met at PyCon"},
    )
    return ada, card, grace


def _as_it_was(session, ada, contact_id) -> tuple:
    """What the owner sees of the contact."""
    read = contact_service.get(session=session, owner=ada, contact_id=contact_id)
    timeline = history.timeline(session=session, owner=ada, contact_id=contact_id)
    return read.full_name, read.company, read.emails, read.phones, read.notes, read.consents, timeline


def test_details_for_a_known_contact_change_nothing_until_the_owner_adds_them(session):
    ada, card, grace = _setup(session)
    before = _as_it_was(session, ada, grace.id)
    matched = _share(session, card.slug)
    assert matched.id == grace.id
    assert _as_it_was(session, ada, grace.id) == before  # no phone, no note, no consent, no timeline entry
    [suggestion] = sharing.suggestions(session=session, owner=ada, contact_id=grace.id)
    assert [p.value for p in suggestion.phones] == ["+34612345678"]
    assert (suggestion.note, suggestion.full_name, suggestion.card_slug) == (
        "Call me on my new number",
        "Grace H.",
        card.slug,
    )
    [note] = notifications(session, ada, "contact_shared")
    assert note.url == f"/contacts/view?id={grace.id}" and "Grace Hopper" in note.title  # the owner's own name
    clock.advance(timedelta(minutes=1))
    sharing.accept_suggestion(session=session, owner=ada, suggestion_id=suggestion.id)
    read = contact_service.get(session=session, owner=ada, contact_id=grace.id)
    assert (read.full_name, read.company) == ("Grace Hopper", "Attacker Ltd")  # only empty fields are filled
    assert [p.value for p in read.phones] == ["+34612345678"]
    assert read.notes == "Met at PyCon\n\nCall me on my new number"
    assert read.consents[0]["text"] == CONSENT
    assert [h.channel for h in history.timeline(session=session, owner=ada, contact_id=grace.id)] == ["share_back"]
    assert sharing.suggestions(session=session, owner=ada, contact_id=grace.id) == []


def test_an_ignored_suggestion_leaves_the_contact_as_it_was(session):
    ada, card, grace = _setup(session)
    before = _as_it_was(session, ada, grace.id)
    _share(session, card.slug, email="GRACE@example.com")
    [suggestion] = sharing.suggestions(session=session, owner=ada, contact_id=grace.id)
    sharing.ignore_suggestion(session=session, owner=ada, suggestion_id=suggestion.id)
    assert _as_it_was(session, ada, grace.id) == before
    assert sharing.suggestions(session=session, owner=ada, contact_id=grace.id) == []
    with pytest.raises(NotFound):
        sharing.accept_suggestion(session=session, owner=ada, suggestion_id=suggestion.id)


def test_only_the_owner_decides_and_only_the_newest_few_are_kept(session, monkeypatch):
    monkeypatch.setattr(sharing, "MAX_SUGGESTIONS", 2)
    ada, card, grace = _setup(session)
    eve = make_user(session, "eve@example.com", "Eve")
    for n in range(3):
        clock.advance(timedelta(seconds=1))
        _share(session, card.slug, note=f"visit {n}")
    pending = sharing.suggestions(session=session, owner=ada, contact_id=grace.id)
    assert [s.note for s in pending] == ["visit 2", "visit 1"]
    for call in (sharing.accept_suggestion, sharing.ignore_suggestion):
        for bad in (pending[0].id, "not-an-id"):
            with pytest.raises(NotFound):
                call(session=session, owner=eve, suggestion_id=bad)
    with pytest.raises(NotFound):
        sharing.suggestions(session=session, owner=eve, contact_id=grace.id)


def test_a_new_person_still_becomes_a_lead_at_once(session):
    ada, card, _ = _setup(session)
    lead = _share(session, card.slug, email="new.person@example.com", phone="")
    read = contact_service.get(session=session, owner=ada, contact_id=lead.id)
    assert (read.source, read.full_name, [e.value for e in read.emails]) == (
        "share_back",
        "Grace H.",
        ["new.person@example.com"],
    )
    assert sharing.suggestions(session=session, owner=ada, contact_id=lead.id) == []


def test_a_phone_match_is_a_suggestion_too(session):
    ada, card, _ = _setup(session)
    bob = contact_service.create(
        session=session, owner=ada, data={"full_name": "Bob", "phones": [{"value": "+34 612 345 678"}]}
    )
    matched = _share(session, card.slug, email="someone.else@example.com")
    assert matched.id == bob.id
    assert contact_service.get(session=session, owner=ada, contact_id=bob.id).emails == []
    [suggestion] = sharing.suggestions(session=session, owner=ada, contact_id=bob.id)
    sharing.accept_suggestion(session=session, owner=ada, suggestion_id=suggestion.id)
    read = contact_service.get(session=session, owner=ada, contact_id=bob.id)
    assert [e.value for e in read.emails] == ["someone.else@example.com"] and read.company == "Attacker Ltd"
