"""Counts over any time range: rollup rows for the rolled-up days plus raw events after them (the tail).

Every dashboard number comes through here, so the seam between the two sources is in one place.
Aggregation happens in SQL on both sides; Python only adds the two parts and maps days to buckets.
Given `owner_id` (every card of that owner is asked for), rolled days come from the owner's sums
(owners.py), a few rows a day, unless a card was deleted since they were made.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from metaic.analytics import owners, rollups
from metaic.analytics.models import KINDS
from metaic.analytics.owners import OWNER_DAILY
from metaic.analytics.rollups import DAILY, EVENTS, SPECS, VISITORS

CardIds = list[uuid.UUID] | None  # None: every card (platform figures)


def raw_label(session: Session, level: str, column: sa.ColumnElement | None = None) -> sa.ColumnElement:
    """A timestamp's UTC hour ("2026-12-07 14:00"), day ("2026-12-07") or month ("2026-12") as text.

    `column` defaults to the raw events' created_at; SQLite stores UTC timestamps as ISO text."""
    column = EVENTS.c.created_at if column is None else column
    if session.get_bind().dialect.name == "postgresql":
        fmt = {"hour": "YYYY-MM-DD HH24:00", "day": "YYYY-MM-DD", "month": "YYYY-MM"}[level]
        return sa.func.to_char(sa.func.timezone("UTC", column), fmt)
    fmt = {"hour": "%Y-%m-%d %H:00", "day": "%Y-%m-%d", "month": "%Y-%m"}[level]
    return sa.func.strftime(fmt, column)


def bucket_label(value: date | datetime | str, granularity: str) -> str:
    """The bucket a day or hour falls in, as the dashboards label it."""
    if isinstance(value, datetime):
        text = value.strftime("%Y-%m-%d %H:00")
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = value
    return {"hour": text, "day": text[:10], "month": text[:7]}[granularity]


def _split(
    session: Session, start: datetime, end: datetime, reads: dict | None = None
) -> tuple[tuple[date, date] | None, datetime | None]:
    """The rolled-up days [first, last) of a range and where its raw tail starts (None: no raw part)."""
    reads = {} if reads is None else reads
    if "tail_start" not in reads:
        reads["tail_start"] = rollups.tail_start(session)
    tail = reads["tail_start"]
    if tail is None:
        return None, start
    rolled_end = min(end, tail)
    days = (start.date(), rolled_end.date()) if rolled_end > start else None
    raw_start = max(start, tail)
    return days, raw_start if raw_start < end else None


def _daily_where(card_ids: CardIds, days: tuple[date, date]) -> list[sa.ColumnElement]:
    """Rollup rows of some cards over some days."""
    where = [DAILY.c.day >= days[0], DAILY.c.day < days[1]]
    if card_ids is not None:
        where.append(DAILY.c.card_id.in_(card_ids))
    return where


def _fresh(session: Session, reads: dict, owner_id: uuid.UUID, card_ids: list[uuid.UUID]) -> bool:
    """owners.fresh, asked once per `reads` (one dashboard)."""
    key = ("fresh", owner_id, tuple(card_ids))
    if key not in reads:
        reads[key] = owners.fresh(session, owner_id, card_ids)
    return reads[key]


def _rolled(
    session: Session, card_ids: CardIds, owner_id: uuid.UUID | None, days: tuple[date, date], reads: dict
) -> tuple[sa.Table, list[sa.ColumnElement]]:
    """Where a range's rolled days are read: the owner's sums when given and fresh, else per-card rows."""
    if owner_id is not None and card_ids is not None and _fresh(session, reads, owner_id, card_ids):
        o = OWNER_DAILY.c
        return OWNER_DAILY, [o.owner_id == owner_id, o.day >= days[0], o.day < days[1]]
    return DAILY, _daily_where(card_ids, days)


def _raw_where(card_ids: CardIds, start: datetime, end: datetime) -> list[sa.ColumnElement]:
    """Raw events of some cards over a time range."""
    where = [EVENTS.c.created_at >= start, EVENTS.c.created_at < end]
    if card_ids is not None:
        where.append(EVENTS.c.card_id.in_(card_ids))
    return where


