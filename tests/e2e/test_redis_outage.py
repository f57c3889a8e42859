"""Redis killed under the production server (`reflex run --env prod --single-port`, an RQ worker beside it).

The app runs against a redis-server of this test's own (append-only file on, as in production), which is
killed with SIGKILL mid-session and started again on the same port. While it is down, an open builder tab
keeps editing and autosaving, a new browser signs in over HTTP and the websocket and sees the reduced-mode
notice, a card is published and served, and a visitor's share-back still emails the owner (the job runs
in the app process). Once Redis is back, the same tab carries on and new jobs go to the worker again.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from metaic.cards.models import Card
from metaic.db import engine_for
from tests.e2e.conftest import LaunchedApp, RunningApp
from tests.e2e.helpers import make_account, publish, sign_in, smtp_mail
from tests.e2e.redis_server import RedisServer

pytestmark = pytest.mark.e2e
EMAIL = "grace@example.com"
PASSWORD = "Cobol-Compiler-1959"
SHOTS = Path(__file__).resolve().parents[2] / "data" / "screenshots"


@pytest.fixture(scope="module")
def outage_app(outage_app_launch: LaunchedApp, outage_redis: RedisServer) -> tuple[RunningApp, RedisServer]:
    """The app (several server processes, a worker) on its own database and its own redis-server, up.

    Started with the session's first app (tests/e2e/conftest.py), so its production build overlaps the others.
    """
    outage_app_launch.wait()
    return outage_app_launch.running, outage_redis


def _card(app: RunningApp) -> Card:
    """The only card, as the database holds it."""
    with Session(engine_for(app.database_url)) as session:
        return session.exec(select(Card)).one()


def _draft_headline(app: RunningApp) -> str:
    """The headline of the only card's saved draft."""
    return _card(app).headline


def _wait_for(check, what: str, timeout: float = 20, app: RunningApp | None = None) -> None:
    """Poll `check()` until it is true (on a timeout, the app's last log lines say what the server did)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() >= deadline:
            log = (app.data_dir / "app.log").read_text(errors="replace")[-6000:] if app else ""
            raise AssertionError(f"timed out waiting for {what}\n--- app.log, last lines ---\n{log}")
        time.sleep(0.2)


def _shot(page, name: str) -> None:
    """A full-page screenshot for people to look at (data/screenshots is not committed)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_sign_in_builder_public_card_and_jobs_through_a_redis_outage(outage_app, browser):
    app, server = outage_app
    base = app.base_url
    make_account(app, EMAIL, PASSWORD, name="Grace Hopper")
    owner = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(owner, base, EMAIL, PASSWORD)
    owner.goto(f"{base}/cards")
    owner.click("#empty-new-card")
    owner.fill("#name", "Grace Hopper")
    owner.click("#create-card-submit")
    owner.wait_for_url(re.compile(r".*/cards/edit/?\?id="))
    owner.locator("#f-headline").fill("Rear admiral")
    publish(owner)
    slug = _card(app).slug

    server.kill()

    # The open builder tab keeps working: the edit reaches the preview and autosave puts it in the database.
    headline = owner.locator("#f-headline")
    headline.fill("Wrote the first compiler")
    expect(owner.locator("#card-preview")).to_contain_text("Wrote the first compiler")
    _wait_for(lambda: _draft_headline(app) == "Wrote the first compiler", "the autosave during the outage", app=app)
    expect(owner.locator("#save-status")).to_contain_text(re.compile("saved", re.I))

    # A new browser signs in (HTTP for the cookie, the websocket for the pages) and is told about reduced mode.
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(phone, base, EMAIL, PASSWORD)
    expect(phone.locator("#degraded-notice")).to_be_visible()
    _shot(phone, "redis-outage-dashboard-390")
    owner.goto(f"{base}/dashboard")
    expect(owner.locator("#degraded-notice")).to_be_visible()
    _shot(owner, "redis-outage-dashboard-1280")

    # Publishing works and the public card is served with the new headline.
    owner.goto(f"{base}/cards/edit?id={_card(app).id}")
    expect(owner.locator("#f-headline")).to_have_value("Wrote the first compiler")
    _shot(owner, "redis-outage-builder-1280")
    publish(owner)
    page = httpx.get(f"{base}/c/{slug}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Wrote the first compiler" in page.text

    # A visitor shares their details back: the owner's email notification is not lost (it runs in-process).
    _share_back(browser, base, slug, "Katherine Johnson", "katherine@visitor.example")
    assert "Katherine Johnson" in smtp_mail(app, EMAIL, "shared their details")["Subject"]

    # Redis comes back: the same tab carries on, and new jobs go to the worker again.
    server.start()
    worker_log = app.data_dir / "worker.log"
    seen = len(worker_log.read_text())
    time.sleep(6)  # the app tries Redis again a few seconds after its last failure
    owner.locator("#f-headline").fill("Invented the compiler")
    _wait_for(lambda: _draft_headline(app) == "Invented the compiler", "the autosave after Redis returned", app=app)
    publish(owner)
    _wait_for(lambda: "search: index card" in worker_log.read_text()[seen:], "the worker to run a new job", 30)
    assert "Invented the compiler" in httpx.get(f"{base}/c/{slug}", headers={"Accept": "text/html"}).text


def _share_back(browser, base: str, slug: str, name: str, email: str) -> None:
    """A visitor on a phone shares their details back from the public card."""
    visitor = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    visitor.goto(f"{base}/c/{slug}")
    form = visitor.locator("form.reach-form")
    form.locator("[name=name]").fill(name)
    form.locator("[name=email]").fill(email)
    form.locator("[name=consent]").check()
    visitor.wait_for_timeout(3500)  # the form refuses answers sent faster than a person types
    form.locator("button[type=submit]").click()
    visitor.wait_for_url(re.compile(r".*shared=1.*"))
    visitor.context.close()
