"""In-app notifications: list, count unread, mark read; every query is scoped to its owner."""

from __future__ import annotations

import uuid

from sqlalchemy import update
from sqlalchemy.orm import defer
from sqlmodel import Session, func, select

from metaic.auth.models import User
from metaic.core import clock
from metaic.core.errors import NotFound
from metaic.notifications.models import Notification, NotificationDelivery, NotificationRead

MAX_PAGE = 100
# `data` (encrypted) only filled the words; what is shown is the title and body. Lists and single reads leave it
# in the database, so a row costs two decrypts (title and body), and a list that touched it would raise instead
# of a query per row.
_SKIP_DATA = defer(Notification.data, raiseload=True)


def _visible(user: User):
    """Filter: this user's notifications whose time has come (send-later ones stay hidden until then)."""
    return (Notification.user_id == user.id) & (Notification.send_at <= clock.now())


def unread_count(*, session: Session, user: User) -> int:
    """How many visible notifications the user has not read."""
    query = select(func.count()).select_from(Notification).where(_visible(user), Notification.read_at.is_(None))
    return int(session.exec(query).one())


def list_(
    *, session: Session, user: User, limit: int = 20, offset: int = 0, unread_only: bool = False
) -> list[Notification]:
    """The user's visible notifications, newest first."""
    query = select(Notification).where(_visible(user)).options(_SKIP_DATA)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    query = query.order_by(Notification.send_at.desc(), Notification.id.desc())
    return list(session.exec(query.offset(max(0, offset)).limit(max(1, min(limit, MAX_PAGE)))))


def get(*, session: Session, user: User, notification_id: uuid.UUID) -> Notification:
    """One of the user's notifications; NotFound for anyone else's (never reveals that it exists)."""
    note = session.get(Notification, notification_id, options=[defer(Notification.data)])
    if note is None or note.user_id != user.id or clock.as_utc(note.send_at) > clock.now():
        raise NotFound("Notification not found.")
    return note


def read_view(*, session: Session, user: User, notification_id: uuid.UUID) -> NotificationRead:
    """A notification with its per-channel delivery status."""
    note = get(session=session, user=user, notification_id=notification_id)
    return NotificationRead.of(note, deliveries(session=session, notification=note))


def deliveries(*, session: Session, notification: Notification) -> list[NotificationDelivery]:
    """The channel deliveries of a notification."""
    query = select(NotificationDelivery).where(NotificationDelivery.notification_id == notification.id)
    return list(session.exec(query.order_by(NotificationDelivery.channel)))


def mark_read(*, session: Session, user: User, notification_id: uuid.UUID) -> Notification:
    """Mark one of the user's notifications read (idempotent)."""
    note = get(session=session, user=user, notification_id=notification_id)
    if note.read_at is None:
        note.read_at = clock.now()
        session.add(note)
        session.flush()
    return note


def mark_all_read(*, session: Session, user: User) -> int:
    """Mark every visible unread notification of the user read; returns how many changed."""
    result = session.exec(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.send_at <= clock.now(), Notification.read_at.is_(None))
        .values(read_at=clock.now())
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount or 0)


def mark_read_for_url(*, session: Session, user: User, kind: str, url: str) -> int:
    """Mark read the user's unread notifications of a kind that point at `url` (the thing was seen elsewhere)."""
    result = session.exec(
        update(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.kind == kind,
            Notification.url == url,
            Notification.read_at.is_(None),
        )
        .values(read_at=clock.now())
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount or 0)
