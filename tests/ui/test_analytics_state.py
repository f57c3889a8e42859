"""The /analytics page state: the owner's own numbers over a period, live visitors, exports, empty and bad input."""

from __future__ import annotations

import json
import uuid

from metaic.analytics import buffer
from metaic.db import session_scope
from metaic.ui.pages.analytics import analytics_page
from metaic.ui.state.analytics import AnalyticsState
from tests.contacts.helpers import publish_card
from tests.ui.support import run, signed_in, state

PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def _card(user) -> str:
    """A published card of `user`; returns its id."""
    with session_scope() as s:
        return str(publish_card(s, s.merge(user)).id)


def _visit(card_id: str, kind: str, agent: str = PHONE, address: str = "203.0.113.7", **more) -> None:
    """One visitor event, as the public pages queue it."""
    buffer.track(card_id=uuid.UUID(card_id), kind=kind, user_agent=agent, address=address, **more)


def _page(token: str, query: str = "") -> AnalyticsState:
    """The state of a freshly loaded /analytics tab."""
    page = state(AnalyticsState, token, "/analytics", query)
    run(page.load())
    return page


def test_page_builds_with_every_panel():
    rendered = json.dumps(analytics_page().render(), default=str)
    for name in (
        "live-visitors",
        "card-picker",
        "period-picker",
        "tile-views",
        "tile-saves",
        "tile-wallet",
        "analytics-chart",
        "funnel",
        "top-sources",
        "top-countries",
        "export-raw",
        "analytics-no-cards",
    ):
        assert name in rendered, name


def test_owner_sees_own_numbers_over_the_period(db):
    token, ada = signed_in("ada@example.com", "Ada")
    _bob_token, bob = signed_in("bob@example.com", "Bob")
    card, bobs = _card(ada), _card(bob)
    _visit(card, "qr_scan", query="src=qr")
    _visit(card, "view", agent=DESKTOP, address="198.51.100.4", referrer="https://www.linkedin.com/feed")
    _visit(card, "vcard_download")
    _visit(card, "link_click", target="https://example.com/ada")
    _visit(card, "custom", target="wallet_google")
    _visit(bobs, "view")
    _visit(bobs, "view", address="198.51.100.9")
    assert buffer.flush() >= 6
    page = _page(token, "period=7d")
    assert page.period == "7d" and not page.loading and page.failed == ""
    assert [c["id"] for c in page.cards] == [card]
    tiles = {k: v["value"] for k, v in page.tiles.items()}
    assert (tiles["views"], tiles["visitors"], tiles["scans"], tiles["saves"], tiles["clicks"], tiles["wallet"]) == (
        "2",
        "2",
        "1",
        "1",
        "1",
        "1",
    )
    assert page.has_data and page.tiles["views"]["direction"] == "new"
    assert sum(row["views"] for row in page.series) == 2 and len(page.series) == 7
    assert [(s["step"], s["count"]) for s in page.funnel][:2] == [("Viewed", "2"), ("Saved", "1")]
    assert {r["label"] for r in page.top["devices"]} == {"Phone", "Computer"}
    assert {r["label"] for r in page.top["sources"]} == {"QR code", "LinkedIn"}
    assert [r["label"] for r in page.top["links"]] == ["example.com/ada"]
    assert page.range_label and page.compare_label
    # Bob's card chosen by address: Ada never sees Bob's numbers.
    nosy = _page(token, f"period=7d&card={bobs}")
    assert (nosy.card, nosy.tiles["views"]["value"], nosy.errors) == ("all", "2", {})


def test_new_account_has_no_cards_and_nothing_counted(db):
    token, _ada = signed_in("ada@example.com", "Ada")
    page = _page(token)
    assert page.cards == [] and not page.has_data and page.failed == ""
    assert page.tiles["views"] == {"value": "0", "previous": "0", "change": "0%", "direction": "flat"}


def test_live_counter_counts_the_last_minutes(db):
    token, ada = signed_in("ada@example.com", "Ada")
    card = _card(ada)
    page = _page(token)
    assert page.live == 0
    _visit(card, "view")
    _visit(card, "view", address="198.51.100.4")
    buffer.flush()
    run(page.tick_live("tick"))
    assert page.live == 2


def test_custom_range_checks_its_dates(db):
    token, ada = signed_in("ada@example.com", "Ada")
    _card(ada)
    page = _page(token)
    run(page.set_period("custom"))
    assert page.custom and page.start and page.end
    run(page.apply_dates({"start": "2026-12-07", "end": "2026-12-01"}))
    assert "end" in page.errors
    run(page.apply_dates({"start": "2026-11-01", "end": "2026-11-30"}))
    assert page.errors == {} and len(page.series) == 30


def test_exports_download_from_the_authenticated_csv_route(db):
    token, ada = signed_in("ada@example.com", "Ada")
    card = _card(ada)
    page = _page(token, "period=today")
    assert "/api/v1/analytics/export.csv?rows=daily&period=today" in json.dumps(run(page.export_period()), default=str)
    run(page.set_card(card))
    assert f"rows=raw&period=today&card_id={card}" in json.dumps(run(page.export_raw()), default=str)
    run(page.apply_dates({"start": "2026-11-01", "end": "2026-11-30"}))
    assert "period=custom&card_id=" in page.export_url("daily") and page.export_url("daily").endswith(
        "&start=2026-11-01&end=2026-11-30"
    )


def test_signed_out_visitors_go_to_sign_in(db):
    events = run(state(AnalyticsState, None, "/analytics").load())
    assert "/login?next=/analytics" in json.dumps(events, default=str)
