"""Introductions: pairs whose ask and offer meet, asked double opt-in, every step a draft and nothing sent."""

from __future__ import annotations

import pytest
from sqlmodel import select

from metaic.ai import corpus, introductions
from metaic.auth.models import User
from metaic.communication.models import ScheduledMessage
from metaic.core.errors import Conflict, NotFound, ValidationError
from metaic.db import session_scope
from tests.ai.helpers import add_contact, make_card, make_user


@pytest.fixture
def book(db):
    """Ada's book: Ana raising a seed round, Ben an angel investor, Cy a baker; Eve has her own book."""
    corpus.forget()
    with session_scope() as s:
        ada = make_user(s)
        make_card(s, ada)
        ana = add_contact(
            s,
            ada,
            full_name="Ana Founder",
            company="Rocket Labs",
            emails=[{"label": "work", "value": "ana@rocket.example.com"}],
            note="Building a logistics app. She is raising a seed round and looking for investors.",
        )
        ben = add_contact(
            s,
            ada,
            full_name="Ben Angel",
            title="Angel investor",
            emails=[{"label": "work", "value": "ben@angel.example.com"}],
            note="Writes first cheques into seed-stage startups.",
        )
        add_contact(s, ada, full_name="Cy Baker", note="Sourdough and pastries")
        eve = make_user(s, "eve@example.com", "Eve")
        eves = add_contact(s, eve, full_name="Eve's Angel", note="Seed investor")
    return ada, ana.id, ben.id, eves.id


def test_a_contacts_ask_is_paired_with_anothers_offer_with_the_reason(book):
    """Ana's note says she is raising; Ben offers seed cheques: the pair is suggested, the reason quotes both."""
    ada, ana, ben, _ = book
    with session_scope() as s:
        found = introductions.suggest(session=s, owner=s.get(User, ada.id))
    assert [(p.first_id, p.second_id, p.status) for p in found] == [(ana, ben, "suggested")]
    assert found[0].reason.startswith("Ana Founder is raising a seed round and looking for investors; ")
    assert "Ben Angel offers" in found[0].reason and "seed" in found[0].reason


def test_double_opt_in_each_side_is_asked_before_anything_is_shared(book):
    """Ask Ana (no Ben details), then Ben (no Ana details), then both emails in the introductions; nothing sent."""
    ada, ana, ben, _ = book
    with session_scope() as s:
        owner = s.get(User, ada.id)
        first = introductions.start(session=s, owner=owner, first_id=ana, second_id=ben)
        intro_id = first.introduction.id
    assert first.step == "ask_first" and first.compose.contact_id == ana
    assert first.compose.channel == "email" and first.compose.to == "ana@rocket.example.com"
    assert "Would you like me to introduce you?" in first.compose.body
    assert "ben@angel.example.com" not in first.compose.body
    with session_scope() as s:
        second = introductions.answer(session=s, owner=s.get(User, ada.id), intro_id=intro_id, agreed=True)
    assert second.step == "ask_second" and second.compose.contact_id == ben
    assert "Ana has said yes" in second.compose.body and "ana@rocket.example.com" not in second.compose.body
    with session_scope() as s:
        made = introductions.answer(session=s, owner=s.get(User, ada.id), intro_id=intro_id, agreed=True)
        to_ben = introductions.draft(session=s, owner=s.get(User, ada.id), intro_id=intro_id, step="introduce_second")
    assert made.introduction.status == "introduced" and made.compose.contact_id == ana
    assert "ben@angel.example.com" in made.compose.body and "ana@rocket.example.com" in to_ben.compose.body
    with session_scope() as s:
        assert s.exec(select(ScheduledMessage)).all() == []  # drafts only: nothing queued
        assert introductions.suggest(session=s, owner=s.get(User, ada.id)) == []  # in progress: not suggested


def test_no_closes_and_steps_out_of_order_are_refused(book):
    """A no declines; the introduction's own messages only; the same pair cannot start twice."""
    ada, ana, ben, _ = book
    with session_scope() as s:
        owner = s.get(User, ada.id)
        intro_id = introductions.start(session=s, owner=owner, first_id=ana, second_id=ben).introduction.id
        with pytest.raises(Conflict):
            introductions.draft(session=s, owner=owner, intro_id=intro_id, step="introduce_first")
        with pytest.raises(Conflict):
            introductions.start(session=s, owner=owner, first_id=ana, second_id=ben)
        closed = introductions.answer(session=s, owner=owner, intro_id=intro_id, agreed=False)
        assert closed.status == "declined"
        with pytest.raises(Conflict):
            introductions.answer(session=s, owner=owner, intro_id=intro_id, agreed=True)
        assert introductions.list_open(session=s, owner=owner) == []
        with pytest.raises(ValidationError):
            introductions.start(session=s, owner=owner, first_id=ana, second_id=ana)


def test_dismissed_pairs_are_not_suggested_and_other_books_are_out_of_reach(book):
    """Dismiss keeps a pair away; another user's contact can be neither paired nor drafted to."""
    ada, ana, ben, eves = book
    with session_scope() as s:
        owner = s.get(User, ada.id)
        introductions.dismiss(session=s, owner=owner, first_id=ana, second_id=ben)
        assert introductions.suggest(session=s, owner=owner) == []
        with pytest.raises(NotFound):
            introductions.start(session=s, owner=owner, first_id=ana, second_id=eves)
    with session_scope() as s:
        eve = s.exec(select(User).where(User.email == "eve@example.com")).one()
        assert introductions.suggest(session=s, owner=eve) == []
