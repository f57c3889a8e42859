"""The contact book in a real browser: add, tag, remind; the reminder fires into the live bell."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from metaic.auth import service as user_service
from metaic.contacts import reminders
from metaic.contacts.models import Reminder
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
    first_due = page.locator(".reminder-row").inner_text()
    page.locator(".reminder-row").get_by_text("Snooze").click()
    expect(page.locator(".reminder-row")).not_to_have_text(first_due)

    # Edit her details: a phone typed by hand is normalised.
    page.click("#edit-details")
    page.fill("#edit-phones", "+44 20 7946 0958")
    page.click("#save-identity")
    expect(page.get_by_text("+442079460958")).to_be_visible()

    # Run the periodic task as if three days had passed: the bell counts it without a reload.
    with Session(engine_for(app_server.database_url)) as session:
        assert reminders.fire_due(session=session, now=clock.now() + timedelta(minutes=5)) == 0
        assert reminders.fire_due(session=session, now=clock.now() + timedelta(days=3)) >= 1  # others' too
        session.commit()
        kay = user_service.get_by_email(session=session, email=EMAIL)
        fired = select(Reminder).where(Reminder.owner_id == kay.id, Reminder.notified_at.is_not(None))
        assert len(session.exec(fired).all()) == 1
    expect(page.locator("#bell-count")).to_have_text("1", timeout=15_000)

    # Rename the tag from the tag manager.
    page.goto(f"{base}/contacts")
    page.click("#manage-tags")
    page.locator(".tag-name input").first.fill("conferences")
    page.locator(".rename-tag").first.click()
    expect(page.locator("select[name=tag_id]")).to_contain_text("conferences")
    page.keyboard.press("Escape")
    # The dialog is open until the server says closed; while it is, it keeps the focus, so typing would land in it.
    expect(page.get_by_role("dialog")).to_have_count(0)

    # Search finds her; a search for someone else finds nobody.
    page.fill("#contact-search", "hopper")
    page.click("#apply-filters")
    expect(page.locator(".contact-row")).to_have_count(1)
    expect(page).to_have_url(re.compile(r".*/contacts\?q=hopper$"))
    # The next search typed at once is what gets applied (applying the last one never redraws the box).
    page.fill("#contact-search", "turing")
    page.click("#apply-filters")
    expect(page.locator(".contact-row")).to_have_count(0)


VCARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lovelace;Ada;;;\r\nFN:Ada Lovelace\r\nORG:Analytical Engines\r\n"
    "EMAIL;TYPE=INTERNET,WORK:ada@engines.example\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:王小明\r\nTEL;TYPE=cell:+8613800138000\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:nothing to import here\r\nEND:VCARD\r\n"
)


def _published_card(app_server, email: str) -> str:
    """A verified owner with a published card; returns the card's slug."""
    from metaic.cards import service as card_service
    from metaic.cards import versions

    with Session(engine_for(app_server.database_url)) as session:
        owner = user_service.create(session=session, email=email, password=PASSWORD, name="Lin Owner", verified=True)
        card = card_service.create(session=session, owner=owner, name="Lin Owner")
        # Snapshot only: the flow's follow-ups belong to the app's process, not to this test process.
        versions.snapshot_draft(session=session, owner=owner, card_id=card.id)
        session.commit()
        return card.slug


def test_share_back_lands_as_a_lead_and_a_vcard_file_imports(app_server, browser, tmp_path):
    base = app_server.base_url
    slug = _published_card(app_server, "lin@example.com")

    # An anonymous visitor shares their details back (after reading the card for a few seconds).
    visitor = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    visitor.goto(f"{base}/c/{slug}")
    form = visitor.locator("form.reach-form")
    form.locator("[name=name]").fill("Visiting Vera")
    form.locator("[name=email]").fill("vera@visitor.example")
    form.locator("[name=company]").fill("Vera & Co")
    form.locator("[name=consent]").check()
    visitor.wait_for_timeout(3500)
    form.locator("button[type=submit]").click()
    visitor.wait_for_url(re.compile(r".*shared=1.*"))
    expect(visitor.locator(".thanks")).to_be_visible()

    # The owner finds the lead, then imports a vCard file: two contacts and one refused record.
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{base}/login")
    page.fill("#email", "lin@example.com")
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(re.compile(r".*/dashboard/?$"))
    page.goto(f"{base}/contacts")
    expect(page.locator(".contact-row", has_text="Visiting Vera")).to_have_count(1)
    expect(page.locator(".contact-row", has_text="Visiting Vera")).to_contain_text("Shared back")

    # Tag the lead and set a follow-up.
    page.locator(".contact-row", has_text="Visiting Vera").click()
    page.wait_for_url(re.compile(r".*/contacts/view/?\?id="))
    page.fill("#tag-input", "lead")
    page.keyboard.press("Enter")
    expect(page.get_by_text("lead", exact=True)).to_be_visible()
    page.click("#remind-tomorrow")
    expect(page.locator(".reminder-row")).to_have_count(1)

    page.goto(f"{base}/contacts")
    file = tmp_path / "contacts.vcf"
    file.write_text(VCARDS, encoding="utf-8")
    page.click("#import-contacts")
    page.set_input_files("#contacts-file input[type=file]", str(file))
    expect(page.locator("#import-summary")).to_contain_text("2 created, 0 merged, 1 refused.", timeout=20_000)
    expect(page.locator(".import-refused")).to_have_count(1)
    page.keyboard.press("Escape")

    # A Google CSV: one new person, and Vera again (same email), who is merged rather than duplicated.
    csv = tmp_path / "google.csv"
    csv.write_text(
        "First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value\r\n"
        "Grace,Hopper,* Work,grace@navy.example\r\nVera,Visitor,Home,VERA@visitor.example\r\n",
        encoding="utf-8",
    )
    page.goto(f"{base}/contacts")
    page.click("#import-contacts")
    page.set_input_files("#contacts-file input[type=file]", str(csv))
    expect(page.locator("#import-summary")).to_contain_text("1 created, 1 merged, 0 refused.", timeout=20_000)
    page.keyboard.press("Escape")
    page.goto(f"{base}/contacts")
    expect(page.locator(".contact-row")).to_have_count(4)

    # A second Ada typed by hand is a likely duplicate: merge it, undo, and merge again.
    page.click("#add-contact")
    page.fill("#full_name", "Ada King")
    page.fill("#email", "ADA@engines.example")
    page.click("#add-contact-submit")
    page.wait_for_url(re.compile(r".*/contacts/view/?\?id="))
    page.goto(f"{base}/contacts/duplicates")
    pair = page.locator(".duplicate-pair").first
    expect(pair).to_contain_text("Ada King")
    pair.locator(".merge-pair").click()
    expect(page.locator("#undo-merge")).to_be_visible()
    page.click("#undo-merge")
    expect(page.locator(".duplicate-pair")).to_have_count(1)
    page.locator(".duplicate-pair .merge-pair").first.click()
    expect(page.locator("#no-duplicates")).to_be_visible()
    page.goto(f"{base}/contacts")
    expect(page.locator(".contact-row")).to_have_count(4)

    # Export the book as a vCard file.
    with page.expect_download() as download:
        page.click("#export-vcard")
    exported = download.value.path().read_text(encoding="utf-8")
    assert exported.count("BEGIN:VCARD") == 4 and exported.count("FN:Ada") == 1
