"""Links the app sends, followed in a real browser, and the icons every page and the public card point at."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from metaic.auth import service as user_service
from metaic.db import engine_for
from tests.contacts.helpers import card_doc, publish_card

pytestmark = pytest.mark.e2e
PASSWORD = "Networking-Pro-2026"
LIVE = 15_000
CONTACT_PAGE = re.compile(r".*/contacts/view/?\?id=[0-9a-f-]{36}$")


def _owner_with_card(app_server, email: str, name: str) -> str:
    """A verified owner with a published card; returns the card's slug."""
    with Session(engine_for(app_server.database_url)) as session:
        owner = user_service.create(session=session, email=email, password=PASSWORD, name=name, verified=True)
        slug = publish_card(session, owner, card_doc(name=name, email=email, company="Links Ltd")).slug
        session.commit()
    return slug


def _open_in_metaic(app_server, to: str, subject: str, timeout: float = 20) -> str:
    """The "Open in MetaIC" link of the email the test SMTP server received for `to` with this subject."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(app_server.smtp.messages):
            if message["To"] == to and message["Subject"] == subject:
                html = message.get_body(preferencelist=("html",)).get_content()
                text = message.get_body(preferencelist=("plain",)).get_content()
                [button] = re.findall(r'<a href="([^"]+)"[^>]*>Open in MetaIC</a>', html)
                assert f"Open in MetaIC: {button}" in text  # the text part carries the same link
                return button
        time.sleep(0.2)
    raise AssertionError(f"no email {subject!r} to {to}: {[m['Subject'] for m in app_server.smtp.messages]}")


def test_a_shared_contact_opens_from_the_bell_and_from_the_email(app_server, browser):
    base = app_server.base_url
    slug = _owner_with_card(app_server, "nia@example.com", "Nia Owner")

    # The owner has MetaIC open.
    owner = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    owner.goto(f"{base}/login")
    owner.fill("#email", "nia@example.com")
    owner.fill("#password", PASSWORD)
    owner.click("#sign-in")
    owner.wait_for_url(re.compile(r".*/dashboard/?$"))
    expect(owner.locator("#bell-count")).to_have_count(0)

    # A visitor on a phone shares their details on her public card.
    visitor = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    visitor.goto(f"{base}/c/{slug}")
    form = visitor.locator("form.reach-form")
    form.locator("[name=name]").fill("Ravi Visitor")
    form.locator("[name=email]").fill("ravi@visitor.example")
    form.locator("[name=consent]").check()
    visitor.wait_for_timeout(3500)  # the form refuses answers faster than a person types
    form.locator("button[type=submit]").click()
    visitor.wait_for_url(re.compile(r".*shared=1.*"))

    # The bell's notification opens that contact's page.
    expect(owner.locator("#bell-count")).to_have_text("1", timeout=LIVE)
    owner.click("#bell-button")
    owner.locator(".bell-item", has_text="Ravi Visitor").click()
    owner.wait_for_url(CONTACT_PAGE)
    expect(owner.locator("#contact-heading")).to_have_text("Ravi Visitor")
    from_bell = owner.url

    # So does "Open in MetaIC" in the email about it: the same page, an absolute link to this site.
    link = _open_in_metaic(app_server, "nia@example.com", "Ravi Visitor shared their details with you")
    assert link.startswith(f"{base}/")
    owner.goto(f"{base}/dashboard")
    owner.goto(link)
    owner.wait_for_url(CONTACT_PAGE)
    expect(owner.locator("#contact-heading")).to_have_text("Ravi Visitor")
    assert _same_page(owner.url, from_bell)


def _same_page(first: str, second: str) -> bool:
    """Two addresses of the same page and record (the client router may add a trailing slash)."""
    a, b = urlsplit(first), urlsplit(second)
    return (a.netloc, a.path.rstrip("/"), a.query) == (b.netloc, b.path.rstrip("/"), b.query)


def test_every_page_and_the_public_card_have_an_icon(app_server, browser):
    base = app_server.base_url
    slug = _owner_with_card(app_server, "ola@example.com", "Ola Owner")
    for path, kind in [
        ("/favicon.ico", "image/"),
        ("/apple-touch-icon.png", "image/png"),
        ("/icon-192.png", "image/png"),
        ("/icon-512.png", "image/png"),
        ("/icon.svg", "image/svg+xml"),
    ]:
        response = httpx.get(f"{base}{path}", timeout=10)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith(kind), (path, response.headers["content-type"])
        assert len(response.content) > 200, path
    manifest = httpx.get(f"{base}/manifest.webmanifest", timeout=10)
    assert manifest.status_code == 200 and manifest.json()["icons"]

    # The app's pages and the server-rendered card both name the icons in their <head>, and the browser loads them.
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    for url in (f"{base}/login", f"{base}/c/{slug}"):
        page.goto(url)
        for rel in ("icon", "apple-touch-icon"):
            hrefs = page.eval_on_selector_all(f'head link[rel="{rel}"]', "links => links.map(l => l.href)")
            assert hrefs, f"{url} has no <link rel={rel}>"
            for href in hrefs:
                assert httpx.get(href, timeout=10).status_code == 200, href
        loaded = page.evaluate(
            """async () => {
                const img = new Image();
                img.src = "/favicon.ico";
                await img.decode();
                return [img.naturalWidth, img.naturalHeight];
            }"""
        )
        assert loaded[0] >= 16 and loaded[0] == loaded[1], loaded
