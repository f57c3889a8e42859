"""The global search in a real browser: a shortcut focuses it, results appear grouped as you type, one opens."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import make_account, sign_in

pytestmark = pytest.mark.e2e
EMAIL = "sol@example.com"
PASSWORD = "Networking-Pro-2026"


def _add_contact(page, base: str, name: str, company: str) -> None:
    """Add a contact through the contacts page (the app indexes it as it would any new contact)."""
    page.goto(f"{base}/contacts")
    page.click("#add-contact")
    page.fill("#full_name", name)
    page.fill("#company", company)
    page.click("#add-contact-submit")
    page.wait_for_url(re.compile(r".*/contacts/view\?id=.+"))


def test_type_see_grouped_results_and_open_one(app_server, browser):
    base = app_server.base_url
    make_account(app_server, EMAIL, PASSWORD, name="Sol")
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, EMAIL, PASSWORD)
    _add_contact(page, base, "Grace Hopper", "US Navy")
    _add_contact(page, base, "Alan Turing", "Bletchley Park")

    page.goto(f"{base}/dashboard")
    expect(page.locator("#global-search")).to_be_visible()
    # "/" focuses the box from anywhere but a text field; Ctrl+K too.
    page.locator("body").click()
    page.keyboard.press("/")
    expect(page.locator("#global-search")).to_be_focused()
    page.locator("body").click()
    page.keyboard.press("Control+k")
    expect(page.locator("#global-search")).to_be_focused()

    page.keyboard.type("hopp")
    results = page.locator("#search-results")
    expect(results.locator(".search-group-label").first).to_have_text(re.compile("contacts", re.I), timeout=15_000)
    hit = results.locator(".search-hit", has_text="Grace Hopper")
    expect(hit).to_have_count(1)
    expect(hit.locator("mark").first).to_have_text(re.compile("^hopp", re.I))

    # Nothing found says so.
    page.fill("#global-search", "zzzqqq")
    expect(page.locator("#search-empty")).to_contain_text("zzzqqq", timeout=15_000)

    # Arrow down and Enter open the first result.
    page.fill("#global-search", "turing")
    expect(results.locator(".search-hit", has_text="Alan Turing")).to_have_count(1, timeout=15_000)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/contacts/view\?id=.+"))
    expect(page.locator("#contact-heading")).to_have_text("Alan Turing")

    # A click on a result goes straight there too.
    page.click("#global-search")
    page.fill("#global-search", "grace hopper")
    results.locator(".search-hit", has_text="Grace Hopper").click()
    page.wait_for_url(re.compile(r".*/contacts/view\?id=.+"))
    expect(page.locator("#contact-heading")).to_have_text("Grace Hopper")


def test_on_a_phone_the_search_opens_full_width(app_server, browser):
    base = app_server.base_url
    make_account(app_server, "pia@example.com", PASSWORD, name="Pia")
    page = browser.new_context(viewport={"width": 390, "height": 800}).new_page()
    sign_in(page, base, "pia@example.com", PASSWORD)
    _add_contact(page, base, "Katherine Johnson", "NASA")
    expect(page.locator("#global-search")).to_be_hidden()
    page.click("#search-open-mobile")
    expect(page.locator("#global-search-mobile")).to_be_focused()
    page.keyboard.type("katherine")
    expect(page.locator("#search-results-mobile .search-hit", has_text="Katherine Johnson")).to_be_visible(
        timeout=15_000
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Another page opens with the search closed; Cancel closes it too.
    page.goto(f"{base}/contacts")
    expect(page.locator(".contact-row")).to_have_count(1)
    expect(page.locator("#search-overlay")).to_have_count(0)
    page.click("#search-open-mobile")
    expect(page.locator("#search-overlay")).to_be_visible()
    page.click("#search-close-mobile")
    expect(page.locator("#search-overlay")).to_have_count(0)
