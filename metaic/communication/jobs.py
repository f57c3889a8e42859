"""Background entry points: deliver one queued message; queue every message whose time has come."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlmodel import select

from metaic.adapters.email import OutgoingEmail, get_email_sender
from metaic.adapters.whatsapp import get_whatsapp_sender
from metaic.auth.models import User
from metaic.communication.models import FAILED, QUEUED, SENT, ScheduledMessage
from metaic.contacts import history
from metaic.core import clock
from metaic.db import session_scope
from metaic.jobs import enqueue

log = logging.getLogger(__name__)


def _send(message: ScheduledMessage) -> str:
    """Hand the message to the email or WhatsApp adapter; returns the provider's id."""
    if message.channel == "email":
        return get_email_sender().send(OutgoingEmail(to=message.to, subject=message.subject, text=message.body,
                                                     metadata={"scheduled_message_id": str(message.id)}))
    return get_whatsapp_sender().send(message.to, message.body)


def deliver(message_id: uuid.UUID | str) -> str:
    """Send a queued message once it is due (safe to run twice: a sent one is not sent again); returns its status."""
    message_id = uuid.UUID(str(message_id))
    with session_scope() as session:
        # The row lock (PostgreSQL) keeps two workers from sending the same message at once.
        message = session.exec(select(ScheduledMessage).where(ScheduledMessage.id == message_id)
                               .with_for_update()).first()
        if message is None:
            return ""
        if message.status != QUEUED or clock.as_utc(message.send_at) > clock.now():
            return message.status
        try:
            message.provider_id = str(_send(message) or "")[:200]
        except Exception as exc:
            log.exception("message %s to %s failed", message.id, message.channel)
            message.status, message.error = FAILED, f"{type(exc).__name__}: {exc}"[:500]
            session.add(message)
            return message.status
        message.status, message.error = SENT, ""
        session.add(message)
        owner = session.get(User, message.owner_id)
        history.log(session=session, owner=owner, contact_id=message.contact_id, channel=message.channel,
                    direction="outbound", subject=message.subject, body=message.body)
        return message.status


def deliver_due(now: datetime | None = None) -> int:
    """Queue a job for every queued message that is due (catches up after a restart lost a timer); returns how many."""
    with session_scope() as session:
        ids = session.exec(select(ScheduledMessage.id).where(ScheduledMessage.status == QUEUED,
                                                             ScheduledMessage.send_at <= (now or clock.now()))).all()
    for message_id in ids:
        enqueue(deliver, message_id, title=f"due message {message_id}", queue_name="high", retries=0)
    return len(ids)
