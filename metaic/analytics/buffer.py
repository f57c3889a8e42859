"""Visitor events leave the request path: `track()` appends to a buffer in memory, `flush()` writes batches.

A public card view must cost a dictionary lookup and a counter, not an INSERT and a COMMIT. So the hot
path only appends a small record; the upkeep loop of each process flushes the buffer every couple of
seconds in one multi-row INSERT. Bot checks and user-agent parsing happen at flush time, off the request.

Each event gets its id when it is tracked (a fast-path record when a flush first takes it), and the INSERT
skips ids already stored, so a flush that is retried after a failure (the batch goes back into the buffer)
never counts an event twice. A crash loses
at most the events of the last few seconds; the buffer is bounded, so a database that stays down cannot
eat the process's memory (the oldest events are dropped first, and counted in the log).

The client address and the full user agent live only here, in memory, until the flush turns them into
the day's visitor hash and a device class and browser family (visitors.py, dimensions.py).

A "beacon" is not an event: the page's script reports the browser's time zone, and the flush sets the
country of that visitor's views of the card in the last half hour (a time zone names a country more
reliably than the Accept-Language region).
"""

from __future__ import annotations

import logging
import operator
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import psycopg
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from metaic.analytics import dimensions, rollups, visitors
from metaic.analytics.models import VIEW_KINDS, AnalyticsEvent
from metaic.analytics.service import event_row, is_bot
from metaic.config import get_settings
from metaic.core import clock, net
from metaic.core.errors import ValidationError
from metaic.db import session_scope

log = logging.getLogger(__name__)

MAX_PENDING = 200_000  # about 40 MB of pending events; past this the oldest are dropped
FLUSH_BATCH = 5_000  # rows per INSERT statement
BEACON = "beacon"
BEACON_WINDOW = timedelta(minutes=30)  # a time zone report sets the country of views this recent

_lock = threading.Lock()
_pending: list[PendingEvent | tuple] = []  # tuples: fast-path records (track_request)
_dropped = 0


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """One visitor event as the request saw it; cleaned and checked when flushed."""

    id: uuid.UUID
    card_id: uuid.UUID
    kind: str
    channel: str | None
    user_agent: str
    referrer: str
    at: datetime
    target: str = ""
    query: str = ""
    accept_language: str = ""
    address: str = ""  # the direct peer, or the client a trusted proxy named (resolved at flush)
    forwarded: tuple[tuple[str, str], ...] = ()  # X-Forwarded-For / Forwarded as received
    private: bool = False  # DNT or Sec-GPC: counted, never hashed


def track(
    *,
    card_id: uuid.UUID,
    kind: str,
    user_agent: str | None,
    referrer: str | None = None,
    channel: str | None = None,
    target: str = "",
    query: str = "",
    accept_language: str | None = None,
    address: str | None = None,
    forwarded: tuple[tuple[str, str], ...] = (),
    private: bool = False,
) -> None:
    """Queue one event for the next flush: the one way every edge records analytics (views, scans, saves,
    shares, leads, link clicks, custom events named by `target`, and the time zone beacon).

    Cheap: no I/O and no parsing; unknown kinds and bots are dropped at flush."""
    event = PendingEvent(
        uuid.uuid4(),
        card_id,
        kind,
        channel,
        (user_agent or "")[:512],
        (referrer or "")[:512],
        clock.now(),
        target[:512],
        query[:1024],
        (accept_language or "")[:128],
        address or "",
        forwarded,
        private,
    )
    _append(event)


def _append(event: PendingEvent | tuple) -> None:
    """Queue one record, dropping the oldest past MAX_PENDING."""
    global _dropped
    with _lock:
        _pending.append(event)
        if len(_pending) > MAX_PENDING:
            overflow = len(_pending) - MAX_PENDING
            del _pending[:overflow]
            _dropped += overflow


def track_request(
    *,
    card_id: uuid.UUID,
    kind: str,
    headers: list[tuple[bytes, bytes]],
    client: tuple[str, int] | None,
    query: str = "",
) -> None:
    """The public card fast path's `track()`: keeps the ASGI header list as it came, decoded at flush.

    A cached page costs ~15 us of CPU; decoding five headers into a record here added half of that again,
    and a uuid4() ~2-3 us more: the event gets its id when it is decoded, before its first write attempt.
    """
    _append((card_id, kind, headers, client[0] if client else "", query, clock.now()))


