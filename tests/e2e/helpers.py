"""Steps the browser journeys share: accounts in the app's database, signing in, publishing, reading its email."""

from __future__ import annotations

import re
import time
from email.message import EmailMessage

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlmodel import Session

from metaic.auth import service as user_service
from metaic.db import engine_for


def make_account(app, email: str, password: str, name: str = "", role: str = "user") -> str:
    """A verified account in the running app's database (kept if it exists); returns its email."""
    with Session(engine_for(app.database_url)) as session:
        if user_service.get_by_email(session=session, email=email) is None:
            user_service.create(
                session=session,
                email=email,
                password=password,
                name=name or email.split("@")[0],
                role=role,
                verified=True,
            )
            session.commit()
    return email


def sign_in(page: Page, base: str, email: str, password: str, totp=None) -> None:
    """Sign in through the form (and its code step when `totp` is given); lands on the dashboard."""
    page.goto(f"{base}/login")
    # The page is prerendered: clicking before React attached the form's handler submits it natively (a GET
    # with the fields in the address) and nothing signs in. React marks the nodes it has attached to.
    page.wait_for_function(
        "() => Object.keys(document.querySelector('#sign-in') || {}).some(k => k.startsWith('__reactProps'))"
    )
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#sign-in")
    if totp is not None:
        page.wait_for_selector("#code")
        page.fill("#code", totp.now())
        page.click("#verify-code")
    try:
        page.wait_for_url(re.compile(r".*/dashboard/?$"))
    except PlaywrightTimeout:
        raise AssertionError(f"sign-in failed: {page.locator('#form-error').all_inner_texts()}") from None


def publish(page: Page, timeout: float = 15) -> None:
    """Press Publish in the builder and wait for its new version; on refusal, fail with what the page shows.

    The status badge already says "published" when a published card is published again, so the sign of
    this publish is a "Published as version N" toast not seen before.
    """
    toasts = page.locator("[data-sonner-toast]", has_text="Published as version")
    before = set(toasts.all_inner_texts())
    page.click("#publish")
    deadline = time.monotonic() + timeout
    while not set(toasts.all_inner_texts()) - before:
        if time.monotonic() > deadline:
            shown = page.locator("[id^=error-], [data-sonner-toast]").all_inner_texts()
            raise AssertionError(f"publish refused: {shown}")
        time.sleep(0.1)
    expect(page.locator("#card-status")).to_have_text("published")


def smtp_mail(app, to: str, subject: str, timeout: float = 20) -> EmailMessage:
    """The first message the test SMTP server received for `to` whose subject contains `subject`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(app.smtp.messages):
            if message["To"] == to and subject in message["Subject"]:
                return message
        time.sleep(0.2)
    raise AssertionError(f"no email {subject!r} to {to}: {[m['Subject'] for m in app.smtp.messages]}")


def mail_text(message: EmailMessage) -> str:
    """The plain-text body of an email."""
    return message.get_body(preferencelist=("plain",)).get_content()
