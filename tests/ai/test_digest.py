"""The weekly insights digest: who to follow up, gone quiet, leads who came back; in-app always, email on opt-in."""

from __future__ import annotations

import re
from datetime import UTC, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from metaic.ai import digest, insights
from metaic.api.app import build_api
from metaic.auth.models import User
from metaic.contacts import history, sharing
from metaic.core import clock
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.notifications.models import Notification
from metaic.upkeep import tasks
from tests.ai.helpers import add_contact, make_card, make_user


def next_monday(hour: int) -> None:
    """Move the test clock to the next Monday at `hour`:00 UTC."""
    now = clock.now().astimezone(UTC)
    monday = (now + timedelta(days=7 - now.weekday())).replace(hour=hour, minute=0, second=0, microsecond=0)
    clock.advance(monday - now)


def share(slug: str) -> None:
    """Lea leaves her details on Ada's card."""
    with session_scope() as s:
        sharing.share_back(
            session=s,
            slug=slug,
            name="Lea Lead",
            email="lea@example.com",
            phone="",
            company="Leads Co",
            note="",
            consent=True,
            consent_text="I agree to share my details.",
            ip="203.0.113.9",
        )


@pytest.fixture
def week(db):
    """Ada's book over ten weeks: a client gone quiet, new people (one written to), a lead who came back."""
    with session_scope() as s:
        ada = make_user(s)
        slug = make_card(s, ada, publish=True).slug
        add_contact(s, ada, full_name="Quinn Client", stage="client")
    clock.advance(timedelta(days=65))
    with session_scope() as s:
        owner = s.get(User, ada.id)
        add_contact(s, owner, full_name="Fay New", event="Web Summit")
        tom = add_contact(s, owner, full_name="Tom Written")
        history.log(session=s, owner=owner, contact_id=tom.id, channel="email", subject="Great to meet")
    share(slug)
    clock.advance(timedelta(days=3))
    share(slug)  # Lea comes back to the card
    next_monday(9)
    drain_local()
    return ada


def names(items) -> list[str]:
    """The names of digest lines."""
    return [i.name for i in items]


def test_the_digest_names_each_person_once_with_one_action(week):
    """Fay and Lea wait for a follow-up (Tom was written to), Quinn went quiet, Lea came back to the card."""
    with session_scope() as s:
        found = insights.compose(session=s, owner=s.get(User, week.id))
    assert sorted(names(found.follow_up)) == ["Fay New", "Lea Lead"]
    assert names(found.quiet) == ["Quinn Client"] and names(found.returning) == ["Lea Lead"]
    fay = next(i for i in found.follow_up if i.name == "Fay New")
    assert "at Web Summit" in fay.detail and fay.action == "Write a follow-up"
    assert fay.url == f"/contacts/view?id={fay.contact_id}"
    days = int(re.fullmatch(r"no contact for (\d+) days", found.quiet[0].detail)[1])
    assert 68 <= days <= 75 and found.quiet[0].action == "Say hello"


def test_in_app_every_monday_once_and_never_empty(week, outbox):
    """The job makes one in-app notification linking to /network; email stays off until opted in."""
    assert digest.send_due() == 1
    assert digest.send_due() == 0  # once a week
    drain_local()
    with session_scope() as s:
        [note] = s.exec(select(Notification).where(Notification.kind == digest.KIND)).all()
    assert note.url == "/network" and "Fay New" in note.body and "Came back to your card:" in note.body
    assert note.title == "Your week: 2 to follow up, 1 gone quiet, 1 came back"
    assert outbox.emails("ada@example.com") == []
    with session_scope() as s:
        lonely = make_user(s, "solo@example.com", "Solo")
        add_contact(s, lonely, full_name="Only Yesterday")
    assert digest.send_due() == 0  # Solo's only contact is new: nothing to say, nothing sent


def test_email_on_opt_in_with_one_click_unsubscribe(week, outbox):
    """Opted in, the digest comes by email with its links; the List-Unsubscribe POST switches it off."""
    with session_scope() as s:
        assert not digest.email_on(session=s, user=s.get(User, week.id))
        digest.set_email(session=s, user=s.get(User, week.id), enabled=True)
    assert digest.send_due() == 1
    drain_local()
    [mail] = outbox.emails("ada@example.com")
    body = outbox.body(mail)
    assert "Gone quiet:" in body and "Quinn Client" in body and "Say hello →" in body
    link = re.search(r"<(http://testserver/notifications/unsubscribe\?token=[^>]+)>", mail["List-Unsubscribe"])[1]
    answer = TestClient(build_api()).post(
        link.removeprefix("http://testserver"), data={"List-Unsubscribe": "One-Click"}
    )
    assert answer.status_code == 200
    with session_scope() as s:
        assert not digest.email_on(session=s, user=s.get(User, week.id))


def test_waits_for_monday_morning_and_runs_from_upkeep(db):
    """Before 08:00 on Monday the week's digest is not due; the upkeep schedule runs the job."""
    assert any(t.func is digest.send_due for t in tasks())
    with session_scope() as s:
        ada = make_user(s)
        add_contact(s, ada, full_name="Fay New")
    clock.advance(timedelta(days=3))
    next_monday(7)
    with session_scope() as s:
        first = digest.send_one(session=s, user=s.get(User, ada.id))
    with session_scope() as s:
        assert first is not None  # last week's digest, due since last Monday 08:00
        assert digest.send_one(session=s, user=s.get(User, ada.id)) is None
    clock.advance(timedelta(hours=2))
    with session_scope() as s:
        assert digest.send_one(session=s, user=s.get(User, ada.id)) is not None  # this Monday's, after 08:00
