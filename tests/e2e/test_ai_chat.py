"""Ask MetaIC in a real browser: a question about a contact streams an answer that links to the contact."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import make_account, sign_in

pytestmark = pytest.mark.e2e
EMAIL = "asker@example.com"
PASSWORD = "Ask-MetaIC-2026"


def test_a_question_about_a_contact_streams_an_answer_that_opens_the_contact(app_server, browser):
    base = app_server.base_url
    make_account(app_server, EMAIL, PASSWORD, name="Asker")
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, EMAIL, PASSWORD)
    made = page.request.post(
        f"{base}/api/v1/contacts",
        data={"full_name": "Grace Hopper", "company": "Navy Labs", "event": "Web Summit", "note": "Loves COBOL"},
        headers={"Origin": base},
    )
    assert made.status == 201, made.text()
    contact_id = made.json()["id"]

    page.click("#nav-more")  # the top bar keeps five links; the rest open from "More"
    page.click("#nav-assistant")
    page.wait_for_url(re.compile(r".*/assistant/?$"))
    expect(page.locator("#assistant-empty")).to_be_visible()
    page.fill("#assistant-input", "Who is Grace Hopper?")
    page.keyboard.press("Enter")

    # The question shows at once; the answer arrives through the stream and is kept in the thread.
    expect(page.locator(".assistant-question")).to_have_text("Who is Grace Hopper?")
    answer = page.locator(".assistant-answer").last
    expect(answer).to_contain_text("Navy Labs", timeout=15_000)
    expect(answer).to_contain_text("Loves COBOL")
    expect(answer.locator(f'a[href="/contacts/view?id={contact_id}"]').first).to_be_visible()
    expect(page.locator(".assistant-conversation")).to_have_count(1)
    expect(page.locator("#assistant-title")).to_have_text("Who is Grace Hopper?")
    page.wait_for_url(re.compile(r".*/assistant\?c="))

    # The source link opens the contact.
    answer.locator(".assistant-source").first.click()
    page.wait_for_url(re.compile(rf".*/contacts/view/?\?id={contact_id}"))
    expect(page.locator("#contact-heading")).to_have_text("Grace Hopper")
