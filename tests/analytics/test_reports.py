"""The reports contract: periods, the owner dashboard, live visitors, sparkline, platform figures, CSV."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

import pytest

from metaic.analytics import buffer, jobs, reports
from metaic.core.errors import NotFound, ValidationError
from metaic.db import session_scope
from tests.analytics.helpers import at, owner_with_card, visit


def test_periods_and_their_previous_periods():
    now = reports.period_from("today", now=None)
    assert now.granularity == "hour" and len(now.buckets()) == 24
    week = reports.period_from("7d")
    assert week.end - week.start == week.prev_end - week.prev_start and week.prev_end == week.start
    assert len(week.buckets()) == 7
    year = reports.period_from("12m")
    assert year.granularity == "month" and len(year.buckets()) == 12
    custom = reports.period_from("custom", start=date(2026, 1, 1), end=date(2026, 1, 10))
    assert custom.buckets()[0] == "2026-01-01" and len(custom.buckets()) == 10
    assert reports.period_from("custom", start=date(2024, 1, 1), end=date(2025, 12, 31)).granularity == "month"
    with pytest.raises(ValidationError):
        reports.period_from("custom", start=date(2023, 1, 1), end=date(2026, 1, 1))
    with pytest.raises(ValidationError):
        reports.period_from("custom", start=date(2026, 2, 1), end=date(2026, 1, 1))
    with pytest.raises(ValidationError):
        reports.period_from("forever")


def _traffic(card: uuid.UUID) -> None:
    """Two days ago (rolled up) and today (raw tail)."""
    at("2026-03-02 10:00")
    visit(card, address="192.0.2.1")
    visit(card, "qr_scan", address="192.0.2.2", query="src=qr")
    visit(card, "vcard_download", address="192.0.2.2")
    visit(card, "link_click", address="192.0.2.2", target="https://example.com/a")
    visit(card, "custom", address="192.0.2.2", target="wallet_apple")
    visit(card, "custom", address="192.0.2.2", target="call")  # a custom event that is not a wallet save
    buffer.flush()
    at("2026-03-04 09:30")
    jobs.roll_up()
    visit(card, address="192.0.2.3", referrer="https://www.linkedin.com/feed/")
    visit(card, "lead", address="192.0.2.3")
    visit(card, "share", address="192.0.2.3", channel="whatsapp")
    visit(card, "custom", address="192.0.2.3", target="wallet_google")
    buffer.flush()


def test_owner_dashboard_reads_rollups_and_todays_tail(db):
    ada, card = owner_with_card()
    _traffic(card)
    with session_scope() as s:
        found = reports.owner_dashboard(session=s, owner=ada, card_id=None, period=reports.period_from("7d"))
    values = {name: t["value"] for name, t in found["totals"].items()}
    expected = {"views": 3, "visitors": 3, "scans": 1, "saves": 1, "shares": 1, "leads": 1, "clicks": 1, "wallet": 2}
    assert values == expected
    assert found["totals"]["views"]["previous"] == 0 and found["totals"]["views"]["change_pct"] is None
    series = {row["bucket"]: row for row in found["series"]}
    assert len(series) == 7 and series["2026-03-03"]["views"] == 0
    assert series["2026-03-02"] == {"bucket": "2026-03-02", "views": 2, "visitors": 2, "scans": 1, "saves": 1}
    assert series["2026-03-04"]["views"] == 1
    assert [f["count"] for f in found["funnel"]] == [3, 1, 1]
    assert {"label": "qr", "count": 1} in found["top"]["sources"]
    assert {"label": "linkedin", "count": 1} in found["top"]["sources"]
    assert found["top"]["links"] == [{"label": "https://example.com/a", "count": 1}]
    assert found["top"]["countries"] == [{"label": "CH", "count": 3}]
    assert found["cards"] == [{"id": str(card), "name": "Ada", "slug": "ada"}]
    with session_scope() as s:
        today = reports.owner_dashboard(session=s, owner=ada, card_id=card, period=reports.period_from("today"))
        assert today["totals"]["views"] == {"value": 1, "previous": 0, "change_pct": None}
        assert sum(row["views"] for row in today["series"]) == 1
        assert reports.live_visitors(session=s, owner=ada, card_id=card) == 1
        spark = reports.sparkline(session=s, owner=ada, days=7)
    assert spark == {"views": [0, 0, 0, 0, 2, 0, 1], "total_views": 3, "saves": 1, "leads": 1}


def test_one_owner_never_sees_anothers_numbers(db):
    _, card = owner_with_card()
    bo, _ = owner_with_card("bo@example.com", "Bo")
    _traffic(card)
    period = reports.period_from("30d")
    with session_scope() as s:
        mine = reports.owner_dashboard(session=s, owner=bo, card_id=None, period=period)
        assert all(t["value"] == 0 for t in mine["totals"].values())
        assert [c["name"] for c in mine["cards"]] == ["Bo"]
        assert reports.live_visitors(session=s, owner=bo, card_id=None) == 0
        assert reports.sparkline(session=s, owner=bo, days=30)["total_views"] == 0
        for call in (
            lambda: reports.owner_dashboard(session=s, owner=bo, card_id=card, period=period),
            lambda: reports.live_visitors(session=s, owner=bo, card_id=card),
            lambda: reports.export_period_csv(session=s, owner=bo, card_id=card, period=period),
            lambda: list(reports.export_raw_csv(session=s, owner=bo, card_id=card, period=period)),
        ):
            with pytest.raises(NotFound):
                call()
        assert reports.export_period_csv(session=s, owner=bo, card_id=None, period=period).count("\n") == 1


def test_csv_exports(db):
    ada, card = owner_with_card()
    _traffic(card)
    visit(card, address="192.0.2.4", query="utm_campaign==HYPERLINK(1)")
    buffer.flush()
    period = reports.period_from("7d")
    with session_scope() as s:
        daily = list(
            csv.DictReader(io.StringIO(reports.export_period_csv(session=s, owner=ada, card_id=card, period=period)))
        )
        raw_text = "".join(reports.export_raw_csv(session=s, owner=ada, card_id=None, period=period))
    assert {
        "date": "2026-03-02",
        "card": "Ada",
        "slug": "ada",
        "event": "qr_scan",
        "dimension": "",
        "value": "",
        "count": "1",
    } in daily
    assert {
        "date": "2026-03-04",
        "card": "Ada",
        "slug": "ada",
        "event": "view",
        "dimension": "source",
        "value": "linkedin",
        "count": "1",
    } in daily
    assert {
        "date": "2026-03-02",
        "card": "Ada",
        "slug": "ada",
        "event": "visitors",
        "dimension": "",
        "value": "",
        "count": "2",
    } in daily
    raw = list(csv.DictReader(io.StringIO(raw_text)))
    assert len(raw) == 11 and raw[0]["time"] == "2026-03-02T10:00:00Z" and raw[0]["event"] == "view"
    assert "visitor" not in raw[0] and "id" not in raw[0]
    assert "192.0.2" not in raw_text
    assert raw[-1]["utm_campaign"] == "'=hyperlink(1)"  # a spreadsheet shows it, never runs it


def test_platform_dashboard(db):
    _, card = owner_with_card()
    _traffic(card)
    with session_scope() as s:
        found = reports.platform_dashboard(session=s, period=reports.period_from("7d"))
    assert found["totals"]["views"]["value"] == 3 and found["totals"]["saves"]["value"] == 1
    assert found["totals"]["signups"]["value"] == 0  # the account was made on the real date, outside this week
    assert set(found["totals"]) == {
        "signups",
        "active_users",
        "cards_published",
        "views",
        "saves",
        "messages",
        "notifications_sent",
        "jobs_failed",
    }
    assert len(found["series"]) == 7 and set(found["active"]) == {"daily", "weekly", "monthly"}
