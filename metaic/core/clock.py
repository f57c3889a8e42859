"""One place for the current time, so tests can move the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from metaic.core.errors import ValidationError

_offset = timedelta(0)
# Nothing (a message, a notification) is scheduled further ahead than this.
MAX_SCHEDULE_AHEAD = timedelta(days=366)


def now() -> datetime:
    """Current UTC time (naive-free, timezone-aware), shifted by any test offset."""
    return datetime.now(UTC) + _offset


def advance(delta: timedelta) -> None:
    """Move the clock forward (tests only)."""
    global _offset
    _offset += delta


def reset() -> None:
    """Undo any clock movement (tests only)."""
    global _offset
    _offset = timedelta(0)


def as_utc(value: datetime) -> datetime:
    """Treat a naive datetime read back from SQLite as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _zone(name: str) -> tzinfo:
    """An IANA zone by name; UTC when the name is empty or unknown."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def from_local(text: str, zone: str) -> datetime | None:
    """A "YYYY-MM-DDTHH:MM" wall-clock time in an IANA zone as UTC; None when empty or unreadable."""
    try:
        naive = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if naive.tzinfo is not None:
        return naive.astimezone(UTC)
    return naive.replace(tzinfo=_zone(zone)).astimezone(UTC)


def to_local(value: datetime, zone: str) -> datetime:
    """A UTC time on the user's wall clock."""
    return as_utc(value).astimezone(_zone(zone))


def schedule(send_at: datetime | None, now: datetime, *, what: str) -> datetime:
    """When a `what` asked for at `send_at` becomes due (UTC): now for none or a past time, at most a year on."""
    if send_at is None:
        return now
    when = as_utc(send_at).astimezone(UTC)
    if when > now + MAX_SCHEDULE_AHEAD:
        raise ValidationError(f"A {what} can be scheduled at most a year ahead.", field="send_at")
    return max(when, now)