def series(
    *,
    session: Session,
    card_ids: CardIds,
    start: datetime,
    end: datetime,
    granularity: str,
    owner_id: uuid.UUID | None = None,
    tail: dict | None = None,
) -> dict[str, Counter]:
    """Bucket label -> {kind: count, "visitors": unique visitors summed per card and day (or hour)}.

    `owner_id`: `card_ids` are every card of that owner (their sums may be read). `tail`: a dict shared by
    the calls of one dashboard, so each raw range is read once."""
    found: dict[str, Counter] = defaultdict(Counter)
    if card_ids == []:
        return found
    reads = {} if tail is None else tail
    days, raw_start = _split(session, start, end, reads)
    if days:
        table, where = _rolled(session, card_ids, owner_id, days, reads)
        d = table.c
        rows = session.execute(
            sa.select(d.day, d.kind, sa.func.sum(d.count)).where(*where, d.dim == "").group_by(d.day, d.kind)
        )
        for day, kind, count in rows:
            found[bucket_label(day, granularity)][kind] += int(count)
    if raw_start is not None:
        level = "hour" if granularity == "hour" else "day"
        if card_ids is None:  # the platform's: every card's tail, counted by kind in SQL
            label = raw_label(session, level).label("bucket")
            query = sa.select(label, EVENTS.c.kind, sa.func.count()).where(*_raw_where(None, raw_start, end))
            counts = session.execute(query.group_by(label, EVENTS.c.kind))
        else:
            counts = ((row[0], row[1], row[-1]) for row in _tail_rows(session, reads, card_ids, raw_start, end, level))
        for bucket, kind, count in counts:
            found[bucket_label(bucket, granularity)][kind] += int(count)
        for bucket, count in _tail_visitors(session, reads, card_ids, raw_start, end, level):
            found[bucket_label(bucket, granularity)][VISITORS] += int(count)
    return found


def _tail_rows(session: Session, reads: dict, card_ids: list[uuid.UUID], start, end, level: str) -> list[tuple]:
    """(bucket, kind, *dimension columns, count) of raw events, grouped; read once per `reads` (one dashboard).

    The series, the totals and the top lists of a dashboard all come from this one pass over the tail."""
    key = ("rows", level, tuple(card_ids), start, end)
    hourly = ("rows", "hour", *key[2:])
    if key not in reads and level == "day" and hourly in reads:
        reads[key] = _by_day(reads[hourly])  # the today dashboard: its hourly chart already read the tail
    if key not in reads:
        c = EVENTS.c
        label = raw_label(session, level).label("bucket")
        columns = [c[name] for name in _DIM_COLUMNS]
        query = sa.select(label, c.kind, *columns, sa.func.count()).where(*_raw_where(card_ids, start, end))
        reads[key] = [tuple(row) for row in session.execute(query.group_by(label, c.kind, *columns))]
    return reads[key]


def _by_day(hourly: list[tuple]) -> list[tuple]:
    """Hourly (bucket, kind, *dimension columns, count) rows summed into days (counts add up; visitors do not)."""
    days: Counter = Counter()
    for bucket, *group, count in hourly:
        days[(bucket_label(bucket, "day"), *group)] += int(count)
    return [(*group, count) for group, count in days.items()]


def _tail_visitors(session: Session, reads: dict, card_ids: CardIds, start, end, level: str) -> list[tuple]:
    """(bucket, unique visitors) rows of the raw tail, per card and bucket; read once per `reads`."""
    key = ("visitors", level, None if card_ids is None else tuple(card_ids), start, end)
    if key not in reads:
        label = raw_label(session, level).label("bucket")
        query = rollups.unique_visitors(label, _raw_where(card_ids, start, end)).group_by(label)
        reads[key] = [(row[0], row[-1]) for row in session.execute(query)]
    return reads[key]


