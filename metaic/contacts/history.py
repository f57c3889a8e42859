"""Communication history: what was said to whom, on which channel; the contact's timeline."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Session, select

from metaic.auth.models import User
from metaic.contacts import store
from metaic.contacts.models import DIRECTIONS, CommunicationEntry
from metaic.contacts.schemas import HistoryRead
from metaic.core import clock
from metaic.core.errors import ValidationError

CHANNELS = ("email", "phone", "sms", "whatsapp", "meeting", "note", "share_back", "card", "in_app")


def log(
    *,
    session: Session,
    owner: User,
    contact_id: uuid.UUID,
    channel: str,
    direction: str = "outbound",
    subject: str = "",
    body: str = "",
    at: datetime | None = None,
) -> HistoryRead:
    """Record one exchange with a contact; an outbound one also sets `last_contacted_at`."""
    contact = store.require_contact(session=session, owner_id=owner.id, contact_id=contact_id)
    if channel not in CHANNELS:
        raise ValidationError(f"Choose one of: {', '.join(CHANNELS)}.", field="channel")
    if direction not in DIRECTIONS:
        raise ValidationError("Choose inbound or outbound.", field="direction")
    if len(subject) > 200:
        raise ValidationError("Use at most 200 characters.", field="subject")
    when = at or clock.now()
    entry = CommunicationEntry(
        contact_id=contact.id,
        owner_id=owner.id,
        channel=channel,
        direction=direction,
        subject=store.clean_text(subject),
        body=body.strip()[:20000],
        created_at=when,
    )
    session.add(entry)
    last = clock.as_utc(contact.last_contacted_at) if contact.last_contacted_at else None
    if direction == "outbound" and (last is None or clock.as_utc(when) > last):
        contact.last_contacted_at = when
        session.add(contact)
    session.flush()
    return _read(entry)


def _read(entry: CommunicationEntry) -> HistoryRead:
    """The read model of a history entry."""
    return HistoryRead(
        id=entry.id,
        channel=entry.channel,
        direction=entry.direction,
        subject=entry.subject,
        body=entry.body,
        created_at=clock.as_utc(entry.created_at),
    )


def timeline(*, session: Session, owner: User, contact_id: uuid.UUID, limit: int = 100) -> list[HistoryRead]:
    """A contact's history, newest first; NotFound for someone else's contact."""
    store.require_contact(session=session, owner_id=owner.id, contact_id=contact_id)
    rows = session.exec(
        select(CommunicationEntry)
        .where(CommunicationEntry.contact_id == contact_id)
        .order_by(CommunicationEntry.created_at.desc())
        .limit(limit)
    ).all()
    return [_read(e) for e in rows]
