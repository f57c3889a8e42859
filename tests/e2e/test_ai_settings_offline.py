"""The account's AI tab on a server with no AI provider (the Redis-backed app runs without one)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from playwright.sync_api import expect
from sqlmodel import Session, select

from metaic.ai.models import AiPreference
from metaic.auth import service as user_service
from metaic.db import engine_for
from tests.e2e.helpers import make_account, sign_in

PASSWORD = "Offline-Assistant-2026"
EMAIL = "otto.offline@example.com"


def _preference(app, timeout: float = 20) -> AiPreference | None:
    """Otto's stored AI preference once it has opted in, or None after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    with Session(engine_for(app.database_url)) as session:
        user = user_service.get_by_email(session=session, email=EMAIL)
        while time.monotonic() < deadline:
            found = session.exec(select(AiPreference).where(AiPreference.user_id == user.id)).first()
            if found is not None and found.external_opt_in:
                return found
            session.rollback()
            time.sleep(0.2)
    return None


def test_without_a_provider_the_tab_says_everything_stays_and_an_opt_in_waits(app_server_redis, browser):
    app, base = app_server_redis, app_server_redis.base_url
    make_account(app, EMAIL, PASSWORD, name="Otto")
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, EMAIL, PASSWORD)
    page.goto(f"{base}/account?tab=ai")
    engine = page.locator("#ai-engine")
    expect(engine).to_contain_text("Offline assistant")
    expect(engine).to_contain_text("No external provider is set up on this server")
    expect(engine).not_to_contain_text("AI provider:")
    usage = page.locator("#ai-usage")
    expect(usage).to_contain_text("the offline assistant answers everything: free and unlimited")
    expect(usage).not_to_contain_text("Provider requests")  # no allowance meters without a provider
    expect(page.locator("#ai-usage-empty")).to_be_visible()
    expect(page.locator("#ai-strip")).to_have_attribute("data-state", "checked")
    page.click("#ai-opt-in")
    expect(page.locator("[data-sonner-toast]", has_text="once one is set up on this server")).to_be_visible()
    expect(page.locator("#ai-opt-in")).to_have_attribute("data-state", "checked")
    expect(engine).to_contain_text("No external provider is set up")  # still offline: nothing leaves
    assert _preference(app) is not None
    if folder := os.environ.get("METAIC_AI_SCREENSHOTS"):
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(400)
            page.screenshot(path=str(Path(folder) / f"account-ai-offline-{width}.png"), full_page=True)