def _decoded(raw: tuple) -> PendingEvent:
    """A fast-path record as the event track() would have queued."""
    card_id, kind, headers, address, query, at = raw
    seen = {name: value for name, value in headers if name in _READ_HEADERS}
    text = {name.decode(): value.decode("latin-1") for name, value in seen.items()}
    forwarded = tuple((n, text[n]) for n in ("x-forwarded-for", "forwarded") if n in text)
    return PendingEvent(
        uuid.uuid4(),
        card_id,
        kind,
        None,
        text.get("user-agent", "")[:512],
        text.get("referer", "")[:512],
        at,
        "",
        query[:1024],
        text.get("accept-language", "")[:128],
        address,
        forwarded,
        seen.get(b"dnt") == b"1" or seen.get(b"sec-gpc") == b"1",
    )


_READ_HEADERS = frozenset(
    {b"user-agent", b"referer", b"accept-language", b"dnt", b"sec-gpc", b"x-forwarded-for", b"forwarded"}
)


def pending_count() -> int:
    """Events waiting for the next flush."""
    return len(_pending)


def _take() -> list[PendingEvent]:
    """Swap the buffer for an empty one and return what it held."""
    with _lock:
        batch = list(_pending)
        _pending.clear()
    return [_decoded(event) if isinstance(event, tuple) else event for event in batch]


def _put_back(batch: list[PendingEvent]) -> None:
    """Return a batch that could not be written to the front of the buffer (it is retried next time)."""
    with _lock:
        _pending[:0] = batch
        overflow = len(_pending) - MAX_PENDING
        if overflow > 0:
            del _pending[:overflow]


def _visitor(event: PendingEvent, salts: Mapping[date, str]) -> str | None:
    """The event's visitor hash for its day, None for a browser that opted out or an unknown address."""
    if event.private or not event.address:
        return None
    address = event.address
    if event.forwarded:
        address = net.client_address(address, dict(event.forwarded), get_settings().trusted_proxies)
    return visitors.visitor_hash(salts[event.at.date()], address, event.user_agent)


def _row(event: PendingEvent, salts: Mapping[date, str] | None = None) -> dict | None:
    """The table row for an event, or None when it is not recorded (a bot, an unknown kind or channel)."""
    try:
        return event_row(
            card_id=event.card_id,
            kind=event.kind,
            user_agent=event.user_agent,
            referrer=event.referrer,
            channel=event.channel,
            at=event.at,
            event_id=event.id,
            target=event.target,
            query=event.query,
            accept_language=event.accept_language,
            visitor=_visitor(event, salts) if salts is not None else None,
        )
    except ValidationError:
        return None


def _rows(session: Session, batch: list[PendingEvent]) -> tuple[list[dict], list[dict]]:
    """Rows to insert, and the beacons' country updates, for a batch (salts fetched once per day)."""
    salts = {day: visitors.salt_for(session, day) for day in {event.at.date() for event in batch}}
    rows, beacons = [], []
    for event in batch:
        if event.kind == BEACON:
            beacon = _beacon(event, salts)
            if beacon is not None:
                beacons.append(beacon)
            continue
        row = _row(event, salts)
        if row is not None:
            rows.append(row)
    return rows, beacons


def _beacon(event: PendingEvent, salts: Mapping[date, str]) -> dict | None:
    """The country update a time zone report makes, or None (an opted-out browser, a zone of no country, a bot)."""
    country = dimensions.country_of_zone(event.target)
    visitor = _visitor(event, salts)
    if not country or visitor is None or is_bot(event.user_agent):
        return None
    return {"b_card": event.card_id, "b_visitor": visitor, "b_country": country, "b_since": event.at - BEACON_WINDOW}


def _apply_beacons(session: Session, beacons: list[dict]) -> None:
    """Set the country of the beaconing visitors' recent views (one statement, many parameter sets)."""
    table = AnalyticsEvent.__table__
    c = table.c
    statement = (
        sa.update(table)
        .where(
            c.card_id == sa.bindparam("b_card"),
            c.visitor == sa.bindparam("b_visitor"),
            c.created_at >= sa.bindparam("b_since"),
            c.kind.in_(VIEW_KINDS),
        )
        .values(country=sa.bindparam("b_country"))
    )
    session.connection().execute(statement, beacons)


