"""Search analytics for admins in a real browser: visitors' directory searches show up as top queries and
queries with no results; members are refused."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from playwright.sync_api import expect

from metaic.auth.models import ROLE_ADMIN
from tests.e2e.helpers import make_account, sign_in

pytestmark = pytest.mark.e2e
PASSWORD = "Search-Admin-2026"


def test_admin_sees_top_and_empty_queries_and_members_are_refused(app_server, browser):
    base = app_server.base_url
    word = f"zephyr{uuid.uuid4().hex[:6]}"  # a query no other test searched for, found nowhere
    for _ in range(3):
        assert httpx.get(f"{base}/directory", params={"q": word}, timeout=30).status_code == 200
    make_account(app_server, "searchadmin@example.com", PASSWORD, name="Search Admin", role=ROLE_ADMIN)
    make_account(app_server, "searchmember@example.com", PASSWORD, name="Search Member")

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, "searchadmin@example.com", PASSWORD)
    page.goto(f"{base}/admin/search")
    page.wait_for_url(re.compile(r".*/admin/search/?$"))
    top = page.locator("#top-queries")
    expect(top.get_by_role("row").filter(has_text=word)).to_contain_text("3")
    expect(page.locator("#no-results").get_by_role("row").filter(has_text=word)).to_be_visible()
    expect(page.get_by_text("without user ids or addresses")).to_be_visible()
    page.close()

    member = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(member, base, "searchmember@example.com", PASSWORD)
    member.goto(f"{base}/admin/search")
    expect(member.locator("#denied")).to_be_visible()
    expect(member.locator("#top-queries")).to_have_count(0)
    member.close()
