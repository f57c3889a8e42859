"""Webhooks on /account (real app): add an endpoint, see its secret once, see a delivery after publishing a card.

The receiver is a local HTTP server on 127.0.0.1; the app runs outside production, where loopback endpoints
are allowed (production refuses private addresses: tests/ui/test_account_webhooks_state.py).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import make_account, sign_in
from tests.support.fake_providers import FakeServer

pytestmark = pytest.mark.e2e
PASSWORD = "Webhook-Password-2026"
EMAIL = "hooks@example.com"
# Set to a folder to keep screenshots of the webhooks section and ReDoc at desktop and phone widths.
SHOTS = os.environ.get("METAIC_WEBHOOK_SCREENSHOTS", "")


def _shoot(page: Page, name: str, selector: str | None = None) -> None:
    """Keep a screenshot at 1280 and 390 px when asked to (of `selector` only, when given)."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(400)
        target = page.locator(selector) if selector else page
        target.screenshot(path=f"{SHOTS}/{name}-{width}.png", **({} if selector else {"full_page": True}))
    page.set_viewport_size({"width": 1280, "height": 900})


def _publish_a_card(base: str) -> None:
    """Create and publish a card through the public API, as an integration would."""
    tokens = httpx.post(f"{base}/api/v1/auth/token", json={"email": EMAIL, "password": PASSWORD}).json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}", "Idempotency-Key": "e2e-card-1"}
    card = httpx.post(f"{base}/api/v1/cards", json={"name": "Hook Owner"}, headers=headers)
    assert card.status_code == 201, card.text
    published = httpx.post(f"{base}/api/v1/cards/{card.json()['id']}/publish", headers=headers)
    assert published.status_code == 200, published.text


def test_add_an_endpoint_see_its_secret_once_and_its_delivery(app_server, browser):
    """The secret shows after adding and is gone after a reload; publishing a card shows a 200 delivery."""
    arrived = threading.Event()

    def answer(request):
        """Accept every delivery and say one came."""
        arrived.set()
        return 200, {}, b"thanks"

    receiver = FakeServer(answer)
    try:
        make_account(app_server, EMAIL, PASSWORD, name="Hook Owner")
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in(page, app_server.base_url, EMAIL, PASSWORD)
        page.goto(f"{app_server.base_url}/account?tab=security")
        expect(page.locator("#no-webhooks")).to_be_visible(timeout=20_000)
        page.fill("#webhook_url", f"{receiver.url}/hooks/metaic")
        page.fill("#webhook_description", "CRM sync")
        page.click("#event-card-published")
        page.click("#add-webhook")
        secret = page.locator("#webhook-secret")
        expect(secret).to_contain_text("whsec_", timeout=15_000)
        expect(page.locator(".webhook-endpoint")).to_contain_text("Card published")
        _shoot(page, "account-webhooks-secret", "#webhooks")

        page.reload()
        expect(page.locator(".webhook-endpoint")).to_have_count(1, timeout=20_000)
        expect(page.locator("#webhook-secret")).to_have_count(0)

        _publish_a_card(app_server.base_url)
        assert arrived.wait(30), "no delivery reached the receiver"
        page.locator(".toggle-deliveries").click()
        log = page.locator("#webhook-log")
        for _ in range(10):  # the outcome is written just after the receiver answered
            if page.locator(".webhook-delivery", has_text="200").count():
                break
            page.click("#refresh-deliveries")
            page.wait_for_timeout(300)
        expect(log.locator(".webhook-delivery").first).to_contain_text("card.published")
        expect(log.locator(".webhook-delivery").first).to_contain_text("200")
        _shoot(page, "account-webhooks-log", "#webhooks")
        assert receiver.requests[0].headers["metaic-event"] == "card.published"

        if SHOTS:  # ReDoc in the real app, under its own policy (its serving is tested in tests/api/test_redoc.py)
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.goto(f"{app_server.base_url}/api/v1/redoc")
            heading = page.get_by_role("heading", name="MetaIC API (1.0)")
            expect(heading, f"ReDoc did not render: {problems}").to_be_visible(timeout=120_000)
            _shoot(page, "redoc-app")
    finally:
        receiver.close()
