"""The contact list in a browser: what it shows always matches the address, a reload included; a value kept
as written is marked on the contact page; neither page scrolls sideways on a phone."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from sqlmodel import Session

from metaic.auth import service as user_service
from metaic.contacts import imports, service
from metaic.contacts.schemas import ContactDraft, LabeledValue, ParsedRow
from metaic.db import engine_for

pytestmark = pytest.mark.e2e
EMAIL = "lena@example.com"
PASSWORD = "Networking-Pro-2026"


@pytest.fixture(scope="module")
def sam(app_server) -> str:
    """An account with two contacts, one imported with a number kept as written; returns that one's id."""
    with Session(engine_for(app_server.database_url)) as session:
        owner = user_service.create(session=session, email=EMAIL, password=PASSWORD, name="Lena", verified=True)
        service.create(session=session, owner=owner, data={"full_name": "Grace Hopper", "company": "US Navy"})
        draft = ContactDraft(full_name="Sam Lee", phones=[LabeledValue(value="(415) 555-0100")])
        report = imports.import_drafts(session=session, owner=owner, rows=[ParsedRow(row=1, draft=draft)])
        session.commit()
    _reindex(app_server)
    return str(report.rows[0].contact_id)


def _reindex(app) -> None:
    """These rows were written past the app, so its index jobs never ran: rebuild its search index from its
    database, as an operator does after loading rows directly (`python -m metaic search reindex`)."""
    env = {**os.environ, "DATABASE_URL": app.database_url, "METAIC_DATA_DIR": str(app.data_dir)}
    subprocess.run(
        [sys.executable, "-m", "metaic", "search", "reindex", "--what", "contacts"], env=env, check=True, timeout=120
    )


def _sign_in(page, base: str) -> None:
    """Sign in as the seeded account."""
    page.goto(f"{base}/login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    try:
        page.wait_for_url(re.compile(r".*/dashboard/?$"))
    except PlaywrightTimeout:
        page.screenshot(path="/tmp/helperA-signin.png")
        raise AssertionError(f"sign-in failed: {page.locator('#form-error').all_inner_texts()}") from None


def test_a_reload_shows_what_the_address_says(app_server, browser, sam):
    base = app_server.base_url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(page, base)
    page.goto(f"{base}/contacts")
    expect(page.locator(".contact-row")).to_have_count(2)

    page.fill("#contact-search", "grace")
    page.click("#apply-filters")
    expect(page.locator(".contact-row")).to_have_count(1)
    expect(page).to_have_url(re.compile(r".*/contacts\?q=grace$"))
    page.reload()
    expect(page.locator(".contact-row")).to_have_count(1)
    expect(page.locator("#contact-search")).to_have_value("grace")

    # Back to the plain address: the box is empty and so is the filter.
    page.goto(f"{base}/contacts")
    expect(page.locator(".contact-row")).to_have_count(2)
    expect(page.locator("#contact-search")).to_have_value("")
    page.reload()
    expect(page.locator(".contact-row")).to_have_count(2)

    page.goto(f"{base}/contacts/view?id={sam}")
    expect(page.locator(".value-flag")).to_have_text("kept as written")


@pytest.mark.parametrize("width", [360, 390])
def test_contact_pages_fit_a_phone(app_server, browser, sam, width):
    base = app_server.base_url
    page = browser.new_context(viewport={"width": width, "height": 800}).new_page()
    _sign_in(page, base)
    page.goto(f"{base}/contacts")
    expect(page.locator(".contact-row").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.goto(f"{base}/contacts/view?id={sam}")
    expect(page.locator(".value-flag")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
