"""Rolling raw events up into per card x UTC day x kind x dimension counts (analytics_daily).

A day is rolled up once it is over (plus a grace period for the last buffered events): its rollup rows
(per card, and per owner: owners.py) are replaced in one transaction, so rolling a day again gives the
same rows (idempotent). Dashboards read the rollups for rolled days and the raw events after them (facts.py).

A flush that writes events into a day already rolled up (a batch retried after midnight, a process that
was cut off from the database) marks that day stale in the same transaction (`mark_late`): dashboards
read raw events from the first stale day on, and the next rollup run rolls the day up again. So what a
dashboard shows always equals the raw events, and the rollups catch up within one run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from metaic.analytics import owners
from metaic.analytics.models import KINDS, SAVE_KINDS, VIEW_KINDS, AnalyticsDaily, AnalyticsEvent, AnalyticsRolledDay
from metaic.core import clock

GRACE = timedelta(minutes=10)  # a day is rolled up this long after it ends (buffers flush every few seconds at most)
MAX_DAYS_PER_RUN = 31
EVENTS = AnalyticsEvent.__table__
DAILY = AnalyticsDaily.__table__
ROLLED = AnalyticsRolledDay.__table__


@dataclass(frozen=True)
class Spec:
    """One grouping kept per day: the kinds it covers, the dimension's name and the raw column it reads."""

    kinds: tuple[str, ...]
    dim: str
    column: str | None  # None: the kind's total


SPECS = (
    Spec(KINDS, "", None),
    Spec(VIEW_KINDS, "source", "source"),
    Spec(VIEW_KINDS, "device", "agent"),
    Spec(VIEW_KINDS, "browser", "browser"),
    Spec(VIEW_KINDS, "country", "country"),
    Spec(VIEW_KINDS, "language", "language"),
    Spec(VIEW_KINDS, "referrer", "referrer"),
    Spec(VIEW_KINDS, "utm_source", "utm_source"),
    Spec(VIEW_KINDS, "utm_medium", "utm_medium"),
    Spec(VIEW_KINDS, "utm_campaign", "utm_campaign"),
    Spec(("qr_scan",), "variant", "variant"),
    Spec(("link_click",), "link", "target"),
    Spec(("share",), "channel", "channel"),
    Spec(("custom",), "event", "target"),
    Spec((*SAVE_KINDS, "lead"), "source", "source"),
)
VISITORS = "visitors"  # the kind under which a day's unique visitors of a card's views are kept


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants a day starts and ends at."""
    start = datetime.combine(day, time(), tzinfo=UTC)
    return start, start + timedelta(days=1)


def grouped(spec: Spec, label: sa.ColumnElement, where: list[sa.ColumnElement]) -> sa.Select:
    """SELECT label, card_id, kind, dim, value, count(*) of raw events grouped by one spec."""
    c = EVENTS.c
    value = sa.literal("") if spec.column is None else c[spec.column]
    query = sa.select(
        label, c.card_id, c.kind, sa.literal(spec.dim).label("dim"), value.label("value"), sa.func.count()
    ).where(*where, c.kind.in_(spec.kinds))
    if spec.column is None:
        return query.group_by(c.card_id, c.kind)
    return query.where(c[spec.column].is_not(None), c[spec.column] != "").group_by(c.card_id, c.kind, value)


def unique_visitors(label: sa.ColumnElement, where: list[sa.ColumnElement]) -> sa.Select:
    """SELECT label, card_id, 'visitors', '', '', count(distinct visitor) of raw page views."""
    c = EVENTS.c
    return (
        sa.select(
            label,
            c.card_id,
            sa.literal(VISITORS),
            sa.literal(""),
            sa.literal(""),
            sa.func.count(sa.distinct(c.visitor)),
        )
        .where(*where, c.kind.in_(VIEW_KINDS), c.visitor.is_not(None))
        .group_by(c.card_id)
    )


def _lock_key(day: date) -> int:
    """The day's advisory lock key: "an" + the day, a key of its own among advisory locks."""
    return 0x616E0000 + day.toordinal()


