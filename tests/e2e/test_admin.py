"""Admin pages in a real browser: admins see background jobs, other users are refused."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from metaic.auth.models import ROLE_ADMIN
from tests.e2e.helpers import make_account, sign_in

pytestmark = pytest.mark.e2e
PASSWORD = "Admin-Password-2026"


def test_jobs_page_is_for_admins_only(app_server, browser):
    base = app_server.base_url
    make_account(app_server, "root@example.com", PASSWORD, role=ROLE_ADMIN)
    make_account(app_server, "plain@example.com", PASSWORD)

    admin = browser.new_context().new_page()
    sign_in(admin, base, "root@example.com", PASSWORD)
    admin.goto(f"{base}/admin/jobs")
    expect(admin.get_by_text("Background jobs").first).to_be_visible()
    expect(admin.locator(".queue-tile")).to_have_count(3)
    expect(admin.get_by_text("No failed jobs.")).to_be_visible()

    plain = browser.new_context().new_page()
    sign_in(plain, base, "plain@example.com", PASSWORD)
    plain.goto(f"{base}/admin/jobs")
    expect(plain.get_by_text("Only administrators can see background jobs.")).to_be_visible()
    expect(plain.locator(".queue-tile")).to_have_count(0)
