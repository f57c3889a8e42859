"""The weekly insights digest as a notification: in-app for everyone with something to hear, by email on opt-in.

It goes through notify() like the weekly analytics report (metaic/analytics/weekly.py), so the email is
the notification email with its one-click unsubscribe link and List-Unsubscribe headers, quiet hours
apply, and the in-app copy links to the Network page. The `weekly_insights` kind has no default channel:
email waits for the owner's opt-in. A digest is made on Monday from 08:00 in the owner's time zone, once
a week (the notification's data remembers the week), and only when it has something to say.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, select

from metaic.ai import insights
from metaic.ai.network_schemas import Digest
from metaic.analytics.weekly import last_week
from metaic.auth.models import User
from metaic.contacts.models import SavedContact
from metaic.core import clock
from metaic.db import session_scope
from metaic.notifications import flows as notification_flows
from metaic.notifications import preferences
from metaic.notifications.models import EMAIL, Notification

log = logging.getLogger(__name__)

KIND = "weekly_insights"
NETWORK_PATH = "/network"
SECTIONS = (("follow_up", "To follow up"), ("quiet", "Gone quiet"), ("returning", "Came back to your card"))


def email_on(*, session: Session, user: User) -> bool:
    """Whether the owner gets the digest by email."""
    return preferences.is_enabled(session=session, user=user, kind=KIND, channel=EMAIL)


def set_email(*, session: Session, user: User, enabled: bool) -> None:
    """Switch the digest email on or off (the in-app digest stays)."""
    preferences.set_channel(session=session, user=user, kind=KIND, channel=EMAIL, enabled=enabled)


def lines(digest: Digest) -> str:
    """The digest as plain text: a heading per section, one line per person with its action (on /network)."""
    out = []
    for key, title in SECTIONS:
        items = getattr(digest, key)
        if items:
            out.append(f"{title}:")
            out += [f"• {i.name}: {i.detail}. {i.action} →" for i in items]
            out.append("")
    return "\n".join(out).strip()


def notification_data(digest: Digest) -> dict:
    """What the notification's words are filled with."""
    return {
        "week": digest.week,
        "follow_up": len(digest.follow_up),
        "quiet": len(digest.quiet),
        "returning": len(digest.returning),
        "lines": lines(digest),
        "url": NETWORK_PATH,
    }


def already_sent(*, session: Session, user: User, week: date) -> bool:
    """Whether the digest of the week starting `week` was already made for this owner."""
    recent = session.exec(
        select(Notification.data).where(
            Notification.user_id == user.id,
            Notification.kind == KIND,
            Notification.created_at >= datetime.combine(week - timedelta(days=1), time(0), tzinfo=UTC),
        )
    )
    return any((data or {}).get("week") == week.isoformat() for data in recent)


def send_one(*, session: Session, user: User, now: datetime | None = None) -> Notification | None:
    """Make the owner's digest for the week now starting unless made already or empty; None when nothing went out."""
    now = now or clock.now()
    week = last_week(user, now)[1] + timedelta(days=1)  # the Monday the digest is made on
    if already_sent(session=session, user=user, week=week):
        return None
    digest = insights.compose(session=session, owner=user, now=now, week=week.isoformat())
    if digest.empty:
        return None
    return notification_flows.notify(session=session, user=user, kind=KIND, data=notification_data(digest))


def _owners(session: Session) -> list[uuid.UUID]:
    """Active users with at least one contact (nobody else has anything to hear)."""
    query = select(SavedContact.owner_id).join(User, User.id == SavedContact.owner_id).where(User.is_active).distinct()
    return list(session.exec(query))


def send_due(now: datetime | None = None) -> int:
    """Periodic task: make every due digest, each owner in their own transaction; returns how many went out.

    One owner's failure is logged and the rest carry on (it is tried again on the next run)."""
    with session_scope() as session:
        owner_ids = _owners(session)
    sent = 0
    for owner_id in owner_ids:
        try:
            with session_scope() as session:
                # Every app process runs this loop: the row lock makes a second one wait, then see the digest.
                user = session.exec(select(User).where(User.id == owner_id).with_for_update()).first()
                if user is not None and send_one(session=session, user=user, now=now) is not None:
                    sent += 1
        except Exception:
            log.exception("weekly insights for user %s failed; tried again on the next run", owner_id)
    return sent
