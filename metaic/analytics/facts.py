"""Counts over any time range: rollup rows for the rolled-up days plus raw events after them (the tail).

Every dashboard number comes through here, so the seam between the two sources is in one place.
Aggregation happens in SQL on both sides; Python only adds the two parts and maps days to buckets.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from metaic.analytics import rollups
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


def _split(session: Session, start: datetime, end: datetime) -> tuple[tuple[date, date] | None, datetime | None]:
    """The rolled-up days [first, last) of a range and where its raw tail starts (None: no raw part)."""
    tail = rollups.tail_start(session)
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


def _raw_where(card_ids: CardIds, start: datetime, end: datetime) -> list[sa.ColumnElement]:
    """Raw events of some cards over a time range."""
    where = [EVENTS.c.created_at >= start, EVENTS.c.created_at < end]
    if card_ids is not None:
        where.append(EVENTS.c.card_id.in_(card_ids))
    return where


def series(
    *, session: Session, card_ids: CardIds, start: datetime, end: datetime, granularity: str
) -> dict[str, Counter]:
    """Bucket label -> {kind: count, "visitors": unique visitors summed per card and day (or hour)}."""
    found: dict[str, Counter] = defaultdict(Counter)
    if card_ids == []:
        return found
    days, raw_start = _split(session, start, end)
    if days:
        d = DAILY.c
        rows = session.execute(
            sa.select(d.day, d.kind, sa.func.sum(d.count))
            .where(*_daily_where(card_ids, days), d.dim == "")
            .group_by(d.day, d.kind)
        )
        for day, kind, count in rows:
            found[bucket_label(day, granularity)][kind] += int(count)
    if raw_start is not None:
        level = "hour" if granularity == "hour" else "day"
        label = raw_label(session, level).label("bucket")
        where = _raw_where(card_ids, raw_start, end)
        c = EVENTS.c
        for bucket, kind, count in session.execute(
            sa.select(label, c.kind, sa.func.count()).where(*where).group_by(label, c.kind)
        ):
            found[bucket_label(bucket, granularity)][kind] += int(count)
        visitors = rollups.unique_visitors(label, where).group_by(label)
        for bucket, _card, _kind, _dim, _value, count in session.execute(visitors):
            found[bucket_label(bucket, granularity)][VISITORS] += int(count)
    return found


def by_dimension(
    *, session: Session, card_ids: CardIds, start: datetime, end: datetime
) -> dict[tuple[str, str], Counter]:
    """(kind, dimension) -> {value: count} over a range, from rollups and the raw tail."""
    found: dict[tuple[str, str], Counter] = defaultdict(Counter)
    if card_ids == []:
        return found
    days, raw_start = _split(session, start, end)
    if days:
        d = DAILY.c
        rows = session.execute(
            sa.select(d.kind, d.dim, d.value, sa.func.sum(d.count))
            .where(*_daily_where(card_ids, days), d.dim != "")
            .group_by(d.kind, d.dim, d.value)
        )
        for kind, dim, value, count in rows:
            found[kind, dim][value] += int(count)
    if raw_start is not None:
        _raw_dimensions(session, _raw_where(card_ids, raw_start, end), found)
    return found


_DIM_COLUMNS = tuple(sorted({spec.column for spec in SPECS if spec.column is not None}))


def _raw_dimensions(session: Session, where: list[sa.ColumnElement], found: dict[tuple[str, str], Counter]) -> None:
    """Add the raw tail's dimension counts in one grouped query (the tail is a day or so of events)."""
    c = EVENTS.c
    columns = [c[name] for name in _DIM_COLUMNS]
    query = sa.select(c.kind, *columns, sa.func.count()).where(*where).group_by(c.kind, *columns)
    for kind, *values, count in session.execute(query):
        row = dict(zip(_DIM_COLUMNS, values, strict=True))
        for spec in SPECS:
            if spec.column is not None and kind in spec.kinds and row[spec.column]:
                found[kind, spec.dim][row[spec.column]] += int(count)


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
