"""Delivery claims a message first: one sender among racing workers, no lock while sending, stale claims retried."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from metaic.auth.models import User
from metaic.communication import jobs, service
from metaic.communication.models import QUEUED, ScheduledMessage
from metaic.contacts import history
from metaic.contacts import service as contact_service
from metaic.core import clock
from metaic.core.errors import Conflict, NotFound
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from tests.contacts.helpers import make_user

ADA = "ada@engines.example.com"


def _queued(session, **fields) -> ScheduledMessage:
    """A committed, due, queued message to a new contact, with no delivery job queued for it."""
    owner = make_user(session)
    contact = contact_service.create(
        session=session, owner=owner, data={"first_name": "Ada", "emails": [{"value": ADA}]}
    )
    message = ScheduledMessage(
        owner_id=owner.id,
        contact_id=contact.id,
        channel="email",
        to=ADA,
        subject="Hi",
        body="Hello",
        send_at=clock.now(),
        status=QUEUED,
        **fields,
    )
    session.add(message)
    session.commit()
    return message


def _status(message_id) -> str:
    """The status as a fresh transaction sees it."""
    with session_scope() as s:
        return s.get(ScheduledMessage, message_id).status


def _timeline(session, message: ScheduledMessage) -> list:
    """The contact's history entries."""
    owner = session.get(User, message.owner_id)
    return history.timeline(session=session, owner=owner, contact_id=message.contact_id)


def test_the_claim_is_committed_before_the_provider_is_called(session, outbox, monkeypatch):
    message = _queued(session)
    seen = []
    real_send = jobs._send

    def watching(claimed):
        seen.append(_status(claimed.id))  # another transaction already sees the claim: no lock is held
        return real_send(claimed)

    monkeypatch.setattr(jobs, "_send", watching)
    assert jobs.deliver(message.id) == "sent"
    assert seen == ["sending"] and len(outbox.emails(to=ADA)) == 1
    session.expire_all()
    row = session.get(ScheduledMessage, message.id)
    assert (row.status, row.error) == ("sent", "") and row.provider_id
    assert len(_timeline(session, message)) == 1


def test_two_racing_deliveries_send_once(session, outbox, monkeypatch):
    message = _queued(session)
    calls, start = [], threading.Barrier(2)
    real_send = jobs._send

    def slow(claimed):
        calls.append(claimed.id)
        time.sleep(0.2)  # the other worker tries while this one is still sending
        return real_send(claimed)

    monkeypatch.setattr(jobs, "_send", slow)
    results = []

    def worker():
        start.wait()
        results.append(jobs.deliver(message.id))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert calls == [message.id] and "sent" in results and set(results) <= {"sent", "sending"}
    assert len(outbox.emails(to=ADA)) == 1 and _status(message.id) == "sent"
    assert jobs.deliver(message.id) == "sent" and len(outbox.emails()) == 1
    assert len(_timeline(session, message)) == 1


def test_a_fresh_claim_is_left_alone(session, outbox):
    message = _queued(session)
    assert jobs.claim(message.id) is not None
    assert jobs.claim(message.id) is None
    assert jobs.deliver_due() == 0
    assert jobs.deliver(message.id) == "sending"
    clock.advance(timedelta(minutes=5))
    assert jobs.deliver_due() == 0
    assert outbox.emails() == []


def test_a_message_stuck_in_sending_is_picked_up_by_deliver_due(session, outbox):
    message = _queued(session)
    assert jobs.claim(message.id) is not None  # then the worker dies before sending
    clock.advance(jobs.STALE_CLAIM + timedelta(minutes=1))
    assert jobs.deliver_due() == 1
    drain_local()
    assert len(outbox.emails(to=ADA)) == 1 and _status(message.id) == "sent"
    assert jobs.deliver_due() == 0
    assert len(_timeline(session, message)) == 1


def test_a_late_worker_does_not_record_twice(session, outbox):
    """At least once: a slow worker whose claim went stale may send again, but the outcome is recorded once."""
    message = _queued(session)
    slow = jobs.claim(message.id)
    clock.advance(jobs.STALE_CLAIM + timedelta(minutes=1))
    assert jobs.deliver(message.id) == "sent"
    assert jobs._record(slow, provider_id="late") == "sent"
    session.expire_all()
    assert session.get(ScheduledMessage, message.id).provider_id != "late"
    assert len(_timeline(session, message)) == 1


def test_a_failed_send_is_recorded_and_not_retried(session, outbox, monkeypatch):
    message = _queued(session)

    def broken(_claimed):
        raise OSError("SMTP down")

    monkeypatch.setattr(jobs, "_send", broken)
    assert jobs.deliver(message.id) == "failed"
    clock.advance(jobs.STALE_CLAIM * 2)
    assert jobs.deliver_due() == 0 and jobs.deliver(message.id) == "failed"
    assert _timeline(session, message) == []


def test_cancelled_messages_are_not_sent(session, outbox):
    owner = make_user(session)
    contact = contact_service.create(
        session=session, owner=owner, data={"first_name": "Ada", "emails": [{"value": ADA}]}
    )
    message = service.send(
        session=session, owner=owner, contact_id=contact.id, channel="email", subject="Hi", body="Hello"
    )
    assert service.cancel(session=session, owner=owner, message_id=message.id).status == "canceled"
    session.commit()  # the delivery job runs now, and finds it cancelled
    drain_local()
    assert jobs.deliver(message.id) == "canceled"
    clock.advance(timedelta(hours=1))
    assert jobs.deliver_due() == 0
    assert outbox.emails() == [] and _status(message.id) == "canceled"
    assert service.cancel(session=session, owner=owner, message_id=message.id).status == "canceled"


def test_only_a_queued_message_can_be_cancelled(session, outbox):
    message = _queued(session)
    owner = session.get(User, message.owner_id)
    other = make_user(session, email="other@example.com", name="Other")
    session.commit()  # SQLite: an open write transaction here would block the worker's claim
    with pytest.raises(NotFound):
        service.cancel(session=session, owner=other, message_id=message.id)
    jobs.claim(message.id)
    with pytest.raises(Conflict) as info:
        service.cancel(session=session, owner=owner, message_id=message.id)
    assert info.value.field == "status" and "sending" in info.value.message
    session.rollback()
    clock.advance(jobs.STALE_CLAIM * 2)
    jobs.deliver(message.id)
    with pytest.raises(Conflict):
        service.cancel(session=session, owner=owner, message_id=message.id)
    session.rollback()  # SQLite: the refused UPDATE opened a write transaction that would block the jobs waited on
    assert len(outbox.emails()) == 1
