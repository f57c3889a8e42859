"""Follow-up reminders: set, snooze, done, and firing the due ones exactly once (safe from many processes)."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Literal

from sqlmodel import Session, select, update

from metaic.auth.models import User
from metaic.contacts import store
from metaic.contacts.models import Reminder, SavedContact
from metaic.contacts.schemas import ReminderRead
from metaic.core import clock, links
from metaic.core.errors import NotFound, ValidationError
from metaic.notifications.flows import notify

log = logging.getLogger(__name__)
QUICK = {"tomorrow": timedelta(days=1), "next_week": timedelta(days=7)}
MAX_AHEAD = timedelta(days=5 * 366)
FIRE_BATCH = 500


def _read(reminder: Reminder) -> ReminderRead:
    """The read model of a reminder (times in UTC)."""
    return ReminderRead(
        id=reminder.id,
        contact_id=reminder.contact_id,
        due_at=clock.as_utc(reminder.due_at),
        note=reminder.note,
        status=reminder.status,
        notified_at=clock.as_utc(reminder.notified_at) if reminder.notified_at else None,
    )


def _when(due_at: datetime | None, quick: str | None) -> datetime:
    """The due time from an explicit time or a quick choice (a naive time counts as UTC)."""
    if (due_at is None) == (quick is None):
        raise ValidationError("Give either a time or a quick choice.", field="due_at")
    if quick is not None:
        if quick not in QUICK:
            raise ValidationError("Choose tomorrow or next week.", field="quick")
        return clock.now() + QUICK[quick]
    when = clock.as_utc(due_at)
    if when > clock.now() + MAX_AHEAD:
        raise ValidationError("Set the reminder at most five years ahead.", field="due_at")
    return when


def _require(*, session: Session, owner: User, reminder_id: uuid.UUID) -> Reminder:
    """The owner's reminder, or NotFound."""
    reminder = session.get(Reminder, reminder_id)
    if reminder is None or reminder.owner_id != owner.id:
        raise NotFound("Reminder not found.")
    return reminder


def set_reminder(
    *,
    session: Session,
    owner: User,
    contact_id: uuid.UUID,
    due_at: datetime | None = None,
    quick: Literal["tomorrow", "next_week"] | None = None,
    note: str = "",
) -> ReminderRead:
    """Remind the owner to follow up with a contact at `due_at` or at a quick time."""
    contact = store.require_contact(session=session, owner_id=owner.id, contact_id=contact_id)
    if len(note) > 500:
        raise ValidationError("Use at most 500 characters.", field="note")
    reminder = Reminder(
        contact_id=contact.id, owner_id=owner.id, due_at=_when(due_at, quick), note=store.clean_multiline(note)
    )
    session.add(reminder)
    session.flush()
    return _read(reminder)


def snooze(*, session: Session, owner: User, reminder_id: uuid.UUID, until: datetime) -> ReminderRead:
    """Move a reminder to `until`; it fires again then."""
    reminder = _require(session=session, owner=owner, reminder_id=reminder_id)
    when = clock.as_utc(until)
    if when <= clock.now():
        raise ValidationError("Snooze until a time in the future.", field="until")
    reminder.due_at, reminder.status, reminder.notified_at = _when(when, None), "snoozed", None
    session.add(reminder)
    session.flush()
    return _read(reminder)


def snooze_for(*, session: Session, owner: User, reminder_id: uuid.UUID, days: int = 1) -> ReminderRead:
    """Push a reminder back by `days` from when it was due, or from now when that has passed."""
    if not 1 <= days <= 365:
        raise ValidationError("Snooze for one day to a year.", field="days")
    reminder = _require(session=session, owner=owner, reminder_id=reminder_id)
    start = max(clock.as_utc(reminder.due_at), clock.now())
    return snooze(session=session, owner=owner, reminder_id=reminder_id, until=start + timedelta(days=days))


def done(*, session: Session, owner: User, reminder_id: uuid.UUID) -> ReminderRead:
    """Mark a reminder done; it never fires again."""
    reminder = _require(session=session, owner=owner, reminder_id=reminder_id)
    reminder.status = "done"
    session.add(reminder)
    session.flush()
    return _read(reminder)


def list_for(
    *, session: Session, owner: User, contact_id: uuid.UUID | None = None, include_done: bool = False
) -> list[ReminderRead]:
    """The owner's reminders (of one contact when given), soonest first."""
    query = select(Reminder).where(Reminder.owner_id == owner.id)
    if contact_id is not None:
        store.require_contact(session=session, owner_id=owner.id, contact_id=contact_id)
        query = query.where(Reminder.contact_id == contact_id)
    if not include_done:
        query = query.where(Reminder.status != "done")
    return [_read(r) for r in session.exec(query.order_by(Reminder.due_at)).all()]


def fire_due(*, session: Session, now: datetime | None = None) -> int:
    """Notify the owner of every due reminder not yet notified; returns how many this call fired.

    Each reminder is claimed with `UPDATE ... WHERE notified_at IS NULL`: when several processes
    run this at once, only the one whose update touched the row notifies.
    """
    moment = now or clock.now()
    due = session.exec(
        select(Reminder.id)
        .where(Reminder.notified_at.is_(None), Reminder.status != "done", Reminder.due_at <= moment)
        .order_by(Reminder.due_at)
        .limit(FIRE_BATCH)
    ).all()
    fired = 0
    for reminder_id in due:
        claimed = session.exec(
            update(Reminder)
            .where(Reminder.id == reminder_id, Reminder.notified_at.is_(None))
            .values(notified_at=moment)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue
        reminder = session.get(Reminder, reminder_id)
        contact = session.get(SavedContact, reminder.contact_id)
        owner = session.get(User, reminder.owner_id)
        notify(
            session=session,
            user=owner,
            kind="reminder",
            data={
                "contact": store.plain_label(contact),  # never an (encrypted) email or phone
                "note": reminder.note,
                "url": links.contact(contact.id),
            },
        )
        fired += 1
    return fired
