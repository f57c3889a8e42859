"""The weekly email report: last week's views, saves, new leads and top source, for owners who asked for it.

Opt-in: the `weekly_report` notification kind has no default channel, so nothing is sent until an owner
switches it on (the account page or the notification settings). It goes through notify(), so the email
carries the one-click unsubscribe link and List-Unsubscribe headers every notification email has, and
quiet hours, retries and the in-app copy come for free. A report covers the owner's last full week
(Monday to Sunday in their time zone) and is sent once that week is over, on Monday from 08:00 local
time; the notification's data remembers which week it covered, so a second run sends nothing twice.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from metaic.analytics import labels, reports
from metaic.auth.models import User
from metaic.core import clock, links
from metaic.db import session_scope
from metaic.notifications import flows as notification_flows
from metaic.notifications import preferences
from metaic.notifications.models import EMAIL, Notification, NotificationPreference

log = logging.getLogger(__name__)

KIND = "weekly_report"
SEND_FROM = time(8, 0)  # local time on Monday


def _zone(user: User) -> ZoneInfo:
    """The user's time zone (UTC when unknown)."""
    try:
        return ZoneInfo(user.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def last_week(user: User, now: datetime) -> tuple[date, date]:
    """Monday and Sunday of the owner's latest week whose report is due (from 08:00 on the Monday after it)."""
    local = clock.as_utc(now).astimezone(_zone(user))
    monday = local.date() - timedelta(days=local.weekday())
    if local.weekday() == 0 and local.time() < SEND_FROM:
        monday -= timedelta(days=7)
    start = monday - timedelta(days=7)
    return start, start + timedelta(days=6)


def is_on(*, session: Session, user: User) -> bool:
    """Whether the owner gets the weekly report by email."""
    return preferences.is_enabled(session=session, user=user, kind=KIND, channel=EMAIL)


def set_on(*, session: Session, user: User, enabled: bool) -> None:
    """Switch the weekly report email on or off."""
    preferences.set_channel(session=session, user=user, kind=KIND, channel=EMAIL, enabled=enabled)


def subscribers(*, session: Session) -> list[uuid.UUID]:
    """Ids of active users who switched the weekly report on for any channel."""
    query = (
        select(NotificationPreference.user_id)
        .join(User, User.id == NotificationPreference.user_id)
        .where(NotificationPreference.kind == KIND, NotificationPreference.enabled.is_(True), User.is_active)
        .distinct()
    )
    return list(session.exec(query))


def already_sent(*, session: Session, user: User, week: date) -> bool:
    """Whether the report for the week starting `week` was already made for this owner."""
    recent = session.exec(
        select(Notification.data).where(
            Notification.user_id == user.id,
            Notification.kind == KIND,
            Notification.created_at >= datetime.combine(week, time(0), tzinfo=ZoneInfo("UTC")),
        )
    )
    return any((data or {}).get("week") == week.isoformat() for data in recent)


def compose(*, session: Session, user: User, start: date, end: date) -> dict:
    """The numbers of one week for all the owner's cards: what the notification's words are filled with."""
    period = reports.period_from("custom", start=start, end=end)
    board = reports.owner_dashboard(session=session, owner=user, card_id=None, period=period)
    totals = board.get("totals", {})
    value = lambda key: int((totals.get(key) or {}).get("value") or 0)  # noqa: E731
    change_pct = (totals.get("views") or {}).get("change_pct")
    sources = board.get("top", {}).get("sources") or []
    return {
        "week": start.isoformat(),
        "views": value("views"),
        "visitors": value("visitors"),
        "saves": value("saves"),
        "leads": value("leads"),
        "views_change": "" if change_pct is None else f"{round(change_pct):+d}%",
        "top_source": labels.readable("sources", str(sources[0]["label"]))
        if sources and sources[0].get("count")
        else "",
        "url": links.analytics("7d"),
    }


def send_one(*, session: Session, user: User, now: datetime | None = None) -> Notification | None:
    """Make the owner's report for their last full week unless it was made already; None when nothing was due."""
    week = last_week(user, now or clock.now())
    if already_sent(session=session, user=user, week=week[0]):
        return None
    data = compose(session=session, user=user, start=week[0], end=week[1])
    return notification_flows.notify(session=session, user=user, kind=KIND, data=data)


def send_due(now: datetime | None = None) -> int:
    """Periodic task: send every subscriber's due report, each in its own transaction; returns how many went out.

    One owner's failure is logged and the rest carry on (it is tried again on the next run)."""
    with session_scope() as session:
        user_ids = subscribers(session=session)
    sent = 0
    for user_id in user_ids:
        try:
            with session_scope() as session:
                # Every app process runs this loop: the row lock makes a second one wait, then see the report.
                user = session.exec(select(User).where(User.id == user_id).with_for_update()).first()
                if user is not None and send_one(session=session, user=user, now=now) is not None:
                    sent += 1
        except Exception:
            log.exception("weekly report for user %s failed; it is tried again on the next run", user_id)
    return sent
