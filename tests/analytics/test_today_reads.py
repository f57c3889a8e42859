"""Today's dashboard reads today's raw events few times, and PostgreSQL keeps planning those reads well."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event

from metaic.analytics import buffer, facts, jobs, reports, storage
from metaic.db import get_engine, session_scope
from tests.analytics.helpers import FIREFOX, at, owner_with_card, visit


def _raw_reads(run) -> list[str]:
    """The statements `run()` sends that read raw events."""
    seen: list[str] = []

    def note(conn, cursor, statement, *args) -> None:
        if "FROM analytics_events" in statement:
            seen.append(statement)

    event.listen(get_engine(), "before_cursor_execute", note)
    try:
        run()
    finally:
        event.remove(get_engine(), "before_cursor_execute", note)
    return seen


def test_the_today_dashboard_reads_the_raw_tail_once_for_counts_and_once_per_level_for_visitors(db):
    ada, card = owner_with_card()
    at("2026-03-02 10:00")  # an earlier day, rolled up: yesterday and before come from rollups
    visit(card, address="192.0.2.9")
    buffer.flush()
    at("2026-03-04 09:00")
    visit(card, address="192.0.2.1")
    visit(card, kind="vcard_download", address="192.0.2.1")
    at("2026-03-04 10:00")
    visit(card, address="192.0.2.1")  # the same visitor an hour later: one visitor today, not two
    visit(card, address="192.0.2.2", ua=FIREFOX, accept_language="fr-FR")
    buffer.flush()
    jobs.roll_up()
    today = reports.period_from("today")

    def dashboard() -> dict:
        with session_scope() as s:
            return reports.owner_dashboard(session=s, owner=ada, card_id=None, period=today)

    found: dict = {}
    reads = _raw_reads(lambda: found.update(dashboard()))
    assert len(reads) == 3, reads  # hourly counts (days summed from them), hourly and daily unique visitors
    totals = found["totals"]
    assert (totals["views"]["value"], totals["saves"]["value"], totals["visitors"]["value"]) == (3, 1, 2)
    hours = [(row["bucket"][-5:], row["views"]) for row in found["series"] if row["views"]]
    assert hours == [("09:00", 1), ("10:00", 2)]
    with session_scope() as s:
        direct = facts.by_dimension(session=s, card_ids=[card], start=today.start, end=today.end)
    top = {row["label"]: row["count"] for row in found["top"]["browsers"]}
    assert top == dict(direct["view", "browser"]) and sum(top.values()) == 3


def test_the_upkeep_refreshes_postgresql_figures_for_today_s_events_after_a_burst(db):
    _, card = owner_with_card()
    visit(card)
    buffer.flush()
    with session_scope() as s:
        if s.get_bind().dialect.name != "postgresql":
            assert storage.refresh_statistics(s) == []  # SQLite has no such figures to go stale
            return
        # A burst of views: copies of the flushed one. PostgreSQL reports a connection's row counts when it
        # goes idle, up to 10 s later; this connection reports them at once.
        copies = "INSERT INTO analytics_events (id, created_at, card_id, kind) SELECT gen_random_uuid(), created_at, "
        copies += "card_id, kind FROM analytics_events, generate_series(1, :n)"
        s.execute(sa.text(copies), {"n": storage.ANALYZE_AFTER + 50})
        s.execute(sa.text("SELECT pg_stat_force_next_flush()"))
    jobs.roll_up()
    with session_scope() as s:
        analyzed = s.execute(
            sa.text("SELECT relname, last_analyze, n_mod_since_analyze FROM pg_stat_user_tables WHERE relname = :n"),
            {"n": storage.partitions(s)[storage.month_start(s.execute(sa.text("SELECT current_date")).scalar())]},
        ).one()
        assert analyzed.last_analyze is not None and analyzed.n_mod_since_analyze == 0, analyzed
        assert storage.refresh_statistics(s) == [], "nothing changed since: no second ANALYZE"
