"""Contacts and cards: saving a published card, refreshing on republish, enrichment by email, share-back."""

from __future__ import annotations

from datetime import datetime

import pytest

from metaic.cards import flows as card_flows
from metaic.cards import service as card_service
from metaic.contacts import enrichment, history, service, sharing, tags
from metaic.contacts.models import SavedContact
from metaic.core import clock
from metaic.core.errors import NotFound, RateLimited, ValidationError
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from tests.contacts.helpers import card_doc, make_user, notifications, publish_card

CONSENT = "I agree that Grace Hopper may store my details to contact me."


def test_save_from_card_twice_gives_one_contact_and_notifies_the_owner(session):
    owner, visitor = make_user(session), make_user(session, "visitor@example.com", name="Vera Visitor")
    card = publish_card(session, owner)
    first = enrichment.save_from_card(session=session, saver=visitor, slug=card.slug)
    again = enrichment.save_from_card(session=session, saver=visitor, slug=card.slug)
    assert first.id == again.id and first.card_id == card.id and first.source == "card"
    read = service.get(session=session, owner=visitor, contact_id=first.id)
    assert (read.full_name, read.company, read.title) == ("Grace Hopper", "US Navy", "Rear Admiral")
    assert [e.value for e in read.emails] == ["grace@navy.example.com"]
    assert [p.value for p in read.phones] == ["+12025550143"]
    assert "https://www.linkedin.com/in/grace" in [link.value for link in read.links]
    [note] = notifications(session, owner, "contact_shared")
    assert "Vera Visitor" in note.title
    assert service.list_(session=session, owner=owner).total == 0  # the owner's book is untouched


def test_unpublished_or_unknown_cards_cannot_be_saved(session):
    owner, visitor = make_user(session), make_user(session, "visitor@example.com")
    draft = card_service.create(session=session, owner=owner, name="Draft Only")
    for slug in (draft.slug, "no-such-card"):
        with pytest.raises(NotFound):
            enrichment.save_from_card(session=session, saver=visitor, slug=slug)


def test_republish_refreshes_card_fields_and_keeps_the_savers_own(db):
    with session_scope() as s:
        owner, visitor = make_user(s), make_user(s, "visitor@example.com")
        card = publish_card(s, owner)
        contact = enrichment.save_from_card(session=s, saver=visitor, slug=card.slug)
        service.update(
            session=s,
            owner=visitor,
            contact_id=contact.id,
            changes={"note": "Met at the COBOL talk", "tags": ["navy"], "stage": "partner", "event": "Tech Summit"},
        )
    with session_scope() as s:
        card_service.save_draft(
            session=s,
            owner=owner,
            card_id=card.id,
            content=card_doc(company="Remington Rand", email="grace@rand.example.com", headline="Director"),
        )
        card_flows.publish(session=s, owner=owner, card_id=card.id)
    drain_local()
    with session_scope() as s:
        read = service.get(session=s, owner=visitor, contact_id=contact.id)
        assert (read.company, read.title, [e.value for e in read.emails]) == (
            "Remington Rand",
            "Director",
            ["grace@rand.example.com"],
        )
        assert (read.notes, read.stage, read.event, [t.name for t in read.tags]) == (
            "Met at the COBOL talk",
            "partner",
            "Tech Summit",
            ["navy"],
        )
        page = service.list_(session=s, owner=visitor, filters={"query": "grace@rand.example.com"})
        assert page.total == 1  # the blind index follows the refresh


def test_a_matching_email_links_the_contact_to_the_card(session):
    owner, someone = make_user(session), make_user(session, "someone@example.com")
    card = publish_card(session, owner)
    contact = service.create(
        session=session, owner=someone, data={"full_name": "G. Hopper", "emails": [{"value": "GRACE@navy.example.com"}]}
    )
    assert contact.card_id == card.id
    details = enrichment.card_details(session=session, owner=someone, contact_id=contact.id)
    assert details is not None and details.content.business.name == "US Navy"
    stranger = service.create(
        session=session, owner=someone, data={"full_name": "Nobody", "emails": [{"value": "nobody@example.com"}]}
    )
    assert stranger.card_id is None
    assert enrichment.enrich(session=session, owner=someone, contact_id=stranger.id) is False
    assert enrichment.card_details(session=session, owner=someone, contact_id=stranger.id) is None


