"""Dashboard periods: today, 7/30/90 days, 12 months or a custom range, each with the period before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from metaic.analytics.storage import month_start, next_month
from metaic.core import clock
from metaic.core.errors import ValidationError

PERIODS = ("today", "7d", "30d", "90d", "12m", "custom")
CUSTOM_MAX_DAYS = 731  # two years
DAYS = {"7d": 7, "30d": 30, "90d": 90}


@dataclass(frozen=True)
class Period:
    """A UTC time range [start, end), the equally long range before it, and how its chart is bucketed."""

    key: str
    start: datetime
    end: datetime
    prev_start: datetime
    prev_end: datetime
    granularity: str  # "hour", "day" or "month"

    def buckets(self) -> list[str]:
        """Every bucket label of the period, oldest first ("2026-12-07 14:00", "2026-12-07" or "2026-12")."""
        labels, at = [], self.start
        while at < self.end:
            if self.granularity == "hour":
                labels.append(at.strftime("%Y-%m-%d %H:00"))
                at += timedelta(hours=1)
            elif self.granularity == "day":
                labels.append(at.date().isoformat())
                at += timedelta(days=1)
            else:
                labels.append(at.strftime("%Y-%m"))
                at = midnight(next_month(at.date()))
        return labels


def midnight(day: date) -> datetime:
    """The UTC instant a day starts."""
    return datetime.combine(day, time(), tzinfo=UTC)


def _months_back(day: date, months: int) -> date:
    """The first day of the month `months` months before `day`'s."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def period_from(key: str, *, start: date | None = None, end: date | None = None, now: datetime | None = None) -> Period:
    """The period a picker choice names, ending today (UTC); `custom` takes `start` and `end` days (inclusive)."""
    today = (now or clock.now()).astimezone(UTC).date()
    if key == "today":
        s = midnight(today)
        return Period(key, s, s + timedelta(days=1), s - timedelta(days=1), s, "hour")
    if key in DAYS:
        n = timedelta(days=DAYS[key])
        e = midnight(today + timedelta(days=1))
        return Period(key, e - n, e, e - 2 * n, e - n, "day")
    if key == "12m":
        first = _months_back(month_start(today), 11)
        s, e = midnight(first), midnight(next_month(today))
        return Period(key, s, e, midnight(_months_back(first, 12)), s, "month")
    if key == "custom":
        return _custom(start, end)
    raise ValidationError(f"Choose one of: {', '.join(PERIODS)}.", field="period")


def _custom(start: date | None, end: date | None) -> Period:
    """A custom period of whole UTC days, at most two years long."""
    if start is None or end is None:
        raise ValidationError("Pick a start and an end date.", field="start" if start is None else "end")
    if end < start:
        raise ValidationError("The end date is before the start date.", field="end")
    days = (end - start).days + 1
    if days > CUSTOM_MAX_DAYS:
        raise ValidationError("Pick at most two years.", field="end")
    s, e = midnight(start), midnight(end + timedelta(days=1))
    granularity = "hour" if days == 1 else "day" if days <= 92 else "month"
    length = e - s
    return Period("custom", s, e, s - length, s, granularity)
