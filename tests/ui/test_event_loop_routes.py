"""Async routes too: the provider webhooks query the database in a thread pool, not on the event loop.

Same measure as test_event_loop: the real route, called through ASGI on a loop beside a 5 ms ticker, against a
database that answers slowly; the quietest of a few runs must keep the ticker going.
"""

from __future__ import annotations

import asyncio
import json
import uuid

import httpx
import pytest

from metaic.adapters.twilio_sms import compute_signature
from metaic.api.app import build_api
from metaic.config import get_settings
from tests.notifications.test_api import _sendgrid_key, _signed
from tests.support.fake_providers import TWILIO_TOKEN
from tests.ui.test_event_loop import _quietest, _slow_database

LATENCY = 0.15  # one slow query is all these callbacks make for an unknown message


async def _post(app, path: str, **kwargs) -> httpx.Response:
    """POST to the API app in this loop, as the server would run it."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        return await client.post(path, **kwargs)


def _measure(call, what: str) -> None:
    """One warm-up call (first-request setup is not the route's work), then the measure against a slow database."""
    asyncio.run(call())
    with _slow_database(LATENCY) as statements:
        measured = _quietest(call)
    assert statements, f"the {what} looked nothing up"
    measured.assert_loop_free(what)


def test_twilio_status_callback_keeps_the_loop_free(db, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TWILIO_TOKEN)
    get_settings.cache_clear()
    params = {"MessageSid": "SM" + uuid.uuid4().hex, "MessageStatus": "delivered"}
    signature = compute_signature(TWILIO_TOKEN, "http://testserver/hooks/twilio", params)
    app = build_api()

    async def call():
        """The signed callback; its answer."""
        response = await _post(app, "/hooks/twilio", data=params, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 204, response.text
        return response

    _measure(call, "Twilio callback")


def test_sendgrid_event_webhook_keeps_the_loop_free(db, monkeypatch: pytest.MonkeyPatch):
    key = _sendgrid_key(monkeypatch)
    # A batch is applied once (a repeat is a replay and looks nothing up): sign a new one per call, before measuring.
    bodies = [
        json.dumps([{"event": "delivered", "delivery_id": str(uuid.uuid4()), "sg_message_id": "abc.1"}]).encode()
        for _ in range(50)
    ]
    batches = [(body, _signed(key, body)) for body in bodies]
    app = build_api()

    async def call():
        """A new signed batch of events; its answer."""
        body, headers = batches.pop()
        response = await _post(app, "/hooks/sendgrid", content=body, headers=headers)
        assert response.status_code == 200 and response.json() == {"changed": 0}, response.text
        return response

    _measure(call, "SendGrid webhook")
