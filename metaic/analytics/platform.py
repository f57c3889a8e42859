"""The platform's figures for admins: sign-ups, active users, publishes, views, saves, messages, failures.

Tables of the domains above analytics are read through light `sa.table` references (analytics sits
below cards and communication in the layers). Active users are people with a session seen, or a
sign-in, in the window. "Jobs failed" counts notification deliveries and scheduled messages that finally
failed (the database keeps them), plus background jobs in RQ's failed-job registries: those are kept
30 days (FAILURE_TTL) and only the newest QUEUE_FAILURES are read, so older queue failures drop out.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from metaic.analytics import facts
from metaic.analytics.models import SAVE_KINDS, VIEW_KINDS
from metaic.analytics.periods import Period
from metaic.core import clock
from metaic.core.kv import REDIS_DOWN
from metaic.jobs import monitor

log = logging.getLogger(__name__)
QUEUE_FAILURES = 500  # newest failed queue jobs read (a pipelined fetch per queue: a few ms)

PLATFORM_METRICS = (
    "signups",
    "active_users",
    "cards_published",
    "views",
    "saves",
    "messages",
    "notifications_sent",
    "jobs_failed",
)

_ts = sa.DateTime(timezone=True)
USERS = sa.table("users", sa.column("id", sa.Uuid()), sa.column("created_at", _ts), sa.column("last_login_at", _ts))
SESSIONS = sa.table("user_sessions", sa.column("user_id", sa.Uuid()), sa.column("last_seen_at", _ts))
VERSIONS = sa.table("card_versions", sa.column("card_id", sa.Uuid()), sa.column("published_at", _ts))
MESSAGES = sa.table("scheduled_messages", sa.column("status", sa.String()), sa.column("send_at", _ts))
NOTIFICATIONS = sa.table("notifications", sa.column("send_at", _ts))
DELIVERIES = sa.table("notification_deliveries", sa.column("status", sa.String()), sa.column("updated_at", _ts))


@dataclass(frozen=True)
class Source:
    """One counted thing: its time column, an optional filter, and what to count distinctly (if anything)."""

    time: sa.ColumnElement
    where: tuple = ()
    distinct: sa.ColumnElement | None = None


SOURCES: dict[str, tuple[Source, ...]] = {
    "signups": (Source(USERS.c.created_at),),
    "active_users": (Source(SESSIONS.c.last_seen_at, distinct=SESSIONS.c.user_id),),
    "cards_published": (Source(VERSIONS.c.published_at, distinct=VERSIONS.c.card_id),),
    "messages": (Source(MESSAGES.c.send_at, (MESSAGES.c.status == "sent",)),),
    "notifications_sent": (Source(NOTIFICATIONS.c.send_at),),
    "jobs_failed": (
        Source(DELIVERIES.c.updated_at, (DELIVERIES.c.status == "failed",)),
        Source(MESSAGES.c.send_at, (MESSAGES.c.status == "failed",)),
    ),
}


def _count(session: Session, source: Source, start: datetime, end: datetime, period: Period) -> Counter:
    """Bucket label -> count of one source over a range."""
    level = "hour" if period.granularity == "hour" else "day"
    label = facts.raw_label(session, level, source.time).label("bucket")
    counted = sa.func.count(sa.distinct(source.distinct)) if source.distinct is not None else sa.func.count()
    query = sa.select(label, counted).where(source.time >= start, source.time < end, *source.where).group_by(label)
    found: Counter = Counter()
    for bucket, count in session.execute(query):
        found[facts.bucket_label(bucket, period.granularity)] += int(count)
    return found


def queue_failures() -> list[datetime] | None:
    """When the failed jobs still in RQ's registries failed (newest QUEUE_FAILURES); None while Redis is down."""
    try:
        jobs = monitor.failed_jobs(limit=QUEUE_FAILURES)
    except REDIS_DOWN:
        log.warning("failed jobs unreadable: Redis is down")
        return None
    return [job["failed_at"] for job in jobs if job["failed_at"] is not None]


def _bucketed(times: list[datetime], start: datetime, end: datetime, period: Period) -> Counter:
    """Bucket label -> how many of `times` fall in [start, end)."""
    return Counter(facts.bucket_label(t, period.granularity) for t in times if start <= t < end)


def _series(
    session: Session, period: Period, start: datetime, end: datetime, failures: list[datetime]
) -> dict[str, Counter]:
    """Metric -> bucket label -> count over a range."""
    out: dict[str, Counter] = {}
    for name, sources in SOURCES.items():
        out[name] = sum((_count(session, s, start, end, period) for s in sources), Counter())
    out["jobs_failed"] += _bucketed(failures, start, end, period)
    events = facts.series(session=session, card_ids=None, start=start, end=end, granularity=period.granularity)
    out["views"] = Counter({b: sum(c[k] for k in VIEW_KINDS) for b, c in events.items()})
    out["saves"] = Counter({b: sum(c[k] for k in SAVE_KINDS) for b, c in events.items()})
    return out


def active_users(session: Session, now: datetime | None = None) -> dict[str, int]:
    """People with a session seen or a sign-in in the last day, week and month."""
    now = now or clock.now()
    out = {}
    for name, days in (("daily", 1), ("weekly", 7), ("monthly", 30)):
        since = now - timedelta(days=days)
        seen = sa.select(SESSIONS.c.user_id).where(SESSIONS.c.last_seen_at >= since)
        signed_in = sa.select(USERS.c.id).where(USERS.c.last_login_at >= since)
        union = sa.union(seen, signed_in).subquery()
        out[name] = int(session.execute(sa.select(sa.func.count()).select_from(union)).scalar_one())
    return out


def platform_dashboard(*, session: Session, period: Period) -> dict:
    """Platform totals against the previous period, a series per bucket and daily/weekly/monthly actives
    (`queue_failures`: whether RQ's failed jobs are in "jobs_failed")."""
    failures = queue_failures()
    current = _series(session, period, period.start, period.end, failures or [])
    previous = _series(session, period, period.prev_start, period.prev_end, failures or [])
    totals = {}
    for name in PLATFORM_METRICS:
        value, before = sum(current[name].values()), sum(previous[name].values())
        change = round((value - before) * 100.0 / before, 1) if before else None
        totals[name] = {"value": value, "previous": before, "change_pct": change}
    series = [{"bucket": b, **{name: current[name][b] for name in PLATFORM_METRICS}} for b in period.buckets()]
    return {"totals": totals, "series": series, "active": active_users(session), "queue_failures": failures is not None}
