"""The Network page in a browser: a suggestion with its reason, an introduction that opens compose on its draft."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from metaic.auth import service as user_service
from metaic.cards import service as card_service
from metaic.contacts import service as contact_service
from metaic.db import engine_for
from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.e2e
PASSWORD = "Networking-Pro-2026"


def _seed(database_url: str) -> None:
    """Nia, whose card looks for seed investors, with a founder who is raising and an angel who invests."""
    with Session(engine_for(database_url)) as session:
        nia = user_service.create(
            session=session, email="nia.network@example.com", password=PASSWORD, name="Nia", verified=True
        )
        card = card_service.create(session=session, owner=nia, name="Nia Network")
        content = {"name": "Nia Network", "networking": {"looking_for": "seed investors", "offer": "Product advice"}}
        card_service.save_draft(session=session, owner=nia, card_id=card.id, content=content)
        people = (
            ("Ana Founder", "ana.founder@example.com", "She is raising a seed round and looking for investors."),
            ("Ben Angel", "ben.angel@example.com", "Angel investor writing first cheques into seed startups."),
        )
        for name, email, note in people:
            data = {"full_name": name, "emails": [{"label": "", "value": email}], "note": note}
            contact_service.create(session=session, owner=nia, data=data)
        session.commit()


def test_a_suggestion_with_its_reason_and_an_introduction_opens_compose(app_server, browser):
    base = app_server.base_url
    _seed(app_server.database_url)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, "nia.network@example.com", PASSWORD)
    page.click("#nav-more")  # the top bar keeps five links; the rest open from "More"
    page.click("#nav-network")
    page.wait_for_url(re.compile(r".*/network/?$"))

    card = page.locator(".network-suggestion", has_text="Ben Angel")
    expect(card).to_be_visible(timeout=20_000)
    expect(card).to_contain_text("offers angel investor writing first cheques into seed startups")
    expect(card).to_contain_text("you are looking for seed investors")
    expect(page.locator("#network-intros")).to_contain_text("Ana Founder is raising a seed round")

    page.locator("#network-intros .start-intro").first.click()
    page.wait_for_url(re.compile(r".*/contacts/view/?\?id="))
    expect(page.locator("#compose-to")).to_contain_text("ana.founder@example.com", timeout=20_000)
    expect(page.locator("#compose-subject")).to_have_value("An introduction to Ben Angel?")
    expect(page.locator("#compose-body")).to_contain_text("Would you like me to introduce you?")
    expect(page.locator("#preview-body")).to_contain_text("I will only pass on your details if you both say yes")
    # Nothing went out: sending stays the owner's click.
    assert not [m for m in app_server.smtp.messages if m["To"] == "ana.founder@example.com"]

    # Ana said yes: the next draft asks Ben.
    page.goto(f"{base}/network")
    expect(page.locator("#network-intros")).to_contain_text("Waiting for Ana Founder", timeout=20_000)
    page.locator("#network-intros button", has_text="Ana Founder said yes").click()
    page.wait_for_url(re.compile(r".*/contacts/view/?\?id="))
    expect(page.locator("#compose-to")).to_contain_text("ben.angel@example.com", timeout=20_000)
    expect(page.locator("#compose-body")).to_contain_text("Ana has said yes")

    # On a phone the same suggestion reads in one column, nothing wider than the screen.
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(phone, base, "nia.network@example.com", PASSWORD)
    phone.goto(f"{base}/network")
    expect(phone.locator(".network-suggestion", has_text="Ben Angel")).to_contain_text("offers angel investor")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
