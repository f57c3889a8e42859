"""The contact book in a real browser: add, tag, remind; the reminder fires into the live bell."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from metaic.auth import service as user_service
from metaic.contacts import reminders
from metaic.core import clock
from metaic.db import engine_for

pytestmark = pytest.mark.e2e
EMAIL = "kay@example.com"
PASSWORD = "Networking-Pro-2026"


def test_add_tag_remind_and_the_reminder_fires_live(app_server, browser):
    base = app_server.base_url
    with Session(engine_for(app_server.database_url)) as session:
        user_service.create(session=session, email=EMAIL, password=PASSWORD, name="Kay", verified=True)
        session.commit()
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{base}/login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(re.compile(r".*/dashboard/?$"))

    # Add a contact by hand; a bad email is refused with a message and nothing is saved.
    page.goto(f"{base}/contacts")
    expect(page.get_by_text("No contacts here yet")).to_be_visible()
    page.click("#add-contact")
    page.fill("#full_name", "Grace Hopper")
    page.fill("#company", "US Navy")
    page.fill("#email", "grace@navy")
    page.click("#add-contact-submit")
    expect(page.locator("#error-email")).to_contain_text("not a valid email address")
    page.fill("#email", "grace@navy.example")
    page.click("#add-contact-submit")
    page.wait_for_url(re.compile(r".*/contacts/view/?\?id="))
    expect(page.locator("#contact-heading")).to_have_text("Grace Hopper")

    # Tag, note, and a reminder for tomorrow.
    page.fill("#tag-input", "conference")
    page.keyboard.press("Enter")
    expect(page.get_by_text("conference")).to_be_visible()
    page.fill("#contact-notes", "Talked about compilers")
    page.click("#save-contact")
    expect(page.locator("#contact-notes")).to_have_value("Talked about compilers")
    page.click("#remind-tomorrow")
    expect(page.locator(".reminder-row")).to_have_count(1)

    # Run the periodic task as if two days had passed: the bell counts it without a reload.
    with Session(engine_for(app_server.database_url)) as session:
        assert reminders.fire_due(session=session, now=clock.now() + timedelta(minutes=5)) == 0
        assert reminders.fire_due(session=session, now=clock.now() + timedelta(days=2)) == 1
        session.commit()
    expect(page.locator("#bell-count")).to_have_text("1", timeout=15_000)

    # Search finds her; a search for someone else finds nobody.
    page.goto(f"{base}/contacts")
    page.fill("#contact-search", "hopper")
    page.click("#apply-filters")
    expect(page.locator(".contact-row")).to_have_count(1)
    page.fill("#contact-search", "turing")
    page.click("#apply-filters")
    expect(page.locator(".contact-row")).to_have_count(0)
