"""Follow-up reminders: quick times, snooze, done, and firing exactly once as the clock moves."""

from __future__ import annotations

from datetime import timedelta

import pytest

from metaic.contacts import jobs as contact_jobs
from metaic.contacts import reminders, service
from metaic.core import clock
from metaic.core.errors import NotFound, ValidationError
from metaic.db import session_scope
from tests.contacts.helpers import make_user, notifications


@pytest.fixture
def ada(session):
    """An owner and one contact."""
    owner = make_user(session)
    return owner, service.create(session=session, owner=owner, data={"full_name": "Ada Lovelace"})


def test_reminder_fires_once_when_due(session, ada):
    owner, contact = ada
    reminder = reminders.set_reminder(
        session=session, owner=owner, contact_id=contact.id, quick="tomorrow", note="Send the notes"
    )
    assert reminders.fire_due(session=session) == 0
    clock.advance(timedelta(hours=23))
    assert reminders.fire_due(session=session) == 0
    clock.advance(timedelta(hours=1, seconds=1))
    assert reminders.fire_due(session=session) == 1
    assert reminders.fire_due(session=session) == 0
    [note] = notifications(session, owner, "reminder")
    assert note.data == {"contact": "Ada Lovelace", "note": "Send the notes", "url": f"/contacts/view?id={contact.id}"}
    assert "Ada Lovelace" in note.title
    [read] = reminders.list_for(session=session, owner=owner, contact_id=contact.id)
    assert read.id == reminder.id and read.notified_at is not None


def test_snooze_fires_again_and_done_never_fires(session, ada):
    owner, contact = ada
    first = reminders.set_reminder(session=session, owner=owner, contact_id=contact.id, quick="tomorrow")
    second = reminders.set_reminder(session=session, owner=owner, contact_id=contact.id, quick="next_week")
    clock.advance(timedelta(days=1, minutes=1))
    assert reminders.fire_due(session=session) == 1
    reminders.snooze(session=session, owner=owner, reminder_id=first.id, until=clock.now() + timedelta(hours=2))
    reminders.done(session=session, owner=owner, reminder_id=second.id)
    clock.advance(timedelta(days=7))
    assert reminders.fire_due(session=session) == 1  # the snoozed one again; the done one never
    assert len(notifications(session, owner, "reminder")) == 2
    assert [r.status for r in reminders.list_for(session=session, owner=owner)] == ["snoozed"]


def test_reminder_rules_and_owner_scope(session, ada):
    owner, contact = ada
    other = make_user(session, "other@example.com")
    with pytest.raises(ValidationError):
        reminders.set_reminder(session=session, owner=owner, contact_id=contact.id)
    with pytest.raises(ValidationError):
        reminders.set_reminder(session=session, owner=owner, contact_id=contact.id, quick="someday")
    reminder = reminders.set_reminder(
        session=session, owner=owner, contact_id=contact.id, due_at=clock.now() + timedelta(hours=3)
    )
    with pytest.raises(ValidationError):
        reminders.snooze(session=session, owner=owner, reminder_id=reminder.id, until=clock.now())
    for call in (
        lambda: reminders.done(session=session, owner=other, reminder_id=reminder.id),
        lambda: reminders.snooze(
            session=session, owner=other, reminder_id=reminder.id, until=clock.now() + timedelta(days=1)
        ),
        lambda: reminders.list_for(session=session, owner=other, contact_id=contact.id),
    ):
        with pytest.raises(NotFound):
            call()
    assert reminders.list_for(session=session, owner=other) == []


def test_the_periodic_job_survives_a_restart_and_claims_once(db):
    """Reminders are rows: a fresh session (a restarted process) fires them, and a second run finds none."""
    with session_scope() as s:
        owner = make_user(s)
        contact = service.create(session=s, owner=owner, data={"full_name": "Grace"})
        reminders.set_reminder(session=s, owner=owner, contact_id=contact.id, quick="tomorrow")
    clock.advance(timedelta(days=2))
    assert contact_jobs.fire_due() == 1
    assert contact_jobs.fire_due() == 0
    with session_scope() as s:
        assert len(notifications(s, owner, "reminder")) == 1


def test_concurrent_runs_notify_each_reminder_exactly_once(db):
    """Four processes' worth of fire_due at once: every due reminder is claimed by exactly one of them."""
    from concurrent.futures import ThreadPoolExecutor

    with session_scope() as s:
        owner = make_user(s)
        for i in range(20):
            contact = service.create(session=s, owner=owner, data={"full_name": f"Person {i}"})
            reminders.set_reminder(session=s, owner=owner, contact_id=contact.id, quick="tomorrow")
    clock.advance(timedelta(days=2))
    with ThreadPoolExecutor(max_workers=4) as pool:
        fired = list(pool.map(lambda _: contact_jobs.fire_due(), range(4)))
    assert sum(fired) == 20
    with session_scope() as s:
        assert len(notifications(s, owner, "reminder")) == 20


def test_snooze_for_days_counts_from_the_due_time_or_from_now(session, ada):
    owner, contact = ada
    later = reminders.set_reminder(
        session=session, owner=owner, contact_id=contact.id, due_at=clock.now() + timedelta(days=3)
    )
    overdue = reminders.set_reminder(
        session=session, owner=owner, contact_id=contact.id, due_at=clock.now() - timedelta(days=3)
    )
    moved = reminders.snooze_for(session=session, owner=owner, reminder_id=later.id, days=2)
    assert abs(moved.due_at - (later.due_at + timedelta(days=2))) < timedelta(seconds=1)
    moved = reminders.snooze_for(session=session, owner=owner, reminder_id=overdue.id)
    assert abs(moved.due_at - (clock.now() + timedelta(days=1))) < timedelta(seconds=5)
    with pytest.raises(ValidationError):
        reminders.snooze_for(session=session, owner=owner, reminder_id=later.id, days=0)
