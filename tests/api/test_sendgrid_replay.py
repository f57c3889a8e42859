"""SendGrid's signed Event Webhook: a captured batch cannot be replayed, late or within its window.

An attacker who saw one signed request (a log, a proxy) could post it again: an "unsubscribe" event would
switch the recipient's emails off again after they switched them back on. The signed timestamp must be
recent, and each signed batch is applied once (keyed on what was signed, since ECDSA signatures are
malleable and a replay may carry other signature bytes).
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from metaic.auth.models import User
from metaic.core import clock
from metaic.db import session_scope
from metaic.notifications import preferences
from metaic.notifications.models import EMAIL, NotificationDelivery
from tests.notifications.test_api import _account, _notify, _sendgrid_key, _signed

pytestmark = pytest.mark.usefixtures("outbox")
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def _emails_on(user_id) -> bool:
    """Whether the user still gets announcement emails."""
    with session_scope() as s:
        return preferences.is_enabled(session=s, user=s.get(User, user_id), kind="announcement", channel=EMAIL)


def _turn_emails_on(user_id) -> None:
    """The user switches announcement emails back on."""
    with session_scope() as s:
        user = s.get(User, user_id)
        preferences.set_channel(session=s, user=user, kind="announcement", channel=EMAIL, enabled=True)


def _unsubscribe_batch(user_id) -> bytes:
    """A batch with one "unsubscribe" event for the user's latest email delivery."""
    note_id = _notify(user_id)
    with session_scope() as s:
        from sqlmodel import select

        delivery = s.exec(select(NotificationDelivery).where(NotificationDelivery.notification_id == note_id)).one()
    return json.dumps([{"event": "unsubscribe", "delivery_id": str(delivery.id), "sg_event_id": "ev-1"}]).encode()


def _malleated(headers: dict) -> dict:
    """The same signature as (r, n - s): different bytes, still valid for the same timestamp and body."""
    r, s = decode_dss_signature(base64.b64decode(headers["X-Twilio-Email-Event-Webhook-Signature"]))
    twin = base64.b64encode(encode_dss_signature(r, P256_ORDER - s)).decode()
    assert twin != headers["X-Twilio-Email-Event-Webhook-Signature"]
    return {**headers, "X-Twilio-Email-Event-Webhook-Signature": twin}


@pytest.mark.parametrize("age", [timedelta(minutes=6), timedelta(days=3), timedelta(minutes=-2)])
def test_old_or_future_signed_batches_are_refused(client, monkeypatch, age):
    key = _sendgrid_key(monkeypatch)
    ada, _ = _account("ada@example.com")
    body = _unsubscribe_batch(ada)
    stamp = str(int((clock.now() - age).timestamp()))
    response = client.post("/hooks/sendgrid", content=body, headers=_signed(key, body, stamp))
    assert response.status_code == 403, response.text
    assert "timestamp" in response.json()["detail"]
    assert _emails_on(ada)


def test_a_garbled_timestamp_is_refused(client, monkeypatch):
    key = _sendgrid_key(monkeypatch)
    ada, _ = _account("ada@example.com")
    body = _unsubscribe_batch(ada)
    assert client.post("/hooks/sendgrid", content=body, headers=_signed(key, body, "soon")).status_code == 403
    assert _emails_on(ada)


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_a_signed_batch_is_applied_once_within_its_window(client, monkeypatch, request, store):
    if store == "redis":
        request.getfixturevalue("redis_url")
    key = _sendgrid_key(monkeypatch)
    ada, _ = _account("ada@example.com")
    body = _unsubscribe_batch(ada)
    headers = _signed(key, body)
    first = client.post("/hooks/sendgrid", content=body, headers=headers)
    assert first.status_code == 200, first.text
    assert not _emails_on(ada)
    _turn_emails_on(ada)
    clock.advance(timedelta(minutes=2))
    for replay in (headers, _malleated(headers)):
        again = client.post("/hooks/sendgrid", content=body, headers=replay)
        assert again.status_code == 200 and again.json() == {"changed": 0}
        assert _emails_on(ada)  # the replay changed nothing
    clock.advance(timedelta(minutes=4))  # past the window: now refused as stale
    assert client.post("/hooks/sendgrid", content=body, headers=headers).status_code == 403
    assert _emails_on(ada)
    fresh = _signed(key, body)  # SendGrid itself signs a new delivery with a new timestamp
    assert client.post("/hooks/sendgrid", content=body, headers=fresh).status_code == 200
    assert not _emails_on(ada)
