"""Only our own origin (PUBLIC_BASE_URL) and CORS_ALLOWED_ORIGINS may read answers with the user's cookies.

Reflex wraps every app it serves in Starlette's CORSMiddleware with rxconfig's `cors_allowed_origins`
(its default "*" reflects any Origin when cookies are sent). These tests load the real rxconfig.py
and let Reflex add its middleware exactly as `rx.App` does; tests/e2e/test_origins.py checks the
running app and its websocket.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
import reflex.app
from fastapi.testclient import TestClient

from metaic.api.app import build_api
from metaic.config import Settings, get_settings

RXCONFIG = Path(__file__).resolve().parents[2] / "rxconfig.py"
OWN = "https://cards.example.com"
PARTNER = "https://partner.example.org"


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch, sqlite_db) -> TestClient:
    """The API as Reflex serves it, configured for cards.example.com with one partner origin."""
    monkeypatch.setenv("PUBLIC_BASE_URL", f"{OWN}/")
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", f"{PARTNER}, http://localhost:5173")
    get_settings.cache_clear()
    config = runpy.run_path(str(RXCONFIG))["config"]
    monkeypatch.setattr(reflex.app, "get_config", lambda: config)
    api = build_api()
    reflex.app.App._add_cors(api)
    return TestClient(api, base_url=OWN)


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example.net",
        "https://cards.example.com.evil.net",
        "http://cards.example.com",  # the same host without TLS
        "https://cards.example.com:8443",  # another port of the same host
        "https://sub.cards.example.com",
        "null",
    ],
)
def test_foreign_origin_gets_no_credentialed_access(client, origin):
    answer = client.get("/api/v1/contacts", headers={"Origin": origin, "Cookie": "metaic_session=stolen"})
    # Without Access-Control-Allow-Origin the browser keeps the answer from the other site's script.
    assert "access-control-allow-origin" not in answer.headers
    preflight = client.options(
        "/api/v1/contacts",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-a"},
    )
    assert preflight.status_code == 400 and "access-control-allow-origin" not in preflight.headers


@pytest.mark.parametrize("origin", [OWN, PARTNER, "http://localhost:5173"])
def test_own_and_configured_origins_are_allowed(client, origin):
    answer = client.get("/healthz", headers={"Origin": origin, "Cookie": "metaic_session=x"})
    assert answer.headers["access-control-allow-origin"] == origin
    assert answer.headers["access-control-allow-credentials"] == "true"
    preflight = client.options("/api/v1/contacts", headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == origin


def test_allowed_origins_setting(monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://Cards.Example.com:443/app/")
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", " https://a.example.org/ ,http://[::1]:8080")
    assert Settings().allowed_origins == ("https://cards.example.com", "https://a.example.org", "http://[::1]:8080")
    # Development serves pages on localhost and 127.0.0.1 alike.
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://127.0.0.1:3000")
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "")
    assert Settings().allowed_origins == ("http://127.0.0.1:3000", "http://localhost:3000")
    for bad in ("*", "https://a.example.org/path", "ftp://files.example.org", "example.org"):
        monkeypatch.setenv("CORS_ALLOWED_ORIGINS", bad)
        with pytest.raises(ValueError, match="CORS_ALLOWED_ORIGINS"):
            Settings()
