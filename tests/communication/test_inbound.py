"""Replies from contacts: matched to the newest message sent to the sender, stored once, on the timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import select

from metaic.communication import inbound, service
from metaic.communication.models import SENT, InboundMessage, ScheduledMessage
from metaic.contacts import history
from metaic.contacts import service as contact_service
from metaic.core import clock
from metaic.core.errors import ValidationError
from metaic.db import get_engine
from metaic.jobs.queue import drain_local
from metaic.schema import metadata
from tests.contacts.helpers import make_user, notifications

ADA_EMAIL, ADA_PHONE = "ada@engines.example.com", "+12025550143"


def _contact(session, owner, **fields):
    """A saved contact, Ada Lovelace, with an email address and a phone number."""
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "emails": [{"value": ADA_EMAIL}],
        "phones": [{"value": ADA_PHONE}],
        **fields,
    }
    return contact_service.create(session=session, owner=owner, data=data)


def _sent(session, owner, contact, channel: str = "whatsapp", status: str = SENT) -> ScheduledMessage:
    """A message to the contact as the delivery job leaves it (sent now, on the app clock)."""
    to = ADA_EMAIL if channel == "email" else ADA_PHONE
    row = ScheduledMessage(
        owner_id=owner.id,
        contact_id=contact.id,
        channel=channel,
        to=to,
        body="Hello",
        send_at=clock.now(),
        status=status,
        provider_id="SM1",
    )
    session.add(row)
    session.flush()
    return row


def _reply(session, sender: str = f"whatsapp:{ADA_PHONE}", provider_id: str = "SMreply1", **kwargs):
    """Record a reply with defaults for a WhatsApp answer from Ada."""
    args = {"channel": "whatsapp", "body": "Thanks, see you Friday!", **kwargs}
    return inbound.record_reply(session=session, sender=sender, provider_id=provider_id, **args)


def _inbound(session, owner, contact) -> list:
    """The inbound entries on a contact's timeline."""
    entries = history.timeline(session=session, owner=owner, contact_id=contact.id)
    return [e for e in entries if e.direction == "inbound"]


def test_migration_matches_the_inbound_model(db):
    with get_engine().connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = [
            d
            for d in compare_metadata(context, metadata)
            if any(f"'{t}'" in repr(d) for t in ("inbound_messages", "scheduled_messages"))
        ]
    assert diff == []
    assert "inbound_messages" in metadata.tables


@pytest.mark.parametrize("sender", [f"whatsapp:{ADA_PHONE}", ADA_PHONE, "whatsapp:+1 (202) 555-0143", "202-555-0143"])
def test_whatsapp_reply_is_matched_by_number_however_written(session, sender):
    owner = make_user(session)
    contact = _contact(session, owner)
    _sent(session, owner, contact)
    row = _reply(session, sender=sender)
    assert row is not None
    assert (row.owner_id, row.contact_id, row.channel, row.sender) == (owner.id, contact.id, "whatsapp", ADA_PHONE)
    [entry] = _inbound(session, owner, contact)
    assert (entry.channel, entry.body) == ("whatsapp", "Thanks, see you Friday!")


def test_sms_reply_matches_a_whatsapp_message_to_that_number(session):
    owner = make_user(session)
    contact = _contact(session, owner)
    _sent(session, owner, contact)
    row = _reply(session, channel="sms", sender=ADA_PHONE, provider_id="SMsms")
    assert row is not None and row.channel == "sms"
    assert [e.channel for e in _inbound(session, owner, contact)] == ["sms"]


def test_email_reply_is_matched_by_address_with_a_display_name(session):
    owner = make_user(session)
    contact = _contact(session, owner)
    _sent(session, owner, contact, channel="email")
    row = inbound.record_reply(
        session=session,
        channel="email",
        sender="Ada Lovelace <ADA@Engines.Example.com>",
        subject="Re: Nice to meet you",
        body="Likewise!\n\n> quoted",
        provider_id="<abc@mail.example.com>",
    )
    assert row is not None and (row.sender, row.contact_id) == (ADA_EMAIL, contact.id)
    [entry] = _inbound(session, owner, contact)
    assert (entry.channel, entry.subject, entry.body) == ("email", "Re: Nice to meet you", "Likewise!\n\n> quoted")


def test_email_reply_does_not_match_a_whatsapp_message(session):
    owner = make_user(session)
    contact = _contact(session, owner)
    _sent(session, owner, contact)
    assert (
        inbound.record_reply(session=session, channel="email", sender=ADA_EMAIL, body="Hi", provider_id="<x@y>") is None
    )


