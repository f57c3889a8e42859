"""Sending a message to a contact: store it, then queue its delivery (now, or at `send_at`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from metaic.auth.models import User
from metaic.communication import jobs as communication_jobs
from metaic.communication.models import CANCELED, CHANNELS, QUEUED, ScheduledMessage
from metaic.communication.templates import subject_for
from metaic.contacts import store as contact_store
from metaic.contacts.models import SavedContact
from metaic.core import clock, ratelimit
from metaic.core.errors import Conflict, NotFound, ValidationError
from metaic.core.ids import parse_id
from metaic.db import after_commit
from metaic.jobs import enqueue, enqueue_at

MAX_SUBJECT, MAX_BODY = 200, 20000
# Emails and WhatsApp messages an owner may queue per hour: real follow-ups, not a mailing list.
MESSAGES_PER_HOUR = 100
# A "send later" time may trail the clock by this much and still go now (a picker in whole minutes,
# a slow form, a client's clock); further back it is a mistake (a wrong day), so it is refused
# rather than sent at once. UI and API both go through send(), so they agree.
PAST_GRACE = timedelta(minutes=5)


def _recipient(contact: SavedContact, channel: str) -> str:
    """The contact's first email (email) or phone (WhatsApp); ValidationError when there is none."""
    if channel == "email":
        if not contact.emails:
            raise ValidationError("This contact has no email address.", field="to")
        return contact.emails[0]["value"]
    if not contact.phones:
        raise ValidationError("This contact has no phone number for WhatsApp.", field="to")
    return contact.phones[0]["value"]


def local_send_time(text: str, timezone: str) -> datetime:
    """A "send later" wall-clock time ("YYYY-MM-DDTHH:MM" in the sender's zone) as UTC; a field error if unreadable."""
    when = clock.from_local(text or "", timezone)
    if when is None:
        raise ValidationError("Choose a date and time.", field="send_at")
    return when


def send_time(send_at: datetime | None, now: datetime) -> datetime:
    """When a message asked for at `send_at` goes: now for none, refused when clearly past or over a year ahead."""
    if send_at is not None and clock.as_utc(send_at) < now - PAST_GRACE:
        raise ValidationError("Choose a time in the future.", field="send_at")
    return clock.schedule(send_at, now, what="message")


def send(
    *,
    session: Session,
    owner: User,
    contact_id: uuid.UUID | str,
    channel: str,
    subject: str = "",
    body: str,
    send_at: datetime | None = None,
) -> ScheduledMessage:
    """Queue an already previewed message to a contact; it is delivered after the caller commits."""
    contact = contact_store.require_contact(session=session, owner_id=owner.id, contact_id=contact_id)
    if channel not in CHANNELS:
        raise ValidationError("Choose email or WhatsApp.", field="channel")
    subject = subject_for(channel, subject)
    body = contact_store.clean_multiline(body)
    if len(subject) > MAX_SUBJECT:
        raise ValidationError(f"Use at most {MAX_SUBJECT} characters.", field="subject")
    if not 1 <= len(body) <= MAX_BODY:
        raise ValidationError(f"Enter a message of 1 to {MAX_BODY} characters.", field="body")
    now = clock.now().astimezone(UTC)
    when = send_time(send_at, now)
    ratelimit.hit(f"outreach:{owner.id}", limit=MESSAGES_PER_HOUR, window=3600)
    message = ScheduledMessage(
        owner_id=owner.id,
        contact_id=contact.id,
        channel=channel,
        to=_recipient(contact, channel),
        subject=subject,
        body=body,
        send_at=when,
        status=QUEUED,
        created_at=now,
    )
    session.add(message)
    session.flush()
    after_commit(session, _enqueue(message.id, channel, when if when > now else None))
    return message


def _enqueue(message_id: uuid.UUID, channel: str, when: datetime | None):
    """A callback that queues the delivery job, at `when` if given."""
    title = f"{channel} message {message_id}"

    def run() -> None:
        """Queue it; the job itself checks the status, so a second run sends nothing."""
        if when is None:
            enqueue(communication_jobs.deliver, message_id, title=title, queue_name="high", retries=0)
        else:
            enqueue_at(when, communication_jobs.deliver, message_id, title=title, queue_name="high", retries=0)

    return run


def get(*, session: Session, owner: User, message_id: uuid.UUID | str) -> ScheduledMessage:
    """One of the owner's messages; NotFound for anyone else's."""
    message = session.get(ScheduledMessage, parse_id(message_id, "Message"))
    if message is None or message.owner_id != owner.id:
        raise NotFound("Message not found.")
    return message


def list_(
    *, session: Session, owner: User, contact_id: uuid.UUID | str | None = None, limit: int = 100
) -> list[ScheduledMessage]:
    """The owner's messages, newest first, optionally for one contact."""
    query = select(ScheduledMessage).where(ScheduledMessage.owner_id == owner.id)
    if contact_id is not None:
        contact = contact_store.require_contact(session=session, owner_id=owner.id, contact_id=contact_id)
        query = query.where(ScheduledMessage.contact_id == contact.id)
    return list(session.exec(query.order_by(ScheduledMessage.created_at.desc()).limit(limit)).all())


def cancel(*, session: Session, owner: User, message_id: uuid.UUID | str) -> ScheduledMessage:
    """Cancel a message still waiting in the queue; Conflict once a worker has taken it (sending, sent, failed)."""
    message = get(session=session, owner=owner, message_id=message_id)
    # Conditional update: it races fairly with a worker's claim, and exactly one of them wins.
    won = session.exec(
        update(ScheduledMessage)
        .where(ScheduledMessage.id == message.id, ScheduledMessage.status == QUEUED)
        .values(status=CANCELED)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(message)
    if won != 1 and message.status != CANCELED:
        raise Conflict(f"This message is already {message.status}; only a queued one can be cancelled.", field="status")
    return message
