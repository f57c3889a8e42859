"""Sending messages: now with a timeline entry, later when due, once only, only to the owner's contacts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from metaic.communication import jobs, service
from metaic.communication.models import ScheduledMessage
from metaic.contacts import history
from metaic.contacts import service as contact_service
from metaic.core import clock
from metaic.core.errors import NotFound, ValidationError
from metaic.db import get_engine
from metaic.jobs.local import reset_local
from metaic.jobs.queue import drain_local
from metaic.schema import metadata
from tests.contacts.helpers import make_user

ADA = "ada@engines.example.com"


def _contact(session, owner, **fields):
    """A saved contact with an email address and a phone number."""
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "emails": [{"value": ADA}],
        "phones": [{"value": "+12025550143"}],
        **fields,
    }
    return contact_service.create(session=session, owner=owner, data=data)


def test_migration_matches_the_communication_models(db):
    with get_engine().connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = [
            d
            for d in compare_metadata(context, metadata)
            if any(f"'{t}'" in repr(d) for t in ("message_templates", "scheduled_messages"))
        ]
    assert diff == []


def test_send_now_emails_the_contact_and_adds_to_the_timeline(session, outbox):
    owner = make_user(session)
    contact = _contact(session, owner)
    message = service.send(
        session=session,
        owner=owner,
        contact_id=contact.id,
        channel="email",
        subject="Nice to meet you",
        body="Hi Ada,\n\nGreat to meet you.",
    )
    assert outbox.emails() == []  # nothing leaves before the commit
    session.commit()
    drain_local()
    [sent] = outbox.emails(to=ADA)
    assert sent["Subject"] == "Nice to meet you" and "Great to meet you." in outbox.body(sent)
    session.expire_all()
    row = session.get(ScheduledMessage, message.id)
    assert row.status == "sent" and row.provider_id
    [entry] = history.timeline(session=session, owner=owner, contact_id=contact.id)
    assert (entry.channel, entry.direction, entry.subject) == ("email", "outbound", "Nice to meet you")
    assert "Great to meet you." in entry.body
    assert contact_service.get(session=session, owner=owner, contact_id=contact.id).last_contacted_at is not None


def test_deliver_twice_sends_once(session, outbox):
    owner = make_user(session)
    contact = _contact(session, owner)
    message = service.send(
        session=session, owner=owner, contact_id=contact.id, channel="email", subject="Hi", body="Hello"
    )
    session.commit()
    drain_local()
    assert jobs.deliver(message.id) == "sent"
    assert jobs.deliver(str(message.id)) == "sent"
    assert len(outbox.emails()) == 1
    assert len(history.timeline(session=session, owner=owner, contact_id=contact.id)) == 1


def test_rolled_back_send_queues_nothing(session, outbox):
    owner = make_user(session)
    contact = _contact(session, owner)
    session.commit()
    service.send(session=session, owner=owner, contact_id=contact.id, channel="email", subject="Hi", body="Hello")
    session.rollback()
    assert outbox.emails() == []


def test_send_later_waits_until_due(session, outbox):
    owner = make_user(session)
    contact = _contact(session, owner)
    message = service.send(
        session=session,
        owner=owner,
        contact_id=contact.id,
        channel="email",
        subject="Later",
        body="Hello later",
        send_at=clock.now() + timedelta(hours=2),
    )
    session.commit()
    try:
        drain_local()
        assert outbox.emails() == []
        assert jobs.deliver(message.id) == "queued"  # an early run sends nothing
        assert jobs.deliver_due() == 0
        clock.advance(timedelta(hours=2, minutes=1))
        assert jobs.deliver_due() == 1
        drain_local()
        assert [m["Subject"] for m in outbox.emails(to=ADA)] == ["Later"]
        assert jobs.deliver(message.id) == "sent"
    finally:
        reset_local()  # forget the two-hour timer of the in-process worker


def test_send_whatsapp_uses_the_first_phone(session, outbox):
    owner = make_user(session)
    contact = _contact(session, owner)
    message = service.send(
        session=session, owner=owner, contact_id=contact.id, channel="whatsapp", subject="ignored", body="Hi Ada!"
    )
    assert (message.to, message.subject) == ("+12025550143", "")
    session.commit()
    drain_local()
    [text] = [p.read_text() for p in (outbox.folder / "whatsapp").glob("*.txt")]
    assert "whatsapp:+12025550143" in text and "Hi Ada!" in text
    [entry] = history.timeline(session=session, owner=owner, contact_id=contact.id)
    assert entry.channel == "whatsapp"


def test_failed_delivery_is_recorded(session, outbox, monkeypatch):
    owner = make_user(session)
    contact = _contact(session, owner)
    message = service.send(
        session=session, owner=owner, contact_id=contact.id, channel="email", subject="Hi", body="Hello"
    )

    def broken(_message):
        raise OSError("SMTP down")

    monkeypatch.setattr(jobs, "_send", broken)
    session.commit()
    drain_local()
    session.expire_all()
    row = session.get(ScheduledMessage, message.id)
    assert (row.status, row.error) == ("failed", "OSError: SMTP down")
    assert history.timeline(session=session, owner=owner, contact_id=contact.id) == []


@pytest.mark.parametrize(("channel", "fields"), [("email", {"emails": []}), ("whatsapp", {"phones": []})])
def test_contact_without_an_address_is_refused(session, channel, fields):
    owner = make_user(session)
    contact = _contact(session, owner, **fields)
    with pytest.raises(ValidationError) as info:
        service.send(session=session, owner=owner, contact_id=contact.id, channel=channel, body="Hello")
    assert info.value.field == "to"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"body": "  "}, "body"),
        ({"subject": "s" * 201}, "subject"),
        ({"send_at_days": 400}, "send_at"),
    ],
)
def test_send_validates_its_input(session, fields, field):
    owner = make_user(session)
    contact = _contact(session, owner)
    fields = dict(fields)  # the parameter is shared by both databases
    days = fields.pop("send_at_days", None)
    data = {"channel": "email", "subject": "Hi", "body": "Hello", **fields}
    if days:
        data["send_at"] = clock.now() + timedelta(days=days)
    with pytest.raises(ValidationError) as info:
        service.send(session=session, owner=owner, contact_id=contact.id, **data)
    assert info.value.field == field


def test_another_users_contact_is_not_found(session):
    owner, other = make_user(session), make_user(session, email="other@example.com", name="Other")
    theirs = _contact(session, other)
    with pytest.raises(NotFound):
        service.send(session=session, owner=owner, contact_id=theirs.id, channel="email", body="Hello")
    message = service.send(session=session, owner=other, contact_id=theirs.id, channel="email", body="Hello")
    with pytest.raises(NotFound):
        service.get(session=session, owner=owner, message_id=message.id)
    assert service.list_(session=session, owner=owner) == []
    assert [m.id for m in service.list_(session=session, owner=other, contact_id=theirs.id)] == [message.id]


def test_an_owner_cannot_queue_a_mailing_list(session, monkeypatch, outbox):
    from metaic.core.errors import RateLimited

    monkeypatch.setattr(service, "MESSAGES_PER_HOUR", 2)
    owner = make_user(session)
    contact = _contact(session, owner)
    for n in range(2):
        service.send(session=session, owner=owner, contact_id=contact.id, channel="email", subject=f"#{n}", body="hi")
    with pytest.raises(RateLimited) as refused:
        service.send(session=session, owner=owner, contact_id=contact.id, channel="email", subject="#3", body="hi")
    assert refused.value.status == 429 and "Try again in" in refused.value.message
    assert len(service.list_(session=session, owner=owner)) == 2


def test_send_from_template_fills_the_variables_for_the_contact(session, outbox):
    from metaic.communication import flows

    owner = make_user(session)
    contact = _contact(session, owner)
    email = flows.send_from_template(
        session=session,
        owner=owner,
        contact_id=contact.id,
        channel="email",
        subject="Hello {{ contact.first_name }}",
        body="Dear {{ contact.full_name }}",
    )
    chat = flows.send_from_template(
        session=session,
        owner=owner,
        contact_id=contact.id,
        channel="whatsapp",
        subject="{{ contact.nope }} is ignored",
        body="Hi {{ contact.first_name }}",
    )
    assert (email.subject, email.body) == ("Hello Ada", "Dear Ada Lovelace")
    assert (chat.subject, chat.body) == ("", "Hi Ada")
    with pytest.raises(ValidationError) as refused:
        flows.send_from_template(
            session=session,
            owner=owner,
            contact_id=contact.id,
            channel="email",
            subject="",
            body="Hi {{ contact.nickname }}",
        )
    assert refused.value.field == "body" and len(service.list_(session=session, owner=owner)) == 2
