"""The real app sends its security headers on every kind of route, and its pages run under the CSP unharmed.

tests/web/test_security_headers.py checks the same set in-process; this one checks what Reflex's own
server (pages, compiled assets, its 404) really answers, and that Chromium reports no CSP violation while
a signed-in user walks the landing page, sign-in, dashboard and builder (an image upload included).
"""

from __future__ import annotations

import re

import httpx
import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlmodel import Session

from metaic.auth import service as user_service
from metaic.cards import flows as card_flows
from metaic.cards import service as card_service
from metaic.db import engine_for
from metaic.wiring import wire
from tests.e2e.helpers import make_account, sign_in

pytestmark = pytest.mark.e2e

EMAIL = "headers@example.com"
PASSWORD = "Frame-Me-Not-2024"


@pytest.fixture
def card(app_server) -> tuple[str, str]:
    """A published card of the test account: (id, slug)."""
    wire()
    make_account(app_server, EMAIL, PASSWORD, "Hedy Lamarr")
    with Session(engine_for(app_server.database_url)) as session:
        user = user_service.get_by_email(session=session, email=EMAIL)
        card = card_service.create(session=session, owner=user, name="Hedy Lamarr")
        card_flows.publish(session=session, owner=user, card_id=card.id)
        session.commit()
        return str(card.id), card.slug


def test_every_kind_of_route_carries_the_headers(app_server, card):
    base = app_server.base_url
    landing = httpx.get(f"{base}/")
    asset = re.search(r'src="(/assets/[^"]+\.js)"', landing.text) or re.search(r'href="(/assets/[^"]+)"', landing.text)
    assert asset, "no compiled asset named in the landing page"
    routes = {
        "/": ("DENY", "frame-ancestors 'none'"),
        "/login": ("DENY", "frame-ancestors 'none'"),
        "/dashboard": ("DENY", "frame-ancestors 'none'"),
        asset.group(1): ("DENY", "frame-ancestors 'none'"),
        "/no/such/page": ("DENY", "frame-ancestors 'none'"),
        "/api/v1/openapi.json": ("DENY", "default-src 'none'"),
        "/healthz": ("DENY", "default-src 'none'"),
        f"/c/{card[1]}": ("SAMEORIGIN", "script-src 'sha256-"),
        f"/c/{card[1]}.vcf": ("SAMEORIGIN", "default-src 'none'"),
    }
    for path, (frame, policy) in routes.items():
        response = httpx.get(f"{base}{path}", follow_redirects=True)
        assert response.status_code in (200, 404), path
        headers = response.headers
        assert headers.get("x-content-type-options") == "nosniff", path
        assert headers.get("referrer-policy") == "strict-origin-when-cross-origin", path
        assert "camera=(self)" in headers.get("permissions-policy", ""), path
        assert headers.get("x-frame-options") == frame, path
        assert policy in headers.get("content-security-policy", ""), path


def test_pages_run_under_the_policy_without_violations(app_server, browser, card, tmp_path):
    base = app_server.base_url
    avatar = tmp_path / "avatar.png"
    Image.new("RGB", (240, 240), (62, 99, 221)).save(avatar)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" or "Policy" in m.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{base}/")
    expect(page.locator("body")).to_contain_text("MetaIC")
    sign_in(page, base, EMAIL, PASSWORD)
    page.goto(f"{base}/cards/edit?id={card[0]}")
    expect(page.locator("#f-name")).to_have_value("Hedy Lamarr")
    page.set_input_files("#avatar input[type=file]", str(avatar))
    expect(page.locator("#card-preview img").first).to_have_attribute("src", re.compile(r"/files/"), timeout=20_000)
    page.goto(f"{base}/c/{card[1]}")
    expect(page.locator("h1")).to_contain_text("Hedy Lamarr")
    context.close()
    assert problems == []
