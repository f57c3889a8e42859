"""Per kind × channel preferences, quiet hours in the user's time zone, and one-click unsubscribe."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from metaic.auth.models import User
from metaic.core import clock, links
from metaic.core.errors import NotFound, ValidationError
from metaic.core.security import sign, unsign
from metaic.notifications import kinds
from metaic.notifications.models import (
    CHANNELS,
    EMAIL,
    NotificationPreference,
    NotificationSettings,
    PreferencesRead,
)

UNSUBSCRIBE_PURPOSE = "notification-unsubscribe"
UNSUBSCRIBE_DAYS = 365


def _check_channel(channel: str) -> None:
    """Raise ValidationError for a channel a user cannot switch."""
    if channel not in CHANNELS:
        raise ValidationError(f"Unknown channel {channel!r}.", field="channel")


def matrix(*, session: Session, user: User) -> dict[str, dict[str, bool]]:
    """Every kind × channel switch for a user: stored choices over the kind's defaults."""
    result = {key: {ch: ch in kind.defaults for ch in CHANNELS} for key, kind in kinds.KINDS.items()}
    rows = session.exec(select(NotificationPreference).where(NotificationPreference.user_id == user.id))
    for row in rows:
        if row.kind in result and row.channel in CHANNELS:
            result[row.kind][row.channel] = row.enabled
    return result


def _stored(session: Session, user: User, kind: str, channel: str) -> NotificationPreference | None:
    """The user's stored choice for one kind on one channel (None: the kind's default applies)."""
    return session.exec(
        select(NotificationPreference).where(
            NotificationPreference.user_id == user.id,
            NotificationPreference.kind == kind,
            NotificationPreference.channel == channel,
        )
    ).first()


def is_enabled(*, session: Session, user: User, kind: str, channel: str) -> bool:
    """Whether a user wants `kind` on `channel`."""
    kinds.require(kind)
    _check_channel(channel)
    row = _stored(session, user, kind, channel)
    return row.enabled if row is not None else channel in kinds.KINDS[kind].defaults


def set_channel(*, session: Session, user: User, kind: str, channel: str, enabled: bool) -> None:
    """Switch one kind on one channel for a user."""
    kinds.require(kind)
    _check_channel(channel)
    row = _stored(session, user, kind, channel)
    if row is None:
        row = NotificationPreference(user_id=user.id, kind=kind, channel=channel, enabled=bool(enabled))
    row.enabled = bool(enabled)
    session.add(row)
    session.flush()


def parse_time(value: str | None, *, field: str) -> time | None:
    """Read "HH:MM" (empty means none) or raise ValidationError."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        parsed = datetime.strptime(text, "%H:%M")
    except ValueError as exc:
        raise ValidationError("Use the 24-hour form HH:MM.", field=field) from exc
    return parsed.time()


def get_settings_row(*, session: Session, user: User) -> NotificationSettings:
    """The user's notification settings (not saved until changed)."""
    return session.get(NotificationSettings, user.id) or NotificationSettings(user_id=user.id)


def _check_window(start: time | None, end: time | None) -> None:
    """Quiet hours need both ends, and different ones."""
    if (start is None) != (end is None):
        raise ValidationError("Give both a start and an end, or neither.", field="quiet_end")
    if start is not None and start == end:
        raise ValidationError("Quiet hours must start and end at different times.", field="quiet_end")


def set_quiet_hours(*, session: Session, user: User, start: time | None, end: time | None) -> NotificationSettings:
    """Set quiet hours (local times; the window may cross midnight); both None turns them off."""
    _check_window(start, end)
    row = get_settings_row(session=session, user=user)
    row.quiet_start, row.quiet_end = start, end
    session.add(row)
    session.flush()
    return row


def read(*, session: Session, user: User) -> PreferencesRead:
    """The whole preferences view for a user."""
    row = get_settings_row(session=session, user=user)
    return PreferencesRead(
        channels=matrix(session=session, user=user),
        quiet_start=row.quiet_start.strftime("%H:%M") if row.quiet_start else None,
        quiet_end=row.quiet_end.strftime("%H:%M") if row.quiet_end else None,
        timezone=user.timezone,
    )


def update(
    *,
    session: Session,
    user: User,
    channels: dict[str, dict[str, bool]],
    quiet_start: str | None,
    quiet_end: str | None,
) -> PreferencesRead:
    """Save switches and quiet hours together; nothing changes when any part is invalid."""
    start = parse_time(quiet_start, field="quiet_start")
    end = parse_time(quiet_end, field="quiet_end")
    _check_window(start, end)
    for kind, switches in channels.items():
        kinds.require(kind)
        for channel in switches:
            _check_channel(channel)
    for kind, switches in channels.items():
        for channel, enabled in switches.items():
            set_channel(session=session, user=user, kind=kind, channel=channel, enabled=bool(enabled))
    set_quiet_hours(session=session, user=user, start=start, end=end)
    return read(session=session, user=user)


def _zone(user: User) -> ZoneInfo:
    """The user's time zone (UTC when the stored name is unknown)."""
    try:
        return ZoneInfo(user.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def quiet_until(*, session: Session, user: User, at: datetime | None = None) -> datetime | None:
    """When `at` (default now) falls in the user's quiet hours, the UTC end of that window; else None."""
    row = session.get(NotificationSettings, user.id)
    if row is None or row.quiet_start is None or row.quiet_end is None:
        return None
    return window_end(row.quiet_start, row.quiet_end, _zone(user), clock.as_utc(at or clock.now()))


def window_end(start: time, end: time, zone: ZoneInfo, at: datetime) -> datetime | None:
    """The UTC end of the quiet window [start, end) in `zone` that contains `at`, or None when outside."""
    local = at.astimezone(zone)
    now_t = local.time().replace(tzinfo=None)
    # A window with start > end crosses midnight, e.g. 22:00–07:00.
    inside = start <= now_t < end if start < end else (now_t >= start or now_t < end)
    if not inside:
        return None
    day = local.date()
    ends = datetime.combine(day, end, tzinfo=zone)
    if ends <= local:
        ends = datetime.combine(day + timedelta(days=1), end, tzinfo=zone)
    return ends.astimezone(at.tzinfo)


def unsubscribe_token(*, user_id: uuid.UUID, kind: str, channel: str = EMAIL) -> str:
    """A signed token that switches one kind off on one channel for one user."""
    return sign(UNSUBSCRIBE_PURPOSE, {"u": str(user_id), "k": kind, "c": channel})


def unsubscribe_link(*, user_id: uuid.UUID, kind: str, channel: str = EMAIL) -> str:
    """The absolute unsubscribe URL for an email."""
    token = unsubscribe_token(user_id=user_id, kind=kind, channel=channel)
    return links.absolute(links.unsubscribe(token))


def unsubscribe(*, session: Session, token: str) -> tuple[User, str, str]:
    """Switch off what an unsubscribe token names; returns (user, kind, channel). Idempotent."""
    data = unsign(UNSUBSCRIBE_PURPOSE, token or "", max_age=UNSUBSCRIBE_DAYS * 86400)
    try:
        user_id = uuid.UUID(str(data["u"]))
        kind, channel = str(data["k"]), str(data["c"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError("This link is not valid.") from exc
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Account not found.")
    set_channel(session=session, user=user, kind=kind, channel=channel, enabled=False)
    return user, kind, channel
