"""Visitor events leave the request path: `track()` appends to a buffer in memory, `flush()` writes batches.

A public card view must cost a dictionary lookup and a counter, not an INSERT and a COMMIT. So the hot
path only appends a small record; the upkeep loop of each process flushes the buffer every couple of
seconds in one multi-row INSERT. Bot checks and user-agent parsing happen at flush time, off the request.

Each event gets its id when it is tracked, and the INSERT skips ids already stored, so a flush that is
retried after a failure (the batch goes back into the buffer) never counts an event twice. A crash loses
at most the events of the last few seconds; the buffer is bounded, so a database that stays down cannot
eat the process's memory (the oldest events are dropped first, and counted in the log).
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from metaic.analytics.models import AnalyticsEvent
from metaic.analytics.service import event_row
from metaic.core import clock
from metaic.core.errors import ValidationError
from metaic.db import session_scope

log = logging.getLogger(__name__)

MAX_PENDING = 200_000  # about 40 MB of pending events; past this the oldest are dropped
FLUSH_BATCH = 5_000  # rows per INSERT statement

_lock = threading.Lock()
_pending: list[PendingEvent] = []
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


def track(
    *, card_id: uuid.UUID, kind: str, user_agent: str | None, referrer: str | None = None, channel: str | None = None
) -> None:
    """Queue one event for the next flush (cheap: no I/O; unknown kinds and bots are dropped at flush)."""
    event = PendingEvent(
        uuid.uuid4(), card_id, kind, channel, (user_agent or "")[:512], (referrer or "")[:512], clock.now()
    )
    global _dropped
    with _lock:
        _pending.append(event)
        if len(_pending) > MAX_PENDING:
            overflow = len(_pending) - MAX_PENDING
            del _pending[:overflow]
            _dropped += overflow


def pending_count() -> int:
    """Events waiting for the next flush."""
    return len(_pending)


def _take() -> list[PendingEvent]:
    """Swap the buffer for an empty one and return what it held."""
    with _lock:
        batch = list(_pending)
        _pending.clear()
    return batch


def _put_back(batch: list[PendingEvent]) -> None:
    """Return a batch that could not be written to the front of the buffer (it is retried next time)."""
    with _lock:
        _pending[:0] = batch
        overflow = len(_pending) - MAX_PENDING
        if overflow > 0:
            del _pending[:overflow]


def _row(event: PendingEvent) -> dict | None:
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
        )
    except ValidationError:
        return None


def _insert_ignoring_duplicates(session: Session, rows: list[dict]) -> None:
    """One multi-row INSERT that skips ids already stored (a retried batch) and cards deleted meanwhile."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    table = AnalyticsEvent.__table__
    for start in range(0, len(rows), FLUSH_BATCH):
        chunk = rows[start : start + FLUSH_BATCH]
        live = _live_cards(session, {row["card_id"] for row in chunk})
        chunk = [row for row in chunk if row["card_id"] in live]
        if chunk:
            # One statement with many parameter sets: compiled once (a multi-VALUES literal of thousands
            # of rows took seconds to compile), and SQLAlchemy batches the rows into few round trips.
            session.execute(module.insert(table).on_conflict_do_nothing(index_elements=["id"]), chunk)


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
    rows = [row for row in map(_row, batch) if row is not None]
    if not rows:
        return 0
    try:
        with session_scope() as session:
            _insert_ignoring_duplicates(session, rows)
    except Exception:
        _put_back(batch)
        raise
    return len(rows)


def discard() -> None:
    """Forget every pending event (tests)."""
    with _lock:
        _pending.clear()
