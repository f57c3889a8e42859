"""The event buffer: tracked events reach the table only when flushed, once each, bots and dead cards left out."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
import uuid

import pytest
from sqlmodel import func, select

from metaic import upkeep
from metaic.analytics import buffer
from metaic.analytics.models import AnalyticsEvent
from metaic.cards import service as card_service
from metaic.config import get_settings
from metaic.db import dispose_engines, session_scope
from tests.cards.fixtures import BROWSER, GOOGLEBOT
from tests.cards.helpers import make_user


@pytest.fixture
def card_id(db: str) -> uuid.UUID:
    """A committed card to count events for."""
    with session_scope() as s:
        owner = make_user(s)
        return card_service.create(session=s, owner=owner, name="Ada").id


def _count(**where) -> int:
    """Stored events matching the given column values."""
    with session_scope() as s:
        query = select(func.count()).select_from(AnalyticsEvent)
        for column, value in where.items():
            query = query.where(getattr(AnalyticsEvent, column) == value)
        return s.exec(query).one()


def test_events_arrive_only_after_the_flush(card_id):
    buffer.track(card_id=card_id, kind="view", user_agent=BROWSER, referrer="https://www.linkedin.com/feed/x?y=1")
    buffer.track(card_id=card_id, kind="qr_scan", user_agent=BROWSER)
    assert _count() == 0
    assert buffer.pending_count() == 2
    assert buffer.flush() == 2
    assert buffer.pending_count() == 0
    assert _count(kind="view") == 1
    assert _count(kind="qr_scan") == 1
    with session_scope() as s:
        view = s.exec(select(AnalyticsEvent).where(AnalyticsEvent.kind == "view")).one()
    assert (view.referrer, view.agent) == ("www.linkedin.com", "mobile")


def test_bots_unknown_kinds_and_bad_channels_are_dropped_at_flush(card_id):
    buffer.track(card_id=card_id, kind="view", user_agent=GOOGLEBOT)
    buffer.track(card_id=card_id, kind="view", user_agent="")
    buffer.track(card_id=card_id, kind="teleport", user_agent=BROWSER)
    buffer.track(card_id=card_id, kind="share", user_agent=BROWSER, channel="carrier-pigeon")
    buffer.track(card_id=card_id, kind="share", user_agent=BROWSER, channel="whatsapp")
    assert buffer.flush() == 1
    assert _count() == 1
    assert _count(kind="share", channel="whatsapp") == 1


def test_a_retried_batch_counts_each_event_once(card_id):
    buffer.track(card_id=card_id, kind="view", user_agent=BROWSER)
    batch = buffer._take()
    rows = [buffer._row(event) for event in batch]
    for _ in range(2):  # the first write committed, then the caller retried the same batch
        with session_scope() as s:
            buffer._insert_ignoring_duplicates(s, rows)
    assert _count() == 1


def test_a_failed_flush_keeps_the_events_for_the_next_one(card_id, monkeypatch):
    buffer.track(card_id=card_id, kind="view", user_agent=BROWSER)
    good_url = get_settings().database_url
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    get_settings.cache_clear()
    with pytest.raises(Exception):  # noqa: B017 (whatever the driver raises for a refused connection)
        buffer.flush()
    assert buffer.pending_count() == 1
    monkeypatch.setenv("DATABASE_URL", good_url)
    get_settings.cache_clear()
    dispose_engines()
    assert buffer.flush() == 1
    assert _count() == 1


def test_events_of_a_card_deleted_before_the_flush_are_skipped(card_id):
    with session_scope() as s:
        owner = make_user(s, email="second@example.com")
        other = card_service.create(session=s, owner=owner, name="Bo").id
    buffer.track(card_id=card_id, kind="view", user_agent=BROWSER)
    buffer.track(card_id=other, kind="view", user_agent=BROWSER)
    with session_scope() as s:
        card_service.delete(session=s, owner=owner, card_id=other)
    buffer.flush()
    assert _count() == 1
    assert _count(card_id=card_id) == 1


def test_the_buffer_is_bounded(card_id, monkeypatch):
    monkeypatch.setattr(buffer, "MAX_PENDING", 5)
    for _ in range(8):
        buffer.track(card_id=card_id, kind="view", user_agent=BROWSER)
    assert buffer.pending_count() == 5
    assert buffer.flush() == 5


def test_the_app_flush_loop_writes_batches_and_flushes_once_more_when_stopped(card_id):
    async def scenario() -> tuple[int, int]:
        loop_task = asyncio.create_task(upkeep.analytics_flush_loop(every=0.05))
        buffer.track(card_id=card_id, kind="view", user_agent=BROWSER)
        await asyncio.sleep(0.5)
        during = _count()
        buffer.track(card_id=card_id, kind="qr_scan", user_agent=BROWSER)
        loop_task.cancel()  # shutting down: what is still buffered is written on the way out
        with contextlib.suppress(asyncio.CancelledError):
            await loop_task
        return during, _count()

    assert asyncio.run(scenario()) == (1, 2)


def test_each_process_flushes_at_times_of_its_own(monkeypatch):
    """Flushes come every `every` seconds give or take half of it, so processes started together drift apart."""
    moments: list[float] = []
    monkeypatch.setattr(upkeep, "_flush_analytics", lambda: moments.append(time.monotonic()))

    async def scenario() -> None:
        loop_task = asyncio.create_task(upkeep.analytics_flush_loop(every=0.04))
        await asyncio.sleep(1.2)
        loop_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await loop_task

    asyncio.run(scenario())
    gaps = [b - a for a, b in itertools.pairwise(moments[:-1])]  # the last one is the shutdown flush
    assert len(gaps) >= 10, gaps
    assert min(gaps) >= 0.018, gaps  # never sooner than half the interval
    assert max(gaps) - min(gaps) > 0.02, f"every flush {min(gaps):.3f}-{max(gaps):.3f} s apart: in step"


def test_postgresql_processes_flush_every_half_second_and_sqlite_every_two(db):
    """Measured with bench/http_bench.py: small batches help PostgreSQL's processes and cost SQLite's one."""
    assert upkeep.analytics_flush_seconds() == {"sqlite": 2.0, "postgresql": 0.5}[db.split(":")[0].split("+")[0]]
