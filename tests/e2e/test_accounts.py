"""The account journey in a real browser: sign up, verify, sign out, MFA sign-in, revoke a session."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import mail_text, sign_in, smtp_mail

pytestmark = pytest.mark.e2e

EMAIL = "grace@example.com"
PASSWORD = "Hopper-Compiler-1952"


def _sign_in(page: Page, base: str, password: str = PASSWORD, totp: pyotp.TOTP | None = None) -> None:
    """Sign in as Grace (with the code step when MFA is on) and see her dashboard."""
    sign_in(page, base, EMAIL, password, totp=totp)
    expect(page.locator("#dashboard-greeting")).to_contain_text("Grace")


def test_account_journey(app_server, browser):
    base = app_server.base_url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    # Sign up; bad input first gets a clear message.
    page.goto(f"{base}/signup")
    page.fill("#name", "Grace Hopper")
    page.fill("#email", EMAIL)
    page.fill("#password", "short")
    page.fill("#confirm", "short")
    page.check("#terms")
    page.click("#create-account")
    expect(page.locator("#error-password")).to_contain_text("at least 10 characters")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("#create-account")
    expect(page.locator("#signup-done")).to_contain_text(EMAIL)

    # Verify through the link in the outbox.
    body = mail_text(smtp_mail(app_server, EMAIL, "Verify"))
    link = re.search(r"https?://\S+/auth/verify-email\?token=\S+", body).group(0)
    page.goto(link)
    page.wait_for_url(re.compile(r".*/email-verified/?\?status=ok"))
    expect(page.get_by_text("Email verified")).to_be_visible()

    # Sign in: the session cookie is HttpOnly and SameSite=Lax.
    _sign_in(page, base)
    cookie = next(c for c in context.cookies() if c["name"] == "metaic_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    expect(page.locator("#verify-banner")).to_have_count(0)

    # Turn on two-step sign-in.
    page.goto(f"{base}/account?tab=security")
    page.click("#start-mfa")
    secret = page.locator("#mfa-secret").inner_text().strip()
    totp = pyotp.TOTP(secret)
    page.fill("#code", totp.now())
    page.click("#confirm-mfa")
    expect(page.locator(".recovery-code")).to_have_count(10)

    # Sign out, then sign in again with the code.
    page.click("#user-menu")
    page.click("#sign-out")
    page.wait_for_url(re.compile(r".*/login/?\?signed_out=1"))
    assert not [c for c in context.cookies() if c["name"] == "metaic_session"]
    page.goto(f"{base}/dashboard")
    page.wait_for_url(re.compile(r".*/login/?\?next=/dashboard"))
    _sign_in(page, base, totp=totp)

    # A second browser signs in too; the first one revokes it.
    other = browser.new_context(
        viewport={"width": 390, "height": 844},
        user_agent="Mozilla/5.0 (iPhone; CPU "
        "iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1",
    )
    other_page = other.new_page()
    _sign_in(other_page, base, totp=totp)

    page.goto(f"{base}/account?tab=sessions")
    expect(page.locator(".session-row")).to_have_count(2)
    expect(page.locator(".session-row", has_text="iPhone")).to_have_count(1)
    page.locator(".session-row", has_text="iPhone").locator(".revoke-session").click()
    expect(page.locator(".session-row")).to_have_count(1)

    other_page.goto(f"{base}/dashboard")
    other_page.wait_for_url(re.compile(r".*/login/?\?next=/dashboard"))
    page.goto(f"{base}/dashboard")
    expect(page.locator("#dashboard-greeting")).to_contain_text("Grace")
    other.close()
    context.close()
