"""Background entry points: deliver one queued message; queue every message whose time has come.

A delivery is claimed, sent and recorded in three steps: a short transaction moves the message
from queued to sending (a conditional UPDATE, so exactly one worker wins), the provider is called
outside any transaction (no lock is held while the network is slow), and a second transaction
records sent or failed and the timeline entry.

Delivery is at least once, on purpose: a worker killed between its claim and its record leaves the
message in sending; once that claim is older than STALE_CLAIM, `deliver_due` hands it to a new job,
which may send it a second time. A rare duplicate is better than a message silently lost.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formataddr

from sqlalchemy import update
from sqlmodel import select

from metaic.adapters.email import OutgoingEmail, get_email_sender
from metaic.adapters.whatsapp import get_whatsapp_sender
from metaic.auth.models import User
from metaic.communication.models import FAILED, QUEUED, SENDING, SENT, ScheduledMessage
from metaic.contacts import history
from metaic.core import clock, metrics
from metaic.db import session_scope
from metaic.jobs import enqueue

log = logging.getLogger(__name__)

# A claim older than this is taken to belong to a worker that died mid-send.
STALE_CLAIM = timedelta(minutes=10)


@dataclass(frozen=True)
class Claim:
    """A message one worker has claimed, copied out of the claiming transaction."""

    id: uuid.UUID
    owner_id: uuid.UUID
    contact_id: uuid.UUID
    channel: str
    to: str
    subject: str
    body: str
    reply_to: str = ""


def _claimable(now: datetime):
    """Rows a worker may claim: queued and due, or sending under a claim so old its worker is taken for dead."""
    due = (ScheduledMessage.status == QUEUED) & (ScheduledMessage.send_at <= now)
    stale = (ScheduledMessage.status == SENDING) & (ScheduledMessage.send_at <= now - STALE_CLAIM)
    return due | stale


def claim(message_id: uuid.UUID, now: datetime | None = None) -> Claim | None:
    """Move a due message to sending and commit; None when it is not due or another worker has it."""
    now = now or clock.now()
    with session_scope() as session:
        # The WHERE clause is re-checked under the row lock, so of two racing workers one updates one row.
        # `send_at` becomes the claim time: that is how a stale claim is recognised later.
        won = session.exec(
            update(ScheduledMessage)
            .where(ScheduledMessage.id == message_id, _claimable(now))
            .values(status=SENDING, send_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if won != 1:
            return None
        m = session.get(ScheduledMessage, message_id)
        owner = session.get(User, m.owner_id)
        return Claim(
            id=m.id,
            owner_id=m.owner_id,
            contact_id=m.contact_id,
            channel=m.channel,
            to=m.to,
            subject=m.subject,
            body=m.body,
            reply_to=formataddr((owner.name, owner.email)) if owner else "",
        )


def _send(message: Claim) -> str:
    """Hand the message to the email or WhatsApp adapter; returns the provider's id."""
    if message.channel == "email":
        return get_email_sender().send(
            OutgoingEmail(
                to=message.to,
                subject=message.subject,
                text=message.body,
                reply_to=message.reply_to or None,
                metadata={"scheduled_message_id": str(message.id)},
            )
        )
    return get_whatsapp_sender().send(message.to, message.body)


def _record(message: Claim, *, provider_id: str = "", error: str = "") -> str:
    """Store the outcome of a claimed send (and its timeline entry); returns the status afterwards."""
    with session_scope() as session:
        row = session.exec(select(ScheduledMessage).where(ScheduledMessage.id == message.id).with_for_update()).first()
        if row is None:
            return ""  # the contact (and with it the message) was deleted meanwhile
        if row.status != SENDING:
            return row.status  # a second worker re-claimed a stale send and recorded it first
        row.status, row.provider_id, row.error = (FAILED if error else SENT), provider_id[:200], error[:500]
        session.add(row)
        if not error:
            history.log(
                session=session,
                owner=session.get(User, message.owner_id),
                contact_id=message.contact_id,
                channel=message.channel,
                direction="outbound",
                subject=message.subject,
                body=message.body,
            )
        return row.status


def _status(message_id: uuid.UUID) -> str:
    """A message's current status; empty when it does not exist."""
    with session_scope() as session:
        row = session.get(ScheduledMessage, message_id)
        return row.status if row else ""


def deliver(message_id: uuid.UUID | str) -> str:
    """Send a message once it is due (safe to run twice: only the worker that claims it sends); returns its status."""
    message_id = uuid.UUID(str(message_id))
    message = claim(message_id)
    if message is None:
        return _status(message_id)
    try:
        provider_id = str(_send(message) or "")
    except Exception as exc:
        log.exception("message %s to %s failed", message.id, message.channel)
        return _record(message, error=f"{type(exc).__name__}: {exc}")
    metrics.MESSAGES_SENT.labels(message.channel).inc()
    return _record(message, provider_id=provider_id)


def deliver_due(now: datetime | None = None) -> int:
    """Queue a job for every due message, and every stale claim (catches up after a restart); returns how many."""
    with session_scope() as session:
        ids = session.exec(select(ScheduledMessage.id).where(_claimable(now or clock.now()))).all()
    for message_id in ids:
        enqueue(deliver, message_id, title=f"due message {message_id}", queue_name="high", retries=0)
    return len(ids)
