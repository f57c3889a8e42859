"""Rollups equal the raw counts, rolling a day twice changes nothing, retention keeps rollups, partitions exist."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import sqlalchemy as sa

from metaic.analytics import buffer, facts, jobs, retention, rollups, storage
from metaic.analytics.models import AnalyticsDaily, AnalyticsEvent
from metaic.analytics.periods import midnight
from metaic.config import get_settings
from metaic.db import session_scope
from tests.analytics.helpers import FIREFOX, IPHONE, at, owner_with_card, visit

DAYS = [date(2026, 3, d) for d in (2, 3, 4)]


def _history(cards) -> None:
    """A few dozen mixed events over three days, flushed."""
    rng = random.Random(7)
    for day in DAYS:
        at(f"{day.isoformat()} 08:00")
        for i in range(25):
            kind = rng.choice(["view", "view", "qr_scan", "vcard_download", "link_click", "share", "lead"])
            visit(
                rng.choice(cards),
                kind,
                address=f"192.0.2.{rng.randint(1, 6)}",
                ua=rng.choice([IPHONE, FIREFOX]),
                query=rng.choice(["", "src=qr-badge", "utm_source=linkedin"]),
                accept_language=rng.choice(["de-CH", "en-GB", "fr"]),
                channel="email" if kind == "share" else None,
                target="https://example.com/a" if kind == "link_click" else "",
                referrer=rng.choice(["", "https://wa.me/x", "https://news.example.org/"]),
            )
            if i % 10 == 0:
                buffer.flush()
        buffer.flush()


def _all(session, card_ids, granularity="day"):
    """Series and dimensions over the three days."""
    start, end = midnight(DAYS[0]), midnight(DAYS[-1] + timedelta(days=1))
    series = facts.series(session=session, card_ids=card_ids, start=start, end=end, granularity=granularity)
    dims = facts.by_dimension(session=session, card_ids=card_ids, start=start, end=end)
    rows = sorted(facts.daily_rows(session=session, card_ids=card_ids, start=start, end=end), key=str)
    return dict(series), dict(dims), rows


def test_rollups_equal_the_raw_counts_and_rolling_again_changes_nothing(db):
    _, a = owner_with_card()
    _, b = owner_with_card("bo@example.com", "Bo")
    _history([a, b])
    at("2026-03-05 12:00")
    with session_scope() as s:
        raw = _all(s, [a, b])
        assert rollups.last_rolled(s) is None
    assert jobs.roll_up() == 3
    with session_scope() as s:
        assert rollups.last_rolled(s) == DAYS[-1]
        assert _all(s, [a, b]) == raw
        assert _all(s, [a]) != raw  # per card numbers differ from both cards'
        first = sorted(map(tuple, s.execute(sa.select(AnalyticsDaily.__table__))))
        rollups.rollup_day(session=s, day=DAYS[1])
    with session_scope() as s:
        assert sorted(map(tuple, s.execute(sa.select(AnalyticsDaily.__table__)))) == first
    totals = Counter()
    for counts in raw[0].values():
        totals.update(counts)
    assert sum(v for k, v in totals.items() if k != "visitors") == 75


def test_today_is_not_rolled_up_until_it_is_over_plus_a_grace(db):
    _, a = owner_with_card()
    at("2026-03-04 23:59")
    visit(a)
    buffer.flush()
    at("2026-03-05 00:05")
    with session_scope() as s:
        assert rollups.due_days(s) == []
    at("2026-03-05 00:11")
    with session_scope() as s:
        assert rollups.due_days(s) == [date(2026, 3, 4)]


def test_retention_deletes_raw_events_of_rolled_days_and_keeps_rollups(db, monkeypatch):
    _, a = owner_with_card()
    _history([a])
    at("2026-03-05 12:00")
    with session_scope() as s:
        before = _all(s, [a])
        assert retention.purge(session=s, days=1) == 0  # nothing rolled up yet: nothing may go
    jobs.roll_up()
    at("2026-03-06 12:00")
    monkeypatch.setenv("ANALYTICS_RAW_RETENTION_DAYS", "3")
    get_settings.cache_clear()
    with session_scope() as s:
        assert retention.cutoff(s) == date(2026, 3, 3)
    jobs.maintain()
    with session_scope() as s:
        left = s.execute(sa.select(sa.func.min(AnalyticsEvent.created_at))).scalar()
        assert left.date() == date(2026, 3, 3)
        assert _all(s, [a])[:2] == before[:2]  # the dashboards still show every day from rollups


def test_monthly_partitions_are_created_ahead_on_postgresql(db):
    with session_scope() as s:
        layout = storage.layout(s)
        if layout != "partitioned":
            assert layout == "table" and s.get_bind().dialect.name == "sqlite"
            return
        at("2027-01-15 12:00")
        storage.ensure_partitions(session=s)
        months = set(storage.partitions(s))
    assert {date(2027, 1, 1), date(2027, 2, 1), date(2027, 4, 1)} <= months
    _, a = owner_with_card()
    visit(a)
    buffer.flush()
    with session_scope() as s:
        where = sa.text("SELECT count(*) FROM analytics_events_p202701")
        assert s.execute(where).scalar() == 1