def by_dimension(
    *,
    session: Session,
    card_ids: CardIds,
    start: datetime,
    end: datetime,
    owner_id: uuid.UUID | None = None,
    only: tuple[str, str] | None = None,
    tail: dict | None = None,
) -> dict[tuple[str, str], Counter]:
    """(kind, dimension) -> {value: count} over a range, from rollups and the raw tail.

    `owner_id`, `tail` as for `series`; `only`: one (kind, dimension), read alone (a tile needs no top lists)."""
    found: dict[tuple[str, str], Counter] = defaultdict(Counter)
    if card_ids == []:
        return found
    reads = {} if tail is None else tail
    days, raw_start = _split(session, start, end, reads)
    if days:
        table, where = _rolled(session, card_ids, owner_id, days, reads)
        d = table.c
        picked = [d.kind == only[0], d.dim == only[1]] if only else [d.dim != ""]
        rows = session.execute(
            sa.select(d.kind, d.dim, d.value, sa.func.sum(d.count))
            .where(*where, *picked)
            .group_by(d.kind, d.dim, d.value)
        )
        for kind, dim, value, count in rows:
            found[kind, dim][value] += int(count)
    if raw_start is not None:
        if card_ids is None:
            where = _raw_where(card_ids, raw_start, end)
            _raw_dimensions(session, [*where, EVENTS.c.kind == only[0]] if only else where, found)
        else:
            _add_dimensions(
                ((row[1], *row[2:]) for row in _tail_rows(session, reads, card_ids, raw_start, end, "day")), found
            )
    if only:
        return defaultdict(Counter, {only: found[only]})
    return found


_DIM_COLUMNS = tuple(sorted({spec.column for spec in SPECS if spec.column is not None}))


def _raw_dimensions(session: Session, where: list[sa.ColumnElement], found: dict[tuple[str, str], Counter]) -> None:
    """Add the raw tail's dimension counts in one grouped query (the tail is a day or so of events)."""
    c = EVENTS.c
    columns = [c[name] for name in _DIM_COLUMNS]
    query = sa.select(c.kind, *columns, sa.func.count()).where(*where).group_by(c.kind, *columns)
    _add_dimensions(session.execute(query), found)


# kind -> the (dimension, position among _DIM_COLUMNS) pairs its rollups keep.
_KIND_DIMS = {
    kind: tuple((spec.dim, _DIM_COLUMNS.index(spec.column)) for spec in SPECS if spec.column and kind in spec.kinds)
    for kind in KINDS
}


def _add_dimensions(rows, found: dict[tuple[str, str], Counter]) -> None:
    """Add (kind, *dimension columns, count) rows to the counts of each spec's dimension."""
    for kind, *values, count in rows:
        for dim, position in _KIND_DIMS.get(kind, ()):
            if values[position]:
                found[kind, dim][values[position]] += int(count)


def daily_rows(
    *, session: Session, card_ids: CardIds, start: datetime, end: datetime
) -> Iterator[tuple[str, uuid.UUID, str, str, str, int]]:
    """(day, card id, kind, dimension, value, count) rows of a range, rollups first then the raw tail."""
    if card_ids == []:
        return
    days, raw_start = _split(session, start, end)
    if days:
        d = DAILY.c
        query = (
            sa.select(d.day, d.card_id, d.kind, d.dim, d.value, d.count)
            .where(*_daily_where(card_ids, days))
            .order_by(d.day, d.card_id, d.kind, d.dim, d.value)
        )
        for day, card_id, kind, dim, value, count in session.execute(query):
            yield day.isoformat(), card_id, kind, dim, value, int(count)
    if raw_start is not None:
        label = raw_label(session, "day").label("bucket")
        where = _raw_where(card_ids, raw_start, end)
        queries = [rollups.grouped(spec, label, where).group_by(label) for spec in SPECS]
        queries.append(rollups.unique_visitors(label, where).group_by(label))
        rows = [tuple(row) for query in queries for row in session.execute(query)]
        for day, card_id, kind, dim, value, count in sorted(rows, key=lambda r: (r[0], str(r[1]), r[2], r[3], r[4])):
            yield day, card_id, kind, dim, value, int(count)