def claim(session: Session, day: date) -> bool:
    """Take the day's rollup for this transaction (False: another process is rolling it up, or flushing into it)."""
    if session.get_bind().dialect.name != "postgresql":
        return True  # SQLite has one writer at a time anyway
    return bool(session.execute(sa.select(sa.func.pg_try_advisory_xact_lock(_lock_key(day)))).scalar())


def mark_late(session: Session, days: set[date], *, now: datetime | None = None) -> list[date]:
    """Mark the rolled-up days among `days` stale (a flush just wrote events into them); returns them.

    Called in the flush's transaction. On PostgreSQL a past day's shared advisory lock waits for a rollup of
    that day in flight (and keeps one from starting), so an event is either counted by it or marks the day."""
    today = (now or clock.now()).date()
    past = sorted(day for day in days if day < today)
    if not past:
        return []
    if session.get_bind().dialect.name == "postgresql":
        for day in past:
            session.execute(sa.select(sa.func.pg_advisory_xact_lock_shared(_lock_key(day))))
    last = last_rolled(session)
    late = [day for day in past if last is not None and day <= last]
    if late:
        module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        rows = [{"day": day, "rolled_at": clock.now(), "events": 0, "stale": True} for day in late]
        upsert = module.insert(ROLLED).values(rows)
        session.execute(upsert.on_conflict_do_update(index_elements=["day"], set_={"stale": True}))
    return late


def rollup_day(*, session: Session, day: date) -> int:
    """Replace the day's rollup rows with counts of its raw events; returns the number of raw events."""
    start, end = day_bounds(day)
    where = [EVENTS.c.created_at >= start, EVENTS.c.created_at < end]
    label = sa.literal(day, sa.Date)
    # The rolled-day row first: a late flush's mark waits for this transaction instead of being overwritten.
    session.execute(sa.delete(ROLLED).where(ROLLED.c.day == day))
    session.execute(sa.delete(DAILY).where(DAILY.c.day == day))
    columns = ["day", "card_id", "kind", "dim", "value", "count"]
    for spec in SPECS:
        session.execute(sa.insert(DAILY).from_select(columns, grouped(spec, label, where)))
    session.execute(sa.insert(DAILY).from_select(columns, unique_visitors(label, where)))
    owners.roll_day(session, day)
    events = session.execute(sa.select(sa.func.count()).select_from(EVENTS).where(*where)).scalar_one()
    session.execute(sa.insert(ROLLED).values(day=day, rolled_at=clock.now(), events=events, stale=False))
    return events


def last_rolled(session: Session) -> date | None:
    """The newest rolled-up day."""
    return session.execute(sa.select(sa.func.max(ROLLED.c.day))).scalar()


def stale_days(session: Session) -> list[date]:
    """Rolled-up days that late events were written into since, oldest first."""
    return list(session.execute(sa.select(ROLLED.c.day).where(ROLLED.c.stale).order_by(ROLLED.c.day)).scalars())


def tail_start(session: Session) -> datetime | None:
    """The first instant dashboards read from raw events (after the last rolled day, or from the first stale
    one); None: raw only."""
    last, first_stale = session.execute(
        sa.select(sa.func.max(ROLLED.c.day), sa.func.min(sa.case((ROLLED.c.stale, ROLLED.c.day))))
    ).one()
    if last is None:
        return None
    return day_bounds(first_stale)[0] if first_stale is not None else day_bounds(last)[1]


def due_days(session: Session, *, now: datetime | None = None) -> list[date]:
    """The days to roll up next: stale days, then the days after the last rolled one (or from the oldest
    event) up to the finished ones."""
    now = now or clock.now()
    newest = (now - GRACE).date() - timedelta(days=1)
    days = stale_days(session)[:MAX_DAYS_PER_RUN]
    last = last_rolled(session)
    if last is None:
        oldest = session.execute(sa.select(sa.func.min(EVENTS.c.created_at))).scalar()
        if oldest is None:
            return days
        first = oldest.date()
    else:
        first = last + timedelta(days=1)
    while first <= newest and len(days) < MAX_DAYS_PER_RUN:
        days.append(first)
        first += timedelta(days=1)
    return days


def rollup_due(*, session: Session, now: datetime | None = None) -> list[date]:
    """Roll up every finished day not rolled yet (at most a month per call); returns the days rolled."""
    days = due_days(session, now=now)
    for day in days:
        rollup_day(session=session, day=day)
    return days
