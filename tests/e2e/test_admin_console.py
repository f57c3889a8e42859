"""The admin console in a real browser: overview with figures and health, find a user, suspend them after
a confirmation, and their public card stops answering; the audit log shows it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, func, select

from metaic.auth import service as user_service
from metaic.auth.models import ROLE_ADMIN, User
from metaic.db import engine_for
from tests.contacts.helpers import card_doc, publish_card
from tests.e2e.helpers import make_account, sign_in

pytestmark = pytest.mark.e2e
PASSWORD = "Admin-Password-2026"
# Set to a folder to keep screenshots of every admin page at desktop and phone widths.
SHOTS = os.environ.get("METAIC_ADMIN_SCREENSHOTS", "")


def _member_with_card(app_server) -> str:
    """A member with a published card; returns its slug."""
    with Session(engine_for(app_server.database_url)) as session:
        owner = user_service.create(
            session=session, email="susan@example.com", password=PASSWORD, name="Susan Spam", verified=True
        )
        slug = publish_card(session, owner, card_doc(name="Susan Spam", email="susan@example.com")).slug
        session.commit()
    return slug


def _shoot(page: Page, name: str) -> None:
    """Keep a full-page screenshot at 1280 and 390 px when asked to."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(400)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_admin_suspends_a_user_and_their_card_goes_offline(app_server, browser):
    base = app_server.base_url
    make_account(app_server, "root@example.com", PASSWORD, name="Root Admin", role=ROLE_ADMIN)
    slug = _member_with_card(app_server)
    assert httpx.get(f"{base}/c/{slug}").status_code == 200

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, "root@example.com", PASSWORD)
    page.goto(f"{base}/admin")
    expect(page.locator("#admin-nav")).to_be_visible()
    # The browser tests share one app and database: every account made so far signed up within the 30 days.
    with Session(engine_for(app_server.database_url)) as session:
        accounts = session.exec(select(func.count()).select_from(User)).one()
    expect(page.locator("#tile-signups")).to_have_text(str(accounts))
    expect(page.locator("#health").get_by_text("Database")).to_be_visible()
    expect(page.locator("#health").get_by_text("Migrations")).to_be_visible()
    _shoot(page, "admin")

    page.locator("#admin-nav").get_by_text("Users").click()
    page.wait_for_url(re.compile(r".*/admin/users/?$"))
    expect(page.locator(".user-row")).to_have_count(min(accounts, 25))  # one page
    _shoot(page, "admin-users")
    page.fill("#user-search", "susan")
    page.click("#user-search-go")
    expect(page.locator(".user-row")).to_have_count(1)
    page.locator(".user-link").first.click()
    page.wait_for_url(re.compile(r".*/admin/users/view\?id=.*"))
    expect(page.locator("#user-status")).to_have_text("active")
    _shoot(page, "admin-user")

    page.click("#action-suspend")
    page.fill("#action-text", "Reported as spam")
    page.click("#action-confirm")
    expect(page.locator("#user-status")).to_have_text("suspended")
    assert httpx.get(f"{base}/c/{slug}").status_code == 404

    page.locator("#admin-nav").get_by_text("Audit log").click()
    page.wait_for_url(re.compile(r".*/admin/audit/?$"))
    entry = page.locator(".audit-entry", has_text="Account suspended by an admin")
    expect(entry).to_be_visible()
    expect(entry.get_by_text("Reported as spam")).to_be_visible()
    _shoot(page, "admin-audit")


def test_console_refuses_members(app_server, browser):
    base = app_server.base_url
    make_account(app_server, "plain@example.com", PASSWORD)
    page = browser.new_context().new_page()
    sign_in(page, base, "plain@example.com", PASSWORD)
    for path in ("/admin", "/admin/users", "/admin/audit"):
        page.goto(f"{base}{path}")
        expect(page.locator("#admin-denied")).to_be_visible()
