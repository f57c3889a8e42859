"""Oversized bodies are refused before they are read: Reflex's `/_upload`, the webhooks, everything else.

The stack is the one metaic.py builds (our API mounted over Reflex's routes, then `security.transformers`);
a stand-in route plays Reflex's `/_upload`, which reads the whole multipart body. Each request's body comes
from a generator that records how much the server pulled.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from metaic.api.app import build_api
from metaic.config import get_settings
from metaic.web import body_limits, security

MB = 1_000_000
LIVE_TOKEN = "7f1c2b7e-live-tab"


async def _reflex_upload(request: Request) -> JSONResponse:
    """Reflex's upload route in miniature: it reads the whole body, whatever its size."""
    body = await request.body()
    return JSONResponse({"read": len(body)})


async def _live(token: str) -> bool:
    """Only one tab has an open websocket."""
    return token == LIVE_TOKEN


def _stack():
    """Reflex's routes, our API over them, and our middlewares around both, as metaic.py wires them."""
    app = build_api()
    app.mount("", Starlette(routes=[Route("/_upload", _reflex_upload, methods=["POST"])]))
    for transform in security.transformers(upload_client_known=_live):
        app = transform(app)
    return app


class Sender:
    """An HTTP client in ASGI terms: sends `size` bytes in 1 MB chunks, counting what the server pulls."""

    def __init__(self, size: int, *, chunked: bool, token: str | None = LIVE_TOKEN, **headers: str):
        self.size, self.chunked, self.pulled = size, chunked, 0
        self.headers = {"content-type": "application/octet-stream", **headers}
        if token is not None:
            self.headers["reflex-client-token"] = token
            self.headers["reflex-event-handler"] = "state.builder_state.upload_avatar"
        if chunked:
            self.headers["transfer-encoding"] = "chunked"
        else:
            self.headers["content-length"] = str(size)

    def call(self, path: str) -> tuple[int, dict]:
        """POST to `path`; the status and the JSON answer."""
        return asyncio.run(self._call(path))

    async def _call(self, path: str) -> tuple[int, dict]:
        """Drive the app with one request."""
        answer: dict = {"body": b""}

        async def receive() -> dict:
            """The next chunk of the body (1 MB), then a disconnect once everything was sent."""
            if self.pulled >= self.size:
                return {"type": "http.disconnect"}
            chunk = min(MB, self.size - self.pulled)
            self.pulled += chunk
            return {"type": "http.request", "body": b"x" * chunk, "more_body": self.pulled < self.size}

        async def send(message: dict) -> None:
            """Keep the status and the body."""
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                answer["headers"] = {k.decode(): v.decode() for k, v in message["headers"]}
            elif message["type"] == "http.response.body":
                answer["body"] += message.get("body", b"")

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [(k.encode(), v.encode()) for k, v in self.headers.items()],
            "client": ("203.0.113.9", 40000),
            "server": ("testserver", 80),
        }
        await _stack()(scope, receive, send)
        body = answer["body"]
        return answer["status"], (json.loads(body) if body.startswith(b"{") else {"raw": body})


@pytest.fixture(autouse=True)
def _database(sqlite_db):
    """Requests that get through reach routes with a database session."""


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_huge_upload_is_refused_before_it_is_read(chunked):
    sender = Sender(300 * MB, chunked=chunked)
    status, answer = sender.call("/_upload")
    assert status == 413
    assert answer["status"] == 413 and "MB" in answer["detail"]
    cap = body_limits.limit_for("/_upload")
    assert cap == get_settings().max_upload_mb * MB + body_limits.ENVELOPE_BYTES
    # Declared: nothing pulled. Chunked: at most the cap and the chunk that passed it.
    assert sender.pulled <= (cap + MB if chunked else 0)


@pytest.mark.parametrize("token", [None, "", "made-up-token"])
def test_upload_from_unknown_client_is_refused_unread(token):
    sender = Sender(300 * MB, chunked=True, token=token)
    if token == "":
        sender.headers["reflex-client-token"] = ""
    status, answer = sender.call("/_upload")
    assert status == 403 and answer["type"].endswith("/forbidden")
    assert sender.pulled == 0


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_upload_within_the_cap_reaches_reflex(chunked):
    sender = Sender(3 * MB, chunked=chunked)
    status, answer = sender.call("/_upload")
    assert (status, answer) == (200, {"read": 3 * MB})
    assert sender.pulled == 3 * MB


@pytest.mark.parametrize(
    ("path", "size", "cap"),
    [
        ("/hooks/sendgrid", 50 * MB, 1 * MB),
        ("/hooks/sendgrid/inbound/some-secret-token-value", 50 * MB, 10 * MB),
        ("/hooks/twilio", 5 * MB, 100_000),
        ("/hooks/twilio/inbound", 5 * MB, 100_000),
        ("/api/v1/auth/signup", 50 * MB, body_limits.DEFAULT_BYTES),
    ],
)
@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_webhooks_and_forms_refuse_big_bodies_unread(path, size, cap, chunked):
    assert body_limits.limit_for(path) == cap
    sender = Sender(size, chunked=chunked, token=None)
    status, answer = sender.call(path)
    assert status == 413 and answer["detail"].startswith("The request body is larger")
    assert sender.pulled <= (cap + MB if chunked else 0)


def test_small_webhook_bodies_still_reach_their_route():
    # Unsigned, so the route itself answers 403 after reading the body: the cap let it through.
    sender = Sender(200_000, chunked=True, token=None)
    status, answer = sender.call("/hooks/sendgrid")
    assert status == 403 and "signature" in answer["detail"]
    assert sender.pulled == 200_000


def test_upload_cap_follows_max_upload_mb(monkeypatch):
    monkeypatch.setenv("MAX_UPLOAD_MB", "25")
    get_settings.cache_clear()
    assert body_limits.limit_for("/_upload") == 25 * MB + body_limits.ENVELOPE_BYTES
    assert body_limits.limit_for("/api/v1/files") == 26 * MB
    sender = Sender(20 * MB, chunked=False)
    assert sender.call("/_upload") == (200, {"read": 20 * MB})