def _insert_ignoring_duplicates(session: Session, rows: list[dict]) -> None:
    """One multi-row INSERT that skips ids already stored (a retried batch) and cards deleted meanwhile."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    table = AnalyticsEvent.__table__
    for start in range(0, len(rows), FLUSH_BATCH):
        chunk = rows[start : start + FLUSH_BATCH]
        live = _live_cards(session, {row["card_id"] for row in chunk})
        chunk = [row for row in chunk if row["card_id"] in live]
        if chunk and dialect == "postgresql":
            _insert_copy(session, chunk)
        elif chunk:
            # One statement with many parameter sets, compiled once (a multi-VALUES literal of thousands
            # of rows took seconds to compile); SQLite runs them in-process.
            session.execute(module.insert(table).on_conflict_do_nothing(index_elements=["id", "created_at"]), chunk)


_COLUMNS = tuple(column.name for column in AnalyticsEvent.__table__.columns)


_values_of = operator.itemgetter(*_COLUMNS)  # a row dict's values in column order (in C)


def _write_rows(copy: psycopg.Copy, values: list[tuple]) -> None:
    """Send rows to a COPY; psycopg formats them in C (the Python formatting before took 15 us a row)."""
    for row in values:
        copy.write_row(row)


def _insert_copy(session: Session, rows: list[dict]) -> None:
    """PostgreSQL: COPY the chunk in; a retried batch goes through a temporary table and ON CONFLICT DO NOTHING.

    psycopg's executemany ran one statement per row (~1,400 rows/s on this machine) and array parameters
    spent seconds adapting values; COPY's text format is built with plain string joins. The direct COPY
    runs in a savepoint (psycopg's nested transaction), so a duplicate undoes only that attempt.
    """
    columns = ", ".join(_COLUMNS)
    values = [_values_of(row) for row in rows]
    driver = session.connection().connection.dbapi_connection
    try:
        # The usual case, a batch never written before: COPY straight into the table.
        with (
            driver.transaction(),
            driver.cursor() as cursor,
            cursor.copy(f"COPY analytics_events ({columns}) FROM STDIN") as copy,
        ):
            _write_rows(copy, values)
        return
    except psycopg.errors.UniqueViolation:
        pass  # a retried batch that was partly or wholly written: the savepoint is undone, skip what is there
    with driver.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS analytics_events_load "
            "(LIKE analytics_events INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        with cursor.copy(f"COPY analytics_events_load ({columns}) FROM STDIN") as copy:
            _write_rows(copy, values)
        cursor.execute(
            f"INSERT INTO analytics_events ({columns}) SELECT {columns} FROM analytics_events_load "  # noqa: S608
            "ON CONFLICT (id, created_at) DO NOTHING"
        )
        cursor.execute("TRUNCATE analytics_events_load")


def _live_cards(session: Session, card_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """The ids among `card_ids` whose card still exists (a card deleted since its view takes its events along)."""
    cards = sa.table("business_cards", sa.column("id", AnalyticsEvent.__table__.c.card_id.type))
    return set(session.execute(sa.select(cards.c.id).where(cards.c.id.in_(card_ids))).scalars())


def flush() -> int:
    """Write every buffered event in batches; returns how many rows were offered to the database.

    On a database error the batch goes back into the buffer and the error is raised for the caller to log.
    """
    global _dropped
    batch = _take()
    if _dropped:
        log.warning("analytics buffer overflowed: %d events dropped", _dropped)
        _dropped = 0
    if not batch:
        return 0
    try:
        with session_scope() as session:
            rows, beacons = _rows(session, batch)
            if rows:
                _insert_ignoring_duplicates(session, rows)
                rollups.mark_late(session, {row["created_at"].date() for row in rows})
            if beacons:
                _apply_beacons(session, beacons)
    except Exception:
        _put_back(batch)
        raise
    return len(rows)


def discard() -> None:
    """Forget every pending event (tests)."""
    with _lock:
        _pending.clear()