@pytest.mark.parametrize("sender", ["whatsapp:+14155550100", "not a number", "", "whatsapp:"])
def test_unknown_sender_records_nothing(session, sender, caplog):
    owner = make_user(session)
    contact = _contact(session, owner)
    _sent(session, owner, contact)
    with caplog.at_level("INFO", logger="metaic.communication.inbound"):
        assert _reply(session, sender=sender) is None
    assert "unknown sender" in caplog.text
    assert _inbound(session, owner, contact) == []
    assert session.exec(select(InboundMessage)).all() == []


def test_same_provider_id_twice_is_recorded_once(session):
    owner = make_user(session)
    contact = _contact(session, owner)
    _sent(session, owner, contact)
    assert _reply(session) is not None
    assert _reply(session) is None
    assert _reply(session, sender=ADA_PHONE, body="Different text, same id") is None
    assert len(_inbound(session, owner, contact)) == 1
    assert len(notifications(session, owner, "message")) == 1


def test_a_reply_stored_by_a_concurrent_retry_is_not_stored_again(session, monkeypatch):
    owner = make_user(session)
    contact = _contact(session, owner)
    _sent(session, owner, contact)
    assert _reply(session) is not None
    monkeypatch.setattr(inbound, "_already_recorded", lambda *_: False)  # the retry checked before we stored
    assert _reply(session) is None
    assert len(_inbound(session, owner, contact)) == 1


def test_the_newest_sent_message_decides_who_gets_the_reply(session):
    ada_owner, bob = make_user(session, "first@example.com"), make_user(session, "second@example.com")
    first, second = _contact(session, ada_owner), _contact(session, bob)
    _sent(session, bob, second)
    clock.advance(timedelta(minutes=5))
    _sent(session, ada_owner, first)
    row = _reply(session)
    assert (row.owner_id, row.contact_id) == (ada_owner.id, first.id)
    assert _inbound(session, bob, second) == []
    clock.advance(timedelta(minutes=5))
    _sent(session, bob, second)
    assert _reply(session, provider_id="SMreply2").owner_id == bob.id


def test_a_queued_message_does_not_match(session):
    owner = make_user(session)
    contact = _contact(session, owner)
    service.send(session=session, owner=owner, contact_id=contact.id, channel="whatsapp", body="Hi Ada")
    _sent(session, owner, contact, status="failed")
    assert _reply(session) is None
    assert _inbound(session, owner, contact) == []


def test_a_reply_to_a_delivered_message_notifies_the_owner(session, outbox):
    owner = make_user(session)
    contact = _contact(session, owner)
    service.send(session=session, owner=owner, contact_id=contact.id, channel="whatsapp", body="Hi Ada")
    session.commit()
    drain_local()
    session.expire_all()
    row = _reply(session, body="x" * 300)
    [note] = notifications(session, owner, "message")
    assert note.title == "New message from Ada Lovelace"
    assert note.body == "x" * 140 and note.url == f"/contacts/view?id={contact.id}"
    assert note.data["sender"] == "Ada Lovelace" and row.body == "x" * 300


def test_long_bodies_and_subjects_are_capped(session):
    owner = make_user(session)
    contact = _contact(session, owner)
    _sent(session, owner, contact, channel="email")
    row = inbound.record_reply(
        session=session,
        channel="email",
        sender=ADA_EMAIL,
        subject="s" * 500,
        body="b" * 30000,
        provider_id="<" + "m" * 300 + ">",
    )
    assert (len(row.subject), len(row.body)) == (200, 20000)
    assert row.provider_id.startswith("sha256:") and len(row.provider_id) <= 200


def test_unknown_channel_is_refused(session):
    with pytest.raises(ValidationError):
        inbound.record_reply(session=session, channel="fax", sender=ADA_PHONE, body="Hi", provider_id="x")


def test_message_id_is_read_from_raw_headers():
    raw = "Received: by mx\r\nMessage-ID: <CAF=abc@mail.gmail.com>\r\nSubject: Re: Hi\r\n"
    assert inbound.message_id_of(raw) == "<CAF=abc@mail.gmail.com>"
    assert inbound.message_id_of("Subject: none\n") == inbound.message_id_of("") == ""
    assert inbound.fingerprint("a", "b") == inbound.fingerprint("a", "b") != inbound.fingerprint("ab", "")
