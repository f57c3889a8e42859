"""Other origins get nothing from a signed-in browser, and `/_upload` refuses before reading (real app).

The attack of issue 11: a page on another port of the same host (same site, so the session cookie
goes along) read the user's contacts through CORS and drove their tab through Reflex's websocket.
"""

from __future__ import annotations

import base64
import os
import socket
import time
import uuid
from urllib.parse import urlsplit

import httpx
import pytest

from metaic.ui.state.builder import BuilderState
from tests.e2e.conftest import _free_port
from tests.e2e.helpers import make_account, sign_in

pytestmark = pytest.mark.e2e

EMAIL = "origins@example.com"
PASSWORD = "Cross-Origin-Nope-1"
EVENT = "/_event/?EIO=4&transport=websocket"
# A real upload handler: Reflex itself refuses an unknown one before reading, but reads any body for this one.
AVATAR_HANDLER = f"{BuilderState.get_full_name()}.upload_avatar"


def _raw(base_url: str, request: str, *, body: bytes = b"", timeout: float = 15) -> str:
    """Send `request` (headers, then `body`) on a fresh connection; the status line and headers of the answer
    (a server still waiting for a body it means to read times out instead)."""
    parts = urlsplit(base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(request.encode() + body)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer.decode("latin-1")


def _handshake(base_url: str, origin: str) -> str:
    """A websocket upgrade of Reflex's event channel, as a browser on `origin` sends it."""
    host = urlsplit(base_url).netloc
    key = base64.b64encode(os.urandom(16)).decode()
    return _raw(
        base_url,
        f"GET {EVENT} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n",
    )


def test_websocket_handshake_only_from_our_origin(app_server):
    base = app_server.base_url
    assert _handshake(base, base).startswith("HTTP/1.1 101")
    for foreign in (f"http://127.0.0.1:{_free_port()}", "https://evil.example.net", "null"):
        answer = _handshake(base, foreign)
        assert answer.split("\r\n")[0].split()[1] in ("400", "403"), (foreign, answer[:200])
    polling = httpx.get(f"{base}/_event/?EIO=4&transport=polling", headers={"Origin": "https://evil.example.net"})
    assert polling.status_code == 403


def test_cors_answers_only_our_origin(app_server):
    base = app_server.base_url
    foreign = httpx.get(
        f"{base}/api/v1/contacts", headers={"Origin": "https://evil.example.net", "Cookie": "metaic_session=x"}
    )
    assert "access-control-allow-origin" not in foreign.headers
    own = httpx.get(f"{base}/api/v1/contacts", headers={"Origin": base, "Cookie": "metaic_session=x"})
    assert own.headers["access-control-allow-origin"] == base


def test_page_on_another_port_reads_nothing_and_cannot_open_the_event_channel(app_server, browser):
    base = app_server.base_url
    make_account(app_server, EMAIL, PASSWORD, "Origin Tester")
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, EMAIL, PASSWORD)
    # The attacker's page: same host, another port (same site: the session cookie is sent along).
    evil = f"http://127.0.0.1:{_free_port()}"
    context.route(f"{evil}/**", lambda route: route.fulfill(body="<!doctype html><title>evil</title>"))
    probe = """async ([base, path]) => {
        const read = await fetch(base + "/api/v1/contacts", {credentials: "include"})
            .then(r => r.text().then(() => "read")).catch(() => "blocked");
        const ws = await new Promise(done => {
            const s = new WebSocket(base.replace("http", "ws") + path);
            s.onopen = () => { s.close(); done("open"); };
            s.onerror = () => done("refused");
        });
        return {read, ws};
    }"""
    attacker = context.new_page()
    attacker.goto(f"{evil}/attack.html")
    assert attacker.evaluate(probe, [base, EVENT]) == {"read": "blocked", "ws": "refused"}
    # The same script on our own origin reads and connects.
    assert page.evaluate(probe, [base, EVENT]) == {"read": "read", "ws": "open"}
    context.close()


def test_upload_refused_before_the_body_is_read(app_server, browser):
    base = app_server.base_url
    host = urlsplit(base).netloc
    big = 300 * 1_000_000

    def upload(token: str) -> str:
        """Headers for a 300 MB upload and no body: an answer can only come before reading it."""
        return _raw(
            base,
            f"POST /_upload HTTP/1.1\r\nHost: {host}\r\nContent-Type: multipart/form-data; boundary=x\r\n"
            f"Content-Length: {big}\r\nreflex-client-token: {token}\r\n"
            f"reflex-event-handler: {AVATAR_HANDLER}\r\n\r\n",
        )

    assert upload(str(uuid.uuid4())).startswith("HTTP/1.1 403")
    # A connected tab's token passes the first check; the size is refused from the header alone.
    page = browser.new_page()
    page.goto(f"{base}/login")
    page.wait_for_function("() => window.sessionStorage.getItem('token')")
    token = page.evaluate("() => window.sessionStorage.getItem('token')")
    deadline = time.monotonic() + 15
    answer = upload(token)
    while answer.startswith("HTTP/1.1 403") and time.monotonic() < deadline:  # until its websocket is up
        time.sleep(0.3)
        answer = upload(token)
    assert answer.startswith("HTTP/1.1 413"), answer[:300]
    page.close()