def _share(session, slug, **changes):
    """A share-back with sensible defaults."""
    fields = {
        "name": "Lead Person",
        "email": "lead@example.com",
        "phone": "",
        "company": "Leads Ltd",
        "note": "Let's talk",
        "consent": True,
        "consent_text": CONSENT,
        "ip": "203.0.113.7",
    }
    return sharing.share_back(session=session, slug=slug, **{**fields, **changes})


def test_share_back_without_consent_or_contact_details_is_refused(session):
    owner = make_user(session)
    card = publish_card(session, owner)
    with pytest.raises(ValidationError) as err:
        _share(session, card.slug, consent=False)
    assert "consent" in err.value.errors
    with pytest.raises(ValidationError) as err:
        _share(session, card.slug, email="", phone="")
    assert {"email", "phone"} <= set(err.value.errors)
    with pytest.raises(ValidationError) as err:
        _share(session, card.slug, email="nope")
    assert "email" in err.value.errors
    assert service.list_(session=session, owner=owner).total == 0
    assert notifications(session, owner, "contact_shared") == []


def test_share_back_creates_a_lead_with_consent_and_merges_a_repeat(session):
    owner = make_user(session)
    card = publish_card(session, owner)
    lead = _share(session, card.slug)
    read = service.get(session=session, owner=owner, contact_id=lead.id)
    assert (read.source, read.full_name, read.company, read.notes) == (
        "share_back",
        "Lead Person",
        "Leads Ltd",
        "Let's talk",
    )
    assert read.consents[0]["text"] == CONSENT and read.consents[0]["ip"] == "203.0.113.7"
    assert clock.as_utc(datetime.fromisoformat(read.consents[0]["at"])) <= clock.now()
    assert [h.channel for h in history.timeline(session=session, owner=owner, contact_id=lead.id)] == ["share_back"]
    [note] = notifications(session, owner, "contact_shared")
    assert note.url == f"/contacts/view?id={lead.id}" and "Lead Person" in note.title
    again = _share(session, card.slug, email="LEAD@example.com", phone="+1 202 555 0143", note="Second visit")
    assert again.id == lead.id
    read = service.get(session=session, owner=owner, contact_id=lead.id)
    assert read.phones == [] and len(read.consents) == 1  # a suggestion until the owner adds it
    [suggestion] = sharing.suggestions(session=session, owner=owner, contact_id=lead.id)
    sharing.accept_suggestion(session=session, owner=owner, suggestion_id=suggestion.id)
    read = service.get(session=session, owner=owner, contact_id=lead.id)
    assert [p.value for p in read.phones] == ["+12025550143"] and len(read.consents) == 2
    assert read.notes == "Let's talk\n\nSecond visit"
    assert session.get(SavedContact, lead.id).owner_id == owner.id
    assert tags.list_tags(session=session, owner=owner) == []


def test_share_back_is_rate_limited_per_ip(session):
    owner = make_user(session)
    card = publish_card(session, owner)
    for i in range(sharing.SHARE_LIMIT):
        _share(session, card.slug, email=f"lead{i}@example.com", ip="198.51.100.1")
    with pytest.raises(RateLimited):
        _share(session, card.slug, email="late@example.com", ip="198.51.100.1")
    _share(session, card.slug, email="other@example.com", ip="198.51.100.2")


def test_form_timing_token():
    now = clock.now().timestamp()
    token = sharing.issue_form_token(now)
    with pytest.raises(ValidationError):
        sharing.check_form_timing(token, now + 1)
    sharing.check_form_timing(token, now + 5)
    with pytest.raises(ValidationError):
        sharing.check_form_timing(token, now + 86401)
    with pytest.raises(ValidationError):
        sharing.check_form_timing(token[:-2] + "xx", now + 5)
    with pytest.raises(ValidationError):
        sharing.check_form_timing("", now + 5)
