"""Owners' daily sums equal their cards' rollups, late flushes re-roll their day, deleted cards leave the sums."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import sqlalchemy as sa

from metaic.analytics import buffer, facts, jobs, owners, rollups
from metaic.analytics.models import AnalyticsDaily, AnalyticsOwnerDaily, AnalyticsRolledDay
from metaic.analytics.periods import midnight
from metaic.cards import service as card_service
from metaic.db import session_scope
from tests.analytics.helpers import FIREFOX, IPHONE, at, owner_with_card, visit

DAY = date(2026, 3, 4)
START, END = midnight(DAY - timedelta(days=2)), midnight(DAY + timedelta(days=2))


def _rows(session, table) -> list[tuple]:
    """Every row of a table, sorted."""
    return sorted(map(tuple, session.execute(sa.select(table))), key=str)


def _owner_sums_from_cards(session) -> Counter:
    """(owner, day, kind, dim, value) -> count, summed from the per-card rows."""
    d, c = AnalyticsDaily.__table__.c, owners.CARDS.c
    query = sa.select(c.owner_id, d.day, d.kind, d.dim, d.value, d.count).join_from(
        AnalyticsDaily.__table__, owners.CARDS, c.id == d.card_id
    )
    found: Counter = Counter()
    for owner_id, day, kind, dim, value, count in session.execute(query):
        found[owner_id, day, kind, dim, value] += count
    return found


def _owner_sums(session) -> Counter:
    """The same key -> count, as stored in analytics_owner_daily."""
    return Counter({tuple(row[:5]): row[5] for row in session.execute(sa.select(AnalyticsOwnerDaily.__table__))})


def _views(card, n: int, *, first: int = 1) -> None:
    """n views of a card from n addresses (one a Firefox desktop)."""
    for i in range(first, first + n):
        visit(card, address=f"192.0.2.{i}", ua=FIREFOX if i % 2 else IPHONE, query="src=qr" if i % 3 else "")


def _read(session, card_ids, owner_id=None) -> tuple:
    """What a dashboard shows over the range: the series by day and every dimension."""
    series = facts.series(
        session=session, card_ids=card_ids, start=START, end=END, granularity="day", owner_id=owner_id
    )
    dims = facts.by_dimension(session=session, card_ids=card_ids, start=START, end=END, owner_id=owner_id)
    return dict(series), dict(dims)


def test_a_late_flush_marks_its_day_stale_and_the_next_run_rolls_it_up_again(db):
    ada, card = owner_with_card()
    at(f"{DAY} 23:58")
    _views(card, 3)
    buffer.flush()
    visit(card, "vcard_download", address="192.0.2.9")
    visit(card, "custom", address="192.0.2.9", target="wallet_apple")
    late = buffer._take()  # tracked before midnight, written only after the day was rolled up
    at(f"{DAY + timedelta(days=1)} 00:15")
    assert jobs.roll_up() >= 1
    with session_scope() as s:
        assert rollups.stale_days(s) == []
        before = _read(s, [card])
    buffer._put_back(late)
    assert buffer.flush() == 2
    with session_scope() as s:
        assert rollups.stale_days(s) == [DAY]
        now = _read(s, [card])
        assert now != before  # the dashboard shows the late events at once: the stale day is read raw
        assert now == _read(s, [card], owner_id=ada.id)
        assert sum(now[0][DAY.isoformat()][k] for k in ("view", "vcard_download", "custom")) == 5
    assert jobs.roll_up() == 1
    with session_scope() as s:
        assert rollups.stale_days(s) == []
        assert rollups.tail_start(s) == midnight(DAY + timedelta(days=1))
        assert _read(s, [card]) == now == _read(s, [card], owner_id=ada.id)
        rolled = _rows(s, AnalyticsDaily.__table__), _rows(s, AnalyticsOwnerDaily.__table__)
        s.execute(sa.delete(AnalyticsRolledDay.__table__))  # roll everything up from scratch: the same rows
    jobs.roll_up()
    with session_scope() as s:
        assert (_rows(s, AnalyticsDaily.__table__), _rows(s, AnalyticsOwnerDaily.__table__)) == rolled
        assert s.get(AnalyticsRolledDay, DAY).events == 5


def test_a_late_event_before_every_rolled_day_is_rolled_up_too(db):
    _, card = owner_with_card()
    at(f"{DAY} 12:00")
    visit(card)
    buffer.flush()
    visit(card, address="192.0.2.50")
    early = buffer._take()
    at(f"{DAY - timedelta(days=3)} 12:00")
    visit(card, address="192.0.2.51")
    older = buffer._take()
    at(f"{DAY + timedelta(days=1)} 08:00")
    buffer._put_back(early)
    buffer.flush()
    jobs.roll_up()
    buffer._put_back(older)  # a day older than the first rolled one
    buffer.flush()
    with session_scope() as s:
        assert rollups.stale_days(s) == [DAY - timedelta(days=3)]
    jobs.roll_up()
    with session_scope() as s:
        start = midnight(DAY - timedelta(days=3))
        series = facts.series(session=s, card_ids=[card], start=start, end=END, granularity="day")
        assert sum(c["view"] for c in series.values()) == 3 and rollups.stale_days(s) == []


def test_owner_sums_equal_their_cards_and_a_deleted_card_leaves_them(db):
    ada, a1 = owner_with_card()
    with session_scope() as s:
        a2 = card_service.create(session=s, owner=ada, name="Ada two").id
    bo, b1 = owner_with_card("bo@example.com", "Bo")
    at(f"{DAY} 10:00")
    _views(a1, 4)
    _views(a2, 3, first=20)
    _views(b1, 2, first=40)
    visit(a2, "custom", address="192.0.2.21", target="wallet_google")
    buffer.flush()
    at(f"{DAY + timedelta(days=1)} 09:00")
    jobs.roll_up()
    with session_scope() as s:
        assert _owner_sums(s) == _owner_sums_from_cards(s)
        assert {key[0] for key in _owner_sums(s)} == {ada.id, bo.id}
        both = _read(s, [a1, a2])
        assert _read(s, [a1, a2], owner_id=ada.id) == both
        assert sum(both[0][DAY.isoformat()][k] for k in ("view", "qr_scan")) == 7
    with session_scope() as s:
        card_service.delete(session=s, owner=ada, card_id=a2)
    with session_scope() as s:
        assert not owners.fresh(s, ada.id, [a1]) and owners.stale_owners(s) == [ada.id]
        assert _read(s, [a1], owner_id=ada.id) == _read(s, [a1])  # stale sums are not read
    assert jobs.rebuild_owners() == 1
    with session_scope() as s:
        assert owners.fresh(s, ada.id, [a1]) and owners.stale_owners(s) == []
        assert _owner_sums(s) == _owner_sums_from_cards(s)
        assert _read(s, [a1], owner_id=ada.id) == _read(s, [a1])


def test_a_flush_into_a_past_day_holds_off_that_days_rollup_on_postgresql(db):
    _, card = owner_with_card()
    at(f"{DAY} 12:00")
    visit(card)
    buffer.flush()
    at(f"{DAY + timedelta(days=1)} 09:00")
    jobs.roll_up()
    with session_scope() as flushing, session_scope() as rolling:
        assert rollups.mark_late(flushing, {DAY, DAY + timedelta(days=1)}) == [DAY]  # today is never marked
        postgres = flushing.get_bind().dialect.name == "postgresql"
        # PostgreSQL: the flush's shared lock keeps the rollup of that day off until it commits.
        assert rollups.claim(rolling, DAY) is not postgres
