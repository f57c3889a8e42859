"""The builder keeps work in a real browser: autosave after a pause, a leave warning, incomplete drafts, not found."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlmodel import Session

from metaic.auth import service as user_service
from metaic.cards import service as card_service
from metaic.db import engine_for

pytestmark = pytest.mark.e2e

EMAIL = "autosave@example.com"
PASSWORD = "Difference-Engine-1822"


@pytest.fixture
def card_id(app_server) -> str:
    """A verified account with one draft card (name only, no works); returns the card's id."""
    with Session(engine_for(app_server.database_url)) as session:
        user = user_service.get_by_email(session=session, email=EMAIL) or user_service.create(
            session=session, email=EMAIL, password=PASSWORD, name="Charles Babbage", verified=True
        )
        card = card_service.create(session=session, owner=user, name="Charles Babbage")
        session.commit()
        return str(card.id)


def _sign_in(page: Page, base: str) -> None:
    """Sign in through the form."""
    page.goto(f"{base}/login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    try:
        page.wait_for_url(re.compile(r".*/dashboard/?$"))
    except PlaywrightTimeout:
        raise AssertionError(f"sign-in failed: {page.locator('#form-error').all_inner_texts()}") from None


def _by_id(page: Page, element_id: str):
    """An element by an id that may hold dots (`f-works.0.title`)."""
    return page.locator(f'[id="{element_id}"]')


def test_edits_save_themselves_and_leaving_early_warns(app_server, browser, card_id):
    base = app_server.base_url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, base)
    page.goto(f"{base}/cards/edit?id={card_id}")
    expect(page.locator("#f-name")).to_have_value("Charles Babbage")

    # Typing saves by itself once typing pauses: no Save pressed.
    page.locator("#f-headline").press_sequentially("Inventor of the Analytical Engine", delay=20)
    expect(page.locator("#save-status")).to_contain_text("Saved", timeout=10_000)
    expect(page.locator("#builder")).to_have_attribute("data-unsaved", "0")
    page.reload()
    expect(page.locator("#f-headline")).to_have_value("Inventor of the Analytical Engine")

    # An edit not saved yet: leaving asks first.
    dialogs: list[str] = []

    def dismiss(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    # Typed at a fast human pace: at 100 keys per second a keystroke can be lost to the echo of an older value
    # (a known race of the keystroke-by-keystroke builder inputs, noted for the builder-latency work).
    page.locator("#f-bio").press_sequentially("Lucasian Professor", delay=40)
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert not page.is_closed()

    # Staying keeps the page alive (Reflex drops its websocket on beforeunload; builder.js reconnects it).
    expect(page.locator("#save-status")).to_contain_text("Saved", timeout=10_000)
    expect(page.locator("#f-bio")).to_have_value("Lucasian Professor")

    # Once saved, the warning is gone and the page closes without asking.
    with page.expect_event("close", timeout=5_000):
        page.close(run_before_unload=True)
    assert dialogs == ["beforeunload"]

    check = context.new_page()
    check.goto(f"{base}/cards/edit?id={card_id}")
    expect(check.locator("#f-bio")).to_have_value("Lucasian Professor")
    context.close()


def test_an_incomplete_item_saves_as_draft_and_publish_marks_the_field(app_server, browser, card_id):
    base = app_server.base_url
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    _sign_in(page, base)
    page.goto(f"{base}/cards/edit?id={card_id}")
    expect(page.locator("#f-name")).to_have_value("Charles Babbage")

    page.click("#add-works")
    _by_id(page, "f-works.0.link").fill("example.com/engine")
    expect(page.locator("#save-status")).to_contain_text("Saved", timeout=10_000)  # untitled, and still saved
    page.reload()
    expect(_by_id(page, "f-works.0.link")).to_have_value("https://example.com/engine")

    page.click("#publish")
    title = _by_id(page, "f-works.0.title")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(_by_id(page, "error-works.0.title")).to_contain_text("Give the item a title")
    expect(page.locator("[data-sonner-toast]").first).to_contain_text("Works › item 1 › Title")
    expect(title).to_be_in_viewport()
    expect(title).to_be_focused()
    expect(page.locator("#card-status")).to_have_text("draft")

    title.fill("Difference Engine No. 2")
    expect(title).to_have_attribute("aria-invalid", "false")
    page.click("#publish")
    expect(page.locator("#card-status")).to_have_text("published")
    context.close()


def test_an_unknown_card_shows_not_found_and_nothing_to_edit(app_server, browser, card_id):
    base = app_server.base_url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, base)
    page.goto(f"{base}/cards/edit?id={card_id}")
    expect(page.locator("#f-name")).to_have_value("Charles Babbage")
    for wanted in (str(uuid.uuid4()), "not-a-card"):
        page.goto(f"{base}/cards/edit?id={wanted}")
        expect(page.locator("#card-not-found")).to_be_visible()
        expect(page.locator("#publish")).to_have_count(0)
        expect(page.locator("#f-name")).to_have_count(0)
    page.click("#back-to-cards")
    page.wait_for_url(re.compile(r".*/cards/?$"))
    context.close()
