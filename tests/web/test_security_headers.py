"""Security headers on every kind of response: Reflex pages and assets, the API, webhooks, public cards, 404s.

The stack is the one metaic.py builds: our API mounted over Reflex's routes (here a static folder stands in
for the compiled frontend Reflex serves in production), then `security.transformers` around both.
tests/e2e/test_security_headers.py walks the same routes on the real app and checks the browser console.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.staticfiles import StaticFiles

from metaic.api.app import build_api
from metaic.config import get_settings
from metaic.web import security
from tests.conftest import PRODUCTION_HASH_COST

COMMON = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": "camera=(self), microphone=(), geolocation=(), payment=(), usb=()",
}


async def _no_uploads(token: str) -> bool:
    """No tab is connected in these tests."""
    return False


def _frontend(folder: Path) -> StaticFiles:
    """What Reflex serves for pages in production: prerendered HTML, hashed assets and a 404 page."""
    for name, text in {
        "index.html": "<!doctype html><title>MetaIC</title>",
        "login/index.html": "<!doctype html><title>Sign in</title>",
        "dashboard/index.html": "<!doctype html><title>Dashboard</title>",
        "assets/entry.client-1a2b3c.js": "export {};",
        "404.html": "<!doctype html><title>Not found</title>",
    }.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return StaticFiles(directory=folder, html=True)


@pytest.fixture
def app_client(tmp_path: Path) -> TestClient:
    """The whole backend as metaic.py wires it."""
    app = build_api()
    app.mount("", _frontend(tmp_path))
    for transform in security.transformers(upload_client_known=_no_uploads):
        app = transform(app)
    return TestClient(app, raise_server_exceptions=False)


def _assert_common(response, frame: str) -> None:
    """The headers every response carries."""
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, (response.url, name)
    assert response.headers.get("x-frame-options") == frame, response.url
    assert "strict-transport-security" not in response.headers  # not outside production


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/login", 200),
        ("/dashboard", 200),
        ("/assets/entry.client-1a2b3c.js", 200),
        ("/no/such/page", 404),
    ],
)
def test_reflex_pages_and_assets_cannot_be_framed(app_client, db, path, status):
    response = app_client.get(path)
    assert response.status_code == status
    _assert_common(response, "DENY")
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    # What the Reflex frontend needs: its scripts, styles, the websocket to this origin, data: images.
    assert "script-src 'self'" in csp and "style-src 'self' 'unsafe-inline'" in csp
    assert "connect-src 'self' http://testserver ws://testserver" in csp
    assert "img-src 'self' data: blob:" in csp


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/openapi.json", 200),
        ("GET", "/healthz", 200),
        ("GET", "/api/v1/contacts", 401),
        ("POST", "/hooks/sendgrid", 403),
        ("POST", "/_upload", 403),
    ],
)
def test_api_and_webhook_answers_load_nothing(app_client, db, method, path, status):
    response = app_client.request(method, path)
    assert response.status_code == status
    _assert_common(response, "DENY")
    csp = response.headers["content-security-policy"]
    assert csp.startswith("default-src 'none';") and "frame-ancestors 'none'" in csp


def test_api_docs_load_swagger_from_this_server_only(app_client, db):
    response = app_client.get("/api/v1/docs")
    assert response.status_code == 200 and "cdn.jsdelivr.net" not in response.text
    _assert_common(response, "DENY")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "jsdelivr" not in csp
    assets = re.findall(r'(?:src|href)="(/api/v1/docs/[^"]+)"', response.text)
    assert len(assets) == 3  # styles, bundle, starter
    for asset in assets:
        loaded = app_client.get(asset)
        assert loaded.status_code == 200 and len(loaded.content) > 300, asset


def test_public_card_keeps_its_own_stricter_policy(app_client, publish):
    slug = publish()
    page = app_client.get(f"/c/{slug}")
    assert page.status_code == 200
    _assert_common(page, "SAMEORIGIN")
    csp = page.headers["content-security-policy"]
    # The card route's policy (a hashed script, no other) is kept, not replaced by the app's.
    assert (
        "script-src 'sha256-" in csp
        and "frame-ancestors 'self'" in csp
        and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    )
    for path, status in ((f"/c/{slug}.vcf", 200), (f"/c/{slug}/qr.svg", 200), ("/c/nobody-here", 404)):
        response = app_client.get(path)
        assert response.status_code == status, path
        _assert_common(response, "SAMEORIGIN")
        assert "script-src" not in response.headers["content-security-policy"], path


def test_headers_for_gives_the_fast_path_the_same_set(db):
    names = [name for name, _ in security.headers_for("/c/ada")]
    assert names == [
        b"x-content-type-options",
        b"referrer-policy",
        b"permissions-policy",
        b"x-frame-options",
        b"content-security-policy",
    ]
    merged = security.add_missing([(b"Content-Security-Policy", b"default-src 'none'")], security.headers_for("/c/ada"))
    assert [value for name, value in merged if name.lower() == b"content-security-policy"] == [b"default-src 'none'"]


def test_bucket_images_are_allowed_and_production_adds_hsts(monkeypatch, db):
    monkeypatch.setenv("S3_PUBLIC_BASE_URL", "https://cdn.example.net/metaic-files/")
    get_settings.cache_clear()
    assert (
        "img-src 'self' data: blob: https://cdn.example.net;"
        in dict(security.headers_for("/"))[b"content-security-policy"].decode()
    )
    monkeypatch.setenv("METAIC_ENV", "production")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://cards.example.com")
    for name, value in PRODUCTION_HASH_COST.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    headers = dict(security.headers_for("/dashboard"))
    assert headers[b"strict-transport-security"] == b"max-age=31536000"
    assert (
        b"connect-src 'self' https://cards.example.com wss://cards.example.com;" in headers[b"content-security-policy"]
    )
