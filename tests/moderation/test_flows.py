"""Moderation domain: reports, the queue, takedown and restore, the appeal round trip, every step audited."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from metaic.auth.models import User
from metaic.cards.models import Card
from metaic.cards.public import get_public
from metaic.core import links
from metaic.core.errors import Conflict, NotFound, PermissionDenied, RateLimited, ValidationError
from metaic.db import session_scope
from metaic.moderation import flows, queue, reports
from metaic.moderation.models import ACTIVE, GRANTED, PENDING, RESTORED, UPHELD, CardReport, CardTakedown
from metaic.search import documents
from tests.admin.helpers import make
from tests.moderation.helpers import entries, notes, people, published, report

REASON = "Sells counterfeit goods to visitors."


def _as(user_id, fn, **kwargs):
    """Run a flow as the account `user_id` and commit; returns its result."""
    with session_scope() as s:
        actor = s.get(User, user_id)
        result = fn(session=s, actor=actor, **kwargs)
        s.commit()
        return result


def _online(slug: str) -> bool:
    """Whether the public page would show the card."""
    with session_scope() as s:
        return get_public(session=s, slug=slug) is not None


def test_a_report_needs_a_listed_reason_words_for_other_and_a_valid_address(db):
    _admin, owner = people()
    card_id, slug = published(owner)
    card = reports.ReportedCard(card_id=card_id, owner_id=owner.id, slug=slug, name="Ada")
    with session_scope() as s:
        with pytest.raises(ValidationError) as bad:
            reports.submit(session=s, card=card, reason="nope", details="x" * 2001, contact_email="not-an-address")
        assert set(bad.value.errors) == {"reason", "details", "contact_email"}
        with pytest.raises(ValidationError) as short:
            reports.submit(session=s, card=card, reason="other", details="bad")
        assert set(short.value.errors) == {"details"}
        row = reports.submit(session=s, card=card, reason="other", details="  Pretends to be my firm.  ", ip="1.2.3.4")
        assert (row.details, row.status, row.address_hash != "1.2.3.4") == ("Pretends to be my firm.", "open", True)


def test_reports_are_limited_per_address_and_per_card(db):
    _admin, owner = people()
    card_id, slug = published(owner)
    for _ in range(reports.ADDRESS_LIMIT[0]):
        report(card_id, owner, slug, ip="198.51.100.1")
    with pytest.raises(RateLimited):
        report(card_id, owner, slug, ip="198.51.100.1")
    report(card_id, owner, slug, ip="198.51.100.2")  # another address still may
    sent = reports.ADDRESS_LIMIT[0] + 1
    for n in range(reports.CARD_LIMIT[0] - sent):
        report(card_id, owner, slug, ip=f"192.0.2.{n}")
    with pytest.raises(RateLimited):
        report(card_id, owner, slug, ip="192.0.2.250")


def test_the_queue_groups_open_reports_by_card(db):
    admin, owner = people()
    a_id, a_slug = published(owner)
    b_id, b_slug = published(owner, name="Ada Again")
    report(a_id, owner, a_slug)
    report(a_id, owner, a_slug, reason="impersonation", ip="203.0.113.8")
    report(b_id, owner, b_slug)
    with session_scope() as s:
        found = queue.cases(session=s, actor=s.get(User, admin.id), view="open")
        assert [(c.card_id, c.open_reports) for c in found] == [(b_id, 1), (a_id, 2)]
        assert queue.counts(session=s, actor=s.get(User, admin.id)) == {"reports": 3, "cards": 2, "appeals": 0}
        with pytest.raises(PermissionDenied):
            queue.cases(session=s, actor=s.get(User, owner.id))


def test_non_admins_may_not_act(db):
    _admin, owner = people()
    card_id, slug = published(owner)
    report(card_id, owner, slug)
    for fn, kwargs in (
        (flows.dismiss, {"card_id": card_id}),
        (flows.take_down, {"card_id": card_id, "reason": REASON}),
        (flows.restore, {"card_id": card_id}),
    ):
        with pytest.raises(PermissionDenied):
            _as(owner.id, fn, **kwargs)
    assert _online(slug)


def test_dismissing_closes_the_reports_and_is_audited(db):
    admin, owner = people()
    card_id, slug = published(owner)
    report(card_id, owner, slug)
    assert _as(admin.id, flows.dismiss, card_id=card_id, ip="10.0.0.1") == 1
    [entry] = entries("admin.reports_dismissed")
    assert (entry.actor_id, entry.subject_id, entry.target_id) == (admin.id, owner.id, str(card_id))
    assert json.loads(entry.before)["open_reports"] == 1 and json.loads(entry.after)["open_reports"] == 0
    with session_scope() as s:
        assert queue.cases(session=s, actor=s.get(User, admin.id), view="open") == []
        [case] = queue.cases(session=s, actor=s.get(User, admin.id), view="resolved")
        assert case.reports[0].resolution == "dismissed"
    assert _online(slug)
    with pytest.raises(NotFound):
        _as(admin.id, flows.dismiss, card_id=card_id)


def test_a_takedown_takes_the_card_offline_tells_the_owner_and_is_audited(db):
    admin, owner = people()
    card_id, slug = published(owner)
    report(card_id, owner, slug)
    with pytest.raises(ValidationError):
        _as(admin.id, flows.take_down, card_id=card_id, reason="short")
    takedown = _as(admin.id, flows.take_down, card_id=card_id, reason=REASON)
    assert not _online(slug)
    [note] = notes(owner)
    assert "taken down" in note.title and REASON in note.body and note.url == links.appeal(takedown.id)
    [entry] = entries("admin.card_taken_down")
    assert json.loads(entry.before)["online"] is True and json.loads(entry.after) == {
        "online": False,
        "open_reports": 0,
        "appeal": "",
        "reason": REASON,
    }
    with session_scope() as s:
        assert s.get(CardTakedown, takedown.id).status == ACTIVE
        assert {r.resolution for r in s.exec(select(CardReport))} == {"taken_down"}
    with pytest.raises(Conflict):
        _as(admin.id, flows.take_down, card_id=card_id, reason=REASON)
    _as(admin.id, flows.restore, card_id=card_id)
    assert _online(slug)
    assert "back online" in notes(owner)[-1].title and len(entries("admin.card_restored")) == 1


def test_the_appeal_round_trip_upheld_then_granted(db):
    admin, owner = people()
    card_id, slug = published(owner)
    report(card_id, owner, slug)
    takedown = _as(admin.id, flows.take_down, card_id=card_id, reason=REASON)
    stranger = make("eve@example.com")
    with session_scope() as s, pytest.raises(NotFound):
        flows.appeal(session=s, owner=s.get(User, stranger.id), takedown_id=takedown.id, text="Give it back, please.")
    with session_scope() as s:
        flows.appeal(session=s, owner=s.get(User, owner.id), takedown_id=takedown.id, text="The watches are real.")
        s.commit()
        [case] = queue.cases(session=s, actor=s.get(User, admin.id), view="open")
        assert case.appeal_pending and case.takedown.appeal_text == "The watches are real."
        assert queue.counts(session=s, actor=s.get(User, admin.id))["appeals"] == 1
        with pytest.raises(Conflict):
            flows.appeal(session=s, owner=s.get(User, owner.id), takedown_id=takedown.id, text="Once more, please.")
    assert len(entries("card.appealed")) == 1
    with pytest.raises(ValidationError):
        _as(admin.id, flows.decide_appeal, takedown_id=takedown.id, grant=False, note="")
    _as(admin.id, flows.decide_appeal, takedown_id=takedown.id, grant=False, note="Invoices show they are fakes.")
    assert not _online(slug)
    assert "appeal" in notes(owner)[-1].title and "fakes" in notes(owner)[-1].body
    with session_scope() as s:
        assert s.get(CardTakedown, takedown.id).appeal_status == UPHELD
    assert len(entries("admin.appeal_upheld")) == 1


def test_a_granted_appeal_restores_the_card(db):
    admin, owner = people()
    card_id, slug = published(owner)
    report(card_id, owner, slug)
    takedown = _as(admin.id, flows.take_down, card_id=card_id, reason=REASON)
    with session_scope() as s:
        flows.appeal(session=s, owner=s.get(User, owner.id), takedown_id=takedown.id, text="The watches are real.")
        s.commit()
        assert s.get(CardTakedown, takedown.id).appeal_status == PENDING
    _as(admin.id, flows.decide_appeal, takedown_id=takedown.id, grant=True, note="Receipts checked, sorry.")
    assert _online(slug)
    with session_scope() as s:
        row = s.get(CardTakedown, takedown.id)
        assert (row.status, row.appeal_status, row.appeal_note) == (RESTORED, GRANTED, "Receipts checked, sorry.")
        assert queue.cases(session=s, actor=s.get(User, admin.id), view="open") == []
    [entry] = entries("admin.appeal_granted")
    assert json.loads(entry.before)["online"] is False and json.loads(entry.after)["online"] is True
    assert "back online" in notes(owner)[-1].title


def test_a_taken_down_card_leaves_the_directory(db):
    admin, owner = people()
    card_id, slug = published(owner)
    with session_scope() as s:
        card = s.get(Card, card_id)
        card.directory_listing = "public"
        s.add(card)
        s.commit()
        assert [c.id for c, _v in documents.listed_cards(s, [card_id])] == [card_id]
    report(card_id, owner, slug)
    _as(admin.id, flows.take_down, card_id=card_id, reason=REASON)
    with session_scope() as s:
        assert list(documents.listed_cards(s, [card_id])) == [] and documents.count_listed(s) == 0
