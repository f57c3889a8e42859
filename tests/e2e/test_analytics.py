"""A visitor scans a card's QR code on a phone, taps a link and saves the contact; after the flush the owner's
/analytics page shows the scan, the click and the save on the tiles, the chart and the funnel."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from metaic.auth import service as user_service
from metaic.db import engine_for
from tests.contacts.helpers import card_doc, publish_card
from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.e2e
PASSWORD = "Counted-Not-Tracked-26"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
# The app writes buffered visitor events every 0.5-2 s (upkeep.analytics_flush_loop); allow for a busy machine.
FLUSH_WAIT = 30


def _owner_with_card(app_server) -> str:
    """A verified owner with a published card that links to LinkedIn; returns the card's slug."""
    with Session(engine_for(app_server.database_url)) as session:
        owner = user_service.create(
            session=session, email="ana@example.com", password=PASSWORD, name="Ana Lytics", verified=True
        )
        slug = publish_card(session, owner, card_doc(name="Ana Lytics", email="ana@example.com")).slug
        session.commit()
    return slug


def _visit_on_a_phone(browser, base: str, slug: str) -> None:
    """Scan the QR code (open ?src=qr), tap the card's LinkedIn link, save the contact."""
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True, user_agent=IPHONE
    )
    # The link leaves for LinkedIn: answer for it here, the test has no internet.
    phone.route("https://www.linkedin.com/**", lambda route: route.fulfill(status=200, body="LinkedIn"))
    page = phone.new_page()
    page.goto(f"{base}/c/{slug}?src=qr")
    link = page.locator(f'a[href="/c/{slug}/l/s0"]').first
    expect(link).to_be_visible()
    # The link opens in a new tab: the counted redirect answers there, then the tab lands on LinkedIn.
    counted = re.compile(rf".*/c/{slug}/l/s0$")
    with phone.expect_event("response", lambda r: bool(counted.match(r.url))) as redirect, phone.expect_page() as tab:
        link.click()
    assert redirect.value.status == 302
    tab.value.wait_for_url("https://www.linkedin.com/**")
    tab.value.close()
    page.goto(f"{base}/c/{slug}")
    with page.expect_download() as saved:
        page.locator("a.save").first.click()
    assert saved.value.suggested_filename.endswith(".vcf")
    phone.close()


def _tile(page: Page, key: str) -> str:
    """The number shown on a tile."""
    return page.locator(f"#tile-{key}").inner_text().strip()


def _wait_for_counts(page: Page, base: str, wanted: dict[str, str]) -> None:
    """Reload /analytics until the tiles show `wanted` (the events reach the database with the next flush)."""
    deadline = time.monotonic() + FLUSH_WAIT
    while True:
        page.goto(f"{base}/analytics?period=7d")
        expect(page.locator("#range-label")).to_be_visible(timeout=20_000)
        shown = {key: _tile(page, key) for key in wanted}
        if shown == wanted or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert shown == wanted


def test_a_qr_visit_a_click_and_a_save_reach_the_owners_analytics(app_server, browser):
    base = app_server.base_url
    slug = _owner_with_card(app_server)
    owner = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(owner, base, "ana@example.com", PASSWORD)
    owner.goto(f"{base}/analytics")
    expect(owner.locator("#analytics-empty")).to_be_visible(timeout=20_000)  # nothing counted yet, and it says so

    _visit_on_a_phone(browser, base, slug)
    # The open page's live counter picks the visitor up by itself (flush every 0.5-2 s, refresh every 10 s).
    expect(owner.locator("#live-visitors")).to_have_text("1", timeout=40_000)

    _wait_for_counts(owner, base, {"views": "2", "scans": "1", "clicks": "1", "saves": "1"})
    expect(owner.locator("#analytics-empty")).to_have_count(0)
    # The chart draws a line per series, and today's point carries the scan and the save.
    expect(owner.locator("#analytics-chart .recharts-line")).to_have_count(4)
    counts = owner.locator("#funnel .funnel-count").all_inner_texts()
    assert counts[:2] == ["2", "1"], counts  # viewed twice (the scan and the return), saved once
    sources = owner.locator("#top-sources .bar-row").all_inner_texts()
    assert any("QR code" in row for row in sources), sources
    links = owner.locator("#top-links .bar-row").all_inner_texts()
    assert any("linkedin.com/in/grace" in row for row in links), links
    devices = owner.locator("#top-devices .bar-row").all_inner_texts()
    assert any("Phone" in row for row in devices), devices
    # The period's daily rows download as CSV from the authenticated route (the tab's session cookie).
    owner.click("#export-menu")
    with owner.expect_download() as exported:
        owner.click("#export-period")
    assert re.fullmatch(r"analytics-daily-\d{8}-\d{8}\.csv", exported.value.suggested_filename)
    rows = exported.value.path().read_text()
    assert ",qr_scan," in rows and ",link_click," in rows and ",vcard_download," in rows, rows[:400]
    # The dashboard's 30 days agree and lead here.
    owner.goto(f"{base}/dashboard")
    expect(owner.locator("#stat-views")).to_have_text("2", timeout=20_000)
    expect(owner.locator("#stat-saves")).to_have_text("1")
    owner.click("#dashboard-analytics")
    owner.wait_for_url(re.compile(r".*/analytics/?$"))
