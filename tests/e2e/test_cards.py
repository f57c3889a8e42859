"""The card journey in a real browser: build every section with an avatar, publish, visit, save, scan, restore."""

from __future__ import annotations

import io
import re

import httpx
import pytest
import vobject
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.helpers import make_account, publish, sign_in

pytestmark = pytest.mark.e2e

EMAIL = "ada@example.com"
PASSWORD = "Analytical-Engine-1843"


@pytest.fixture
def owner(app_server):
    """A verified account in the app's database."""
    return make_account(app_server, EMAIL, PASSWORD, name="Ada Lovelace")


def _type(page: Page, selector: str, text: str) -> None:
    """Type into a live-bound input."""
    page.locator(selector).fill(text)


def _avatar_png(tmp_path) -> str:
    """A small real PNG photo."""
    path = tmp_path / "avatar.png"
    Image.new("RGB", (320, 320), (79, 70, 229)).save(path)
    return str(path)


def test_card_journey(app_server, browser, owner, tmp_path):
    base = app_server.base_url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, base, EMAIL, PASSWORD)

    # Create a card.
    page.goto(f"{base}/cards")
    page.click("#empty-new-card")
    page.fill("#name", "Ada Lovelace")
    page.click("#create-card-submit")
    page.wait_for_url(re.compile(r".*/cards/edit/?\?id="))
    expect(page.locator("#f-name")).to_have_value("Ada Lovelace")

    # Every section, watching the live preview.
    _type(page, "#f-headline", "Mathematician, first programmer")
    expect(page.locator("#card-preview")).to_contain_text("Mathematician, first programmer")
    _type(page, "#f-bio", "I write notes on engines; commas, semicolons; and 王小明 🚀 too.")
    page.set_input_files("#avatar input[type=file]", _avatar_png(tmp_path))
    expect(page.locator("#card-preview img").first).to_have_attribute("src", re.compile(r"/files/"))
    _type(page, "#f-business\\.name", "Analytical Engines Ltd")
    _type(page, "#f-business\\.website", "engines.example.com")
    # New cards start with the account's email; add a phone.
    expect(page.locator(".contact-value input").first).to_have_value(EMAIL)
    page.click("#add-contacts")
    expect(page.locator(".contact-value input")).to_have_count(2)
    page.locator(".contact-value input").last.fill("+44 20 7946 0958")
    page.click("#add-socials")
    expect(page.locator(".social-url input")).to_have_count(1)
    page.locator(".social-url input").nth(0).fill("https://www.linkedin.com/in/ada")
    page.click("#add-services")
    expect(page.get_by_placeholder("Title")).to_have_count(1)
    page.get_by_placeholder("Title").first.fill("Engine programming")
    page.click("#add-works")
    expect(page.get_by_placeholder("Title")).to_have_count(2)
    page.get_by_placeholder("Title").last.fill("Notes on the engine")
    page.fill("#f-interest", "Poetry")
    page.keyboard.press("Enter")
    expect(page.locator("#card-preview")).to_contain_text("Poetry")
    page.get_by_text("Mentoring").click()
    _type(page, "#f-networking\\.looking_for", "Engineers who like notes")

    # Publish; a visitor sees it.
    publish(page)
    page.click("#tab-share")
    slug = page.locator("#f-slug").input_value()
    assert slug

    visitor = browser.new_context(viewport={"width": 390, "height": 844})
    public = visitor.new_page()
    public.goto(f"{base}/c/{slug}")
    for text in (
        "Ada Lovelace",
        "Mathematician, first programmer",
        "Analytical Engines Ltd",
        "Engine programming",
        "Poetry",
        "王小明 🚀",
    ):
        expect(public.locator("body")).to_contain_text(text)
    card_vcf = httpx.get(f"{base}/c/{slug}.vcf")
    parsed = vobject.readOne(card_vcf.text)
    assert parsed.fn.value == "Ada Lovelace"
    assert "王小明 🚀" in parsed.note.value
    assert any(e.value == EMAIL for e in parsed.contents["email"])
    assert any(t.value.replace(" ", "") == "+442079460958" for t in parsed.contents["tel"])

    import zxingcpp

    qr = Image.open(io.BytesIO(httpx.get(f"{base}/c/{slug}/qr.png").content))
    decoded = zxingcpp.read_barcodes(qr)
    assert decoded and decoded[0].text.startswith(f"{base}/c/{slug}")

    # Edit and republish; then restore the first version.
    page.click("text=Content")
    _type(page, "#f-headline", "Countess of Lovelace")
    publish(page)
    public.reload()
    expect(public.locator("body")).to_contain_text("Countess of Lovelace")

    page.click("#tab-history")
    expect(page.locator(".version-row")).to_have_count(2)
    page.locator(".version-row", has_text="v1").locator(".restore-version").click()
    page.click("text=Content")
    expect(page.locator("#f-headline")).to_have_value("Mathematician, first programmer")
    publish(page)
    public.reload()
    expect(public.locator("body")).to_contain_text("Mathematician, first programmer")
    visitor.close()
    context.close()
