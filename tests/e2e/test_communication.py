"""Two people in two browsers: a saved card notifies live, a templated email reaches SMTP, a chat updates live."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from metaic.auth import service as user_service
from metaic.db import engine_for
from tests.contacts.helpers import card_doc, publish_card
from tests.e2e.helpers import mail_text, sign_in, smtp_mail

pytestmark = pytest.mark.e2e
PASSWORD = "Networking-Pro-2026"
LIVE = 15_000


def _sign_in(browser, base: str, email: str) -> Page:
    """A desktop tab signed in as `email`, on the dashboard."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, email, PASSWORD)
    return page


def test_saved_card_notifies_live_then_a_templated_email_and_a_live_chat(app_server, browser):
    base = app_server.base_url
    with Session(engine_for(app_server.database_url)) as session:
        user_service.create(session=session, email="ann@example.com", password=PASSWORD, name="Ann Lee", verified=True)
        ben = user_service.create(
            session=session, email="ben@example.com", password=PASSWORD, name="Ben Okafor", verified=True
        )
        slug = publish_card(
            session,
            ben,
            card_doc(name="Ben Okafor", email="ben@example.com", company="Okafor Labs", headline="Founder"),
        ).slug
        session.commit()

    # Ben has MetaIC open; Ann saves his card from its public page.
    ben_page = _sign_in(browser, base, "ben@example.com")
    expect(ben_page.locator("#bell-button")).to_be_visible()
    expect(ben_page.locator("#bell-count")).to_have_count(0)
    ann = _sign_in(browser, base, "ann@example.com")
    ann.goto(f"{base}/c/{slug}")
    ann.click("button.keep-btn")
    expect(ann.locator(".keep-done")).to_be_visible()

    # Ben's bell counts it without a reload.
    expect(ben_page.locator("#bell-count")).to_have_text("1", timeout=LIVE)
    ben_page.click("#bell-button")
    expect(ben_page.locator(".bell-item").first).to_contain_text("Ann Lee")
    ben_page.keyboard.press("Escape")

    # Ann writes to Ben from the "Nice to meet you" template, sees it filled in, and sends it.
    ann.goto(f"{base}/contacts")
    ann.locator(".contact-row", has_text="Ben Okafor").click()
    ann.wait_for_url(re.compile(r".*/contacts/view/?\?id="))
    ann.click("#compose-email")
    expect(ann.locator("#compose-to")).to_contain_text("ben@example.com")
    ann.click("#compose-template")
    ann.get_by_role("option", name="Nice to meet you").click()
    expect(ann.locator("#preview-subject")).to_have_text("Nice to meet you, Ben")
    expect(ann.locator("#preview-body")).to_contain_text("Hi Ben,")
    expect(ann.locator("#preview-body")).to_contain_text("Ann Lee")
    # A typo in a variable is caught before anything is sent.
    ann.fill("#compose-body", "Hi {{ contact.frist_name }}")
    expect(ann.locator("#preview-error")).to_contain_text("Unknown variable: contact.frist_name")
    expect(ann.locator("#compose-send")).to_be_disabled()
    ann.fill("#compose-body", "Hi {{ contact.full_name }},\n\nGreat to meet you.\n\n{{ me.name }}")
    expect(ann.locator("#preview-body")).to_contain_text("Hi Ben Okafor,")
    ann.click("#compose-send")
    expect(ann.locator(".message-status").first).to_have_text("sent", timeout=LIVE)

    # It reached the SMTP server, filled in, and is on Ben's timeline in Ann's contact book.
    mail = smtp_mail(app_server, "ben@example.com", "Nice to meet you, Ben")
    text = mail_text(mail)
    assert "Hi Ben Okafor," in text and "Ann Lee" in text and "{{" not in text
    assert mail["Reply-To"] == "Ann Lee <ann@example.com>"  # Ben's reply goes to Ann, not to no-reply
    entry = ann.locator(".timeline-entry", has_text="Nice to meet you, Ben")
    expect(entry).to_contain_text("email · outbound", timeout=LIVE)

    # Ben has not saved Ann, so she can only ask to chat: one intro, answered alike whether or not he is here.
    ann.click("#compose-request")
    ann.fill("#request-body", "Coffee next week?")
    ann.click("#request-send")
    expect(ann.get_by_text("Request sent.")).to_be_visible(timeout=LIVE)
    expect(ben_page.locator("#nav-messages-count")).to_have_text("1", timeout=LIVE)

    # Ben sees the request arrive, reads it, accepts it and answers.
    ben_page.click("#nav-messages")
    ben_page.locator(".conversation-item", has_text="Ann Lee").click()
    expect(ben_page.locator(".bubble-theirs")).to_contain_text("Coffee next week?")
    expect(ben_page.locator("#message-input")).to_have_count(0)  # nothing to write until accepted
    ben_page.click("#request-accept")
    ben_page.fill("#message-input", "Sure, Tuesday at 10?")
    ben_page.click("#message-send")
    expect(ben_page.locator(".bubble-mine")).to_contain_text("Sure, Tuesday at 10?")
    expect(ben_page.locator("#nav-messages-count")).to_have_count(0, timeout=LIVE)

    # Now Message opens the conversation for Ann, with the reply; both are on her timeline for Ben.
    ann.reload()
    ann.click("#compose-inapp")
    ann.wait_for_url(re.compile(r".*/messages\?c="))
    expect(ann.locator(".bubble-theirs")).to_contain_text("Sure, Tuesday at 10?", timeout=LIVE)
    expect(ann.locator(".bubble-mine")).to_contain_text("Coffee next week?")
    ann.go_back()
    ann.wait_for_url(re.compile(r".*/contacts/view/?\?id="))
    expect(ann.locator(".timeline-entry", has_text="Sure, Tuesday at 10?")).to_contain_text("inbound", timeout=LIVE)
    expect(ann.locator(".timeline-entry", has_text="Coffee next week?")).to_contain_text("outbound")
