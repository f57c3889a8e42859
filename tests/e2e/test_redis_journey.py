"""The app as production runs it (Redis state manager, several server processes, jobs on an RQ worker).

A card is built and published in the builder, its avatar gets its variants from the worker, an anonymous
visitor shares their details back, and the owner's open dashboard shows the notification without a reload
while the worker delivers its email.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import httpx
import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlmodel import Session, select

from metaic.cards.models import Card
from metaic.db import engine_for
from metaic.files import service as file_service
from metaic.files.models import File
from tests.e2e.helpers import make_account, publish, sign_in, smtp_mail

pytestmark = pytest.mark.e2e
EMAIL = "rosa@example.com"
PASSWORD = "Montgomery-Bus-1955"
LIVE = 20_000


def _variants(app, timeout: float = 30) -> dict[int, str]:
    """The variant URLs of the owner's avatar once the worker has made them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(engine_for(app.database_url)) as session:
            avatar = session.exec(select(File).where(File.purpose == "avatar")).first()
            urls = file_service.variant_urls(session=session, file_id=avatar.id) if avatar else {}
        if urls:
            return urls
        time.sleep(0.5)
    raise AssertionError(f"no avatar variants after {timeout} s (is the RQ worker running? see worker.log)")


def test_publish_share_back_and_live_notification_with_redis_and_a_worker(app_server_redis, browser, tmp_path):
    app = app_server_redis
    base = app.base_url
    make_account(app, EMAIL, PASSWORD, name="Rosa Parks")
    owner = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(owner, base, EMAIL, PASSWORD)

    # Build a card with an avatar and publish it; the worker makes the avatar's variants.
    owner.goto(f"{base}/cards")
    owner.click("#empty-new-card")
    owner.fill("#name", "Rosa Parks")
    owner.click("#create-card-submit")
    owner.wait_for_url(re.compile(r".*/cards/edit/?\?id="))
    owner.locator("#f-headline").fill("Seamstress and organiser")
    expect(owner.locator("#card-preview")).to_contain_text("Seamstress and organiser")
    photo = tmp_path / "rosa.png"
    Image.new("RGB", (640, 640), (180, 60, 40)).save(photo)
    owner.set_input_files("#avatar input[type=file]", str(photo))
    expect(owner.locator("#card-preview img").first).to_have_attribute("src", re.compile(r"/files/"))
    publish(owner)
    owner.click("#tab-share")
    slug = owner.locator("#f-slug").input_value()
    assert slug
    variants = _variants(app)
    assert 400 in variants
    # Addresses are built with this process's settings: keep the path and ask the app under test.
    variant = httpx.get(f"{base}{urlsplit(variants[400]).path}")
    assert variant.status_code == 200 and variant.headers["content-type"] == "image/webp"

    # The owner waits on the dashboard: nothing in the bell yet.
    owner.goto(f"{base}/dashboard")
    expect(owner.locator("#bell-button")).to_be_visible()
    expect(owner.locator("#bell-count")).to_have_count(0)

    # An anonymous visitor on a phone reads the card and shares their details back.
    visitor = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    visitor.goto(f"{base}/c/{slug}")
    expect(visitor.locator("body")).to_contain_text("Seamstress and organiser")
    form = visitor.locator("form.reach-form")
    form.locator("[name=name]").fill("Claudette Colvin")
    form.locator("[name=email]").fill("claudette@visitor.example")
    form.locator("[name=consent]").check()
    visitor.wait_for_timeout(3500)  # the form refuses answers sent faster than a person types
    form.locator("button[type=submit]").click()
    visitor.wait_for_url(re.compile(r".*shared=1.*"))
    expect(visitor.locator(".thanks")).to_be_visible()

    # The owner's open tab counts it without a reload (a background task holding its state in Redis) ...
    expect(owner.locator("#bell-count")).to_have_text("1", timeout=LIVE)
    owner.click("#bell-button")
    expect(owner.locator(".bell-item").first).to_contain_text("Claudette Colvin")
    # ... and the RQ worker delivered the email notification (the app processes only queue it).
    mail = smtp_mail(app, EMAIL, "shared their details")
    assert "Claudette Colvin" in mail["Subject"]

    # Every server process has the card cached now; a republish must reach all of them at once (Redis pub/sub).
    for _ in range(30):
        assert "Seamstress and organiser" in httpx.get(f"{base}/c/{slug}").text
    owner.goto(f"{base}/cards")
    owner.goto(f"{base}/cards/edit?id={owner_card_id(app)}")
    owner.locator("#f-headline").fill("Civil rights activist")
    expect(owner.locator("#card-preview")).to_contain_text("Civil rights activist")
    publish(owner)
    with httpx.Client() as client:  # new connections, spread over the server processes
        pages = [httpx.get(f"{base}/c/{slug}").text for _ in range(30)]
        pages += [client.get(f"{base}/c/{slug}").text for _ in range(30)]
    assert all("Civil rights activist" in page for page in pages)

    # Several server processes forked after the app had used its database: none shares the parent's connections.
    log = (app.data_dir / "app.log").read_text()
    assert "server closed the connection unexpectedly" not in log


def owner_card_id(app) -> str:
    """The id of the only card in the app's database."""
    with Session(engine_for(app.database_url)) as session:
        return str(session.exec(select(Card.id)).one())
