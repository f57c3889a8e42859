"""Admin pages in a real browser: admins see background jobs, other users are refused."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from metaic.auth import service as user_service
from metaic.auth.models import ROLE_ADMIN
from metaic.db import engine_for

pytestmark = pytest.mark.e2e
PASSWORD = "Admin-Password-2026"


def _user(app_server, email: str, role: str = "user") -> None:
    """A verified account in the app's database."""
    with Session(engine_for(app_server.database_url)) as session:
        if user_service.get_by_email(session=session, email=email) is None:
            user_service.create(
                session=session, email=email, password=PASSWORD, name=email.split("@")[0], role=role, verified=True
            )
            session.commit()


def _sign_in(page, base: str, email: str) -> None:
    """Sign in through the form."""
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(re.compile(r".*/dashboard/?$"))


def test_jobs_page_is_for_admins_only(app_server, browser):
    base = app_server.base_url
    _user(app_server, "root@example.com", ROLE_ADMIN)
    _user(app_server, "plain@example.com")

    admin = browser.new_context().new_page()
    _sign_in(admin, base, "root@example.com")
    admin.goto(f"{base}/admin/jobs")
    expect(admin.get_by_text("Background jobs").first).to_be_visible()
    expect(admin.locator(".queue-tile")).to_have_count(3)
    expect(admin.get_by_text("No failed jobs.")).to_be_visible()

    plain = browser.new_context().new_page()
    _sign_in(plain, base, "plain@example.com")
    plain.goto(f"{base}/admin/jobs")
    expect(plain.get_by_text("Only administrators can see background jobs.")).to_be_visible()
    expect(plain.locator(".queue-tile")).to_have_count(0)
