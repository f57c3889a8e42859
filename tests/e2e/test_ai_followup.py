"""Browser journeys of the assistant: a saved card's follow-up plan accepted into a reminder and a compose draft,
"Write my card" in the builder (propose, pick, edit, saved), and the account's AI settings."""

from __future__ import annotations

import os
import re
import time
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from metaic.ai.models import AiPreference, FollowUpPlan
from metaic.auth import service as user_service
from metaic.cards import service as card_service
from metaic.cards import versions
from metaic.communication.models import ScheduledMessage
from metaic.contacts.models import Reminder, SavedContact
from metaic.db import engine_for
from tests.e2e.helpers import make_account, sign_in

pytestmark = pytest.mark.e2e
PASSWORD = "Assistant-Password-2026"
# Set to a folder to keep screenshots of the assistant's panels at desktop and phone widths.
SHOTS = os.environ.get("METAIC_AI_SCREENSHOTS", "")
CARD = {
    "name": "Ada Lovelace",
    "headline": "Software Engineer",
    "bio": "I build analytical engines for startups.",
    "language": "en",
    "business": {"name": "Analytical Co", "industry": "Software", "description": "A small software studio."},
    "services": [{"title": "Data pipelines"}, {"title": "Code reviews"}],
    "contacts": [{"kind": "email", "label": "Work", "value": "ada@analytical.example.com"}],
    "networking": {"offer": "Mentoring for junior engineers", "looking_for": "seed investors"},
}


def _shoot(page: Page, name: str, selector: str = "") -> None:
    """Keep a screenshot (of one element, or the full page) at 1280 and 390 px when asked to."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(400)
        path = f"{SHOTS}/{name}-{width}.png"
        if selector:
            page.locator(selector).screenshot(path=path)
        else:
            page.screenshot(path=path, full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _card(app_server, email: str, *, publish: bool) -> tuple[str, str]:
    """An owner with a card holding CARD (published as a snapshot when asked); returns (slug, card id)."""
    with Session(engine_for(app_server.database_url)) as session:
        owner = user_service.create(session=session, email=email, password=PASSWORD, name=CARD["name"], verified=True)
        card = card_service.create(session=session, owner=owner, name=CARD["name"])
        card_service.save_draft(session=session, owner=owner, card_id=card.id, content=CARD)
        if publish:
            # Snapshot only: the flow's follow-ups belong to the app's process, not to this test process.
            versions.snapshot_draft(session=session, owner=owner, card_id=card.id)
        session.commit()
        return card.slug, str(card.id)


def _wait_for(app_server, query, timeout: float = 20):
    """The first row `query` finds in the app's database, polled until it exists."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(engine_for(app_server.database_url)) as session:
            found = session.exec(query).first()
            if found is not None:
                return found
        time.sleep(0.25)
    raise AssertionError(f"nothing found for {query}")


def test_save_a_card_accept_the_follow_up_and_compose_opens_on_the_draft(app_server, browser):
    base = app_server.base_url
    slug, card_id = _card(app_server, "ada.plan@example.com", publish=True)
    make_account(app_server, "bob.plan@example.com", PASSWORD, name="Bob Builder")

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, "bob.plan@example.com", PASSWORD)
    page.goto(f"{base}/c/{slug}")
    page.click("button.keep-btn")  # the owner saves someone's card the normal way
    page.wait_for_url(re.compile(r".*saved=1.*"))

    contact = _wait_for(app_server, select(SavedContact).where(SavedContact.card_id == uuid.UUID(card_id)))
    _wait_for(app_server, select(FollowUpPlan).where(FollowUpPlan.contact_id == contact.id))
    page.goto(f"{base}/contacts/view?id={contact.id}")
    expect(page.locator("#followup-accept")).to_be_visible(timeout=15_000)
    expect(page.locator("#followup-body")).to_contain_text("Ada")
    expect(page.locator("#followup-channel")).to_contain_text("Email")
    expect(page.locator("#card-summary, #their-card").first).to_be_visible()
    _shoot(page, "contact-plan")

    page.click("#followup-accept")
    body = page.locator("#compose-body")
    expect(body).to_be_visible(timeout=10_000)
    expect(body).to_have_value(re.compile(r"^Hi Ada"))
    expect(page.locator("#compose-to")).to_contain_text("ada@analytical.example.com")
    expect(page.locator(".reminder-row")).to_have_count(1)
    with Session(engine_for(app_server.database_url)) as session:
        plan = session.exec(select(FollowUpPlan).where(FollowUpPlan.contact_id == contact.id)).one()
        reminder = session.get(Reminder, plan.reminder_id)
        assert plan.status == "accepted" and reminder is not None and reminder.contact_id == contact.id
        assert session.exec(select(ScheduledMessage).where(ScheduledMessage.contact_id == contact.id)).all() == []
    _shoot(page, "contact-compose")


def test_write_my_card_propose_pick_edit_and_it_is_saved(app_server, browser):
    base = app_server.base_url
    _, card_id = _card(app_server, "ada.write@example.com", publish=False)

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, "ada.write@example.com", PASSWORD)
    page.goto(f"{base}/cards/edit?id={card_id}")
    page.click("#ai-tone-bold")
    page.click("#ai-propose")
    proposals = page.locator(".ai-proposal")
    expect(proposals.nth(1)).to_be_visible(timeout=15_000)
    expect(page.locator("#ai-engine")).to_contain_text("Offline assistant")
    _shoot(page, "builder-ai", "#f-ai")

    second = proposals.nth(1).inner_text().strip()
    proposals.nth(1).click()
    expect(page.locator("#ai-text")).to_have_value(second)
    page.fill("#ai-text", "Engines, pipelines and bold ideas")
    page.click("#ai-use")
    expect(page.locator("#f-headline")).to_have_value("Engines, pipelines and bold ideas")
    deadline = time.monotonic() + 15  # the builder's autosave stores it once typing pauses
    while True:
        with Session(engine_for(app_server.database_url)) as session:
            owner = user_service.get_by_email(session=session, email="ada.write@example.com")
            stored = card_service.get_content(session=session, owner=owner, card_id=uuid.UUID(card_id))
        if stored.headline == "Engines, pipelines and bold ideas" or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    assert stored.headline == "Engines, pipelines and bold ideas" and stored.bio == CARD["bio"]
    expect(page.locator("#save-status")).to_have_text("Saved")


def test_account_ai_settings_opt_in_is_stored(app_server, browser):
    base = app_server.base_url
    make_account(app_server, "cleo.settings@example.com", PASSWORD, name="Cleo")
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, "cleo.settings@example.com", PASSWORD)
    page.goto(f"{base}/account?tab=ai")
    # The browser tests' app has a provider set up (the fake one): named, but not used until the user opts in.
    expect(page.locator("#ai-engine")).to_contain_text("AI provider: fake-gpt")
    expect(page.locator("#ai-engine")).to_contain_text("Until you opt in, the offline assistant")
    expect(page.locator("#ai-strip")).to_have_attribute("data-state", "checked")
    page.click("#ai-opt-in")
    expect(page.locator("#ai-opt-in")).to_have_attribute("data-state", "checked")
    expect(page.locator("#ai-engine")).to_contain_text("Answers come from the provider")
    _shoot(page, "account-ai")
    with Session(engine_for(app_server.database_url)) as session:
        user = user_service.get_by_email(session=session, email="cleo.settings@example.com")
        assert _wait_for(app_server, select(AiPreference).where(AiPreference.user_id == user.id)).external_opt_in
