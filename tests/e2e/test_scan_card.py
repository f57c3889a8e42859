"""Scanning a paper card in a real browser: upload a photo, the review shows the fields, save, the contact has it."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from metaic.contacts.models import SavedContact
from metaic.db import engine_for
from metaic.files.models import File
from tests.ai.scan_cards import CARDS, render
from tests.e2e.helpers import make_account, sign_in

pytestmark = pytest.mark.e2e
EMAIL = "scanner@example.com"
PASSWORD = "Paper-Cards-Reader-2026"
CARD = CARDS[2]  # Hélène Dubois, Paris: accents, a +33 number
# Set to a folder to keep screenshots of the upload and review steps at desktop and phone widths.
SHOTS = os.environ.get("METAIC_SCAN_SCREENSHOTS", "")


def _shoot(page: Page, name: str) -> None:
    """Keep a full-page screenshot at 1280 and 390 px when asked to."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(400)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_scan_a_card_review_and_save_it_as_a_contact_with_the_photo(app_server, browser, tmp_path):
    base = app_server.base_url
    make_account(app_server, EMAIL, PASSWORD, name="Scanner")
    photo = tmp_path / "card.jpg"
    photo.write_bytes(render(CARD, seed=11))
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, EMAIL, PASSWORD)

    page.goto(f"{base}/contacts")
    page.click("#scan-card")
    page.wait_for_url(re.compile(r".*/contacts/scan/?$"))
    expect(page.get_by_text("Drop a photo of the card here")).to_be_visible()
    _shoot(page, "scan-upload")

    page.set_input_files("#scan-upload input[type=file]", str(photo))
    expect(page.locator("#scan-review")).to_be_visible(timeout=60_000)
    expect(page.locator("input[name=email]")).to_have_value(CARD.email)
    expect(page.locator("input[name=phone]")).to_have_value(CARD.phone_e164)
    expect(page.locator("#scan-photo")).to_be_visible()
    expect(page.get_by_text("Read offline (OCR)")).to_be_visible()
    _shoot(page, "scan-review")

    page.click("#scan-save")
    page.wait_for_url(re.compile(r".*/contacts/view/?\?id="), timeout=30_000)
    expect(page.locator("#contact-heading")).to_contain_text("Dubois")
    expect(page.locator("#contact-source")).to_have_text("Scanned card")  # its source badge, not "Added by hand"
    photo = page.locator("#contact-photo img")  # the photo stays with the contact, shown on its page
    expect(photo).to_be_visible()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 100", photo.element_handle())
    _shoot(page, "scan-contact")

    with Session(engine_for(app_server.database_url)) as session:
        contact = session.get(SavedContact, uuid.UUID(re.search(r"id=([0-9a-f-]{36})", page.url).group(1)))
        photo_row = session.get(File, contact.photo_file_id)
        assert photo_row is not None and photo_row.purpose == "scan"
        assert [p["value"] for p in contact.phones] == [CARD.phone_e164] and contact.source == "scan"

    page.goto(f"{base}/contacts?source=scan")  # the source filter counts it as a scanned card
    expect(page.locator("#filter-source option:checked")).to_have_text("Scanned card (1)")
    expect(page.locator("#filter-source option[value=manual]")).to_have_text("Added by hand (0)")
    expect(page.locator(".contact-name")).to_have_count(1)
    expect(page.locator(".contact-name")).to_contain_text("Dubois")
    _shoot(page, "scan-list")
