"""The HTTP edge: list/read API, preferences, push subscriptions, signed webhooks and the unsubscribe link."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from metaic.adapters.twilio_sms import compute_signature
from metaic.auth import api_tokens
from metaic.config import get_settings
from metaic.core import clock
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.notifications import flows, preferences
from metaic.notifications.models import DELIVERED, EMAIL, FAILED, SENT, SMS, NotificationDelivery
from tests.notifications.conftest import make_user
from tests.support.fake_providers import Browser

PROBLEM = "application/problem+json"


# Deliveries write emails and texts into the outbox folder of each test.
pytestmark = pytest.mark.usefixtures("outbox")


def _account(email: str, **kwargs) -> tuple[uuid.UUID, dict]:
    """A committed account and bearer headers for it."""
    with session_scope() as s:
        user = make_user(s, email, **kwargs)
        pair = api_tokens.issue(session=s, user=user)
        return user.id, {"Authorization": f"Bearer {pair.access_token}"}


def _notify(user_id: uuid.UUID, kind: str = "announcement", **data):
    """Create a notification for a user and let its jobs run; returns its id."""
    with session_scope() as s:
        from metaic.auth.models import User

        note = flows.notify(session=s, user=s.get(User, user_id), kind=kind, data=data or {"title": "Hi"})
        note_id = note.id
    drain_local()
    return note_id


def test_list_count_read_and_isolation(client):
    """The owner lists, counts and marks read; another user gets 404 and their own empty list."""
    ada, ada_headers = _account("ada@example.com")
    _bob, bob_headers = _account("bob@example.com")
    first = _notify(ada, title="One")
    _notify(ada, title="Two")
    assert client.get("/api/v1/notifications").status_code == 401
    body = client.get("/api/v1/notifications", headers=ada_headers).json()
    assert body["unread"] == 2 and [i["title"] for i in body["items"]] == ["Two", "One"]
    assert set(body["items"][0]) >= {"id", "kind", "title", "body", "url", "created_at", "read"}
    assert "user_id" not in body["items"][0] and "data" not in body["items"][0]
    assert client.get("/api/v1/notifications", headers=bob_headers).json() == {"items": [], "unread": 0}
    for method, path in [("get", f"/api/v1/notifications/{first}"), ("post", f"/api/v1/notifications/{first}/read")]:
        response = getattr(client, method)(path, headers=bob_headers)
        assert response.status_code == 404 and response.headers["content-type"].startswith(PROBLEM)
    detail = client.get(f"/api/v1/notifications/{first}", headers=ada_headers).json()
    assert [d["channel"] for d in detail["deliveries"]] == [EMAIL] and detail["deliveries"][0]["status"] == SENT
    assert client.post(f"/api/v1/notifications/{first}/read", headers=ada_headers).json()["read"] is True
    assert client.get("/api/v1/notifications/unread-count", headers=ada_headers).json() == {"unread": 1}
    unread = client.get("/api/v1/notifications?unread_only=true", headers=ada_headers).json()["items"]
    assert [i["title"] for i in unread] == ["Two"]
    assert client.post("/api/v1/notifications/read-all", headers=bob_headers).json() == {"updated": 0}
    assert client.post("/api/v1/notifications/read-all", headers=ada_headers).json() == {"updated": 1}
    assert client.get("/api/v1/notifications/not-a-uuid", headers=ada_headers).status_code == 422
    assert client.get("/api/v1/notifications?limit=1000", headers=ada_headers).status_code == 422


def test_preferences_round_trip_and_validation(client):
    """GET shows the matrix and quiet hours; PUT changes them; bad input is a 422 and changes nothing."""
    _ada, headers = _account("ada@example.com", timezone="Asia/Shanghai")
    body = client.get("/api/v1/notifications/preferences", headers=headers).json()
    assert body["timezone"] == "Asia/Shanghai" and body["quiet_start"] is None
    assert body["channels"]["reminder"] == {"email": True, "sms": False, "push": True, "whatsapp": False}
    change = {"channels": {"reminder": {"email": False, "sms": True}}, "quiet_start": "22:00", "quiet_end": "07:00"}
    body = client.put("/api/v1/notifications/preferences", json=change, headers=headers).json()
    assert body["channels"]["reminder"]["email"] is False and body["channels"]["reminder"]["sms"] is True
    assert (body["quiet_start"], body["quiet_end"]) == ("22:00", "07:00")
    for bad in [
        {"channels": {"nope": {"email": True}}},
        {"channels": {"reminder": {"fax": True}}},
        {"quiet_start": "22:00"},
        {"quiet_start": "9pm", "quiet_end": "07:00"},
        {"channels": "x"},
    ]:
        response = client.put("/api/v1/notifications/preferences", json=bad, headers=headers)
        assert response.status_code == 422, (bad, response.text)
    assert client.get("/api/v1/notifications/preferences", headers=headers).json()["quiet_start"] == "22:00"


def test_push_subscriptions(client):
    """A browser subscription is stored (once), validated, and removable; the VAPID key is public."""
    _ada, headers = _account("ada@example.com")
    key = client.get("/api/v1/push/vapid-public-key").json()["key"]
    assert len(key) == 87
    browser = Browser()
    sub = {"endpoint": "https://push.example.com/send/abc", "keys": {"p256dh": browser.p256dh, "auth": browser.auth}}
    assert client.post("/api/v1/push/subscriptions", json=sub).status_code == 401
    first = client.post("/api/v1/push/subscriptions", json=sub, headers=headers)
    assert first.status_code == 201 and first.json()["type"] == "webpush"
    assert client.post("/api/v1/push/subscriptions", json=sub, headers=headers).json()["id"] == first.json()["id"]
    for bad in [
        {**sub, "endpoint": "http://push.example.com/x"},
        {**sub, "endpoint": "https://10.0.0.1/x"},
        {**sub, "keys": {"p256dh": "abc", "auth": browser.auth}},
        {**sub, "keys": {"p256dh": browser.p256dh}},
        {"type": "fcm", "token": ""},
        {"type": "carrier-pigeon", "endpoint": "x"},
    ]:
        assert client.post("/api/v1/push/subscriptions", json=bad, headers=headers).status_code == 422, bad
    fcm = client.post("/api/v1/push/subscriptions", json={"type": "fcm", "token": "t1"}, headers=headers)
    assert fcm.status_code == 201 and fcm.json()["type"] == "fcm"
    assert client.post("/api/v1/push/subscriptions/delete", json=sub, headers=headers).status_code == 204
    assert client.post("/api/v1/push/subscriptions/delete", json=sub, headers=headers).status_code == 404


def _sendgrid_key(monkeypatch) -> ec.EllipticCurvePrivateKey:
    """Configure a webhook verification key; return its private half (SendGrid's side)."""
    key = ec.generate_private_key(ec.SECP256R1())
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    monkeypatch.setenv("SENDGRID_WEBHOOK_PUBLIC_KEY", base64.b64encode(der).decode())
    get_settings.cache_clear()
    return key


def _signed(key, body: bytes, timestamp: str | None = None) -> dict:
    """SendGrid's signature headers for a body, signed now unless a timestamp is given."""
    timestamp = timestamp or str(int(clock.now().timestamp()))
    signature = key.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    return {
        "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(signature).decode(),
        "X-Twilio-Email-Event-Webhook-Timestamp": timestamp,
        "Content-Type": "application/json",
    }


def _email_delivery(user_id) -> NotificationDelivery:
    """Send an email notification and return its delivery row."""
    note_id = _notify(user_id)
    with session_scope() as s:
        from sqlmodel import select

        return s.exec(select(NotificationDelivery).where(NotificationDelivery.notification_id == note_id)).one()


def _status(delivery_id) -> tuple[str, str]:
    """Status and last error of a delivery."""
    with session_scope() as s:
        row = s.get(NotificationDelivery, delivery_id)
        return row.status, row.last_error


def test_sendgrid_webhook_updates_status_and_refuses_forgeries(client, monkeypatch, sendgrid_server):
    """Signed events move the delivery forward (never back); forged or unsigned calls get 403 and change nothing."""
    from tests.support.fake_providers import SENDGRID_KEY

    for key, value in {
        "EMAIL_BACKEND": "sendgrid",
        "SENDGRID_API_KEY": SENDGRID_KEY,
        "SENDGRID_API_URL": sendgrid_server.url,
    }.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    ada, _ = _account("ada@example.com")
    row = _email_delivery(ada)
    events = [
        {"event": "delivered", "delivery_id": str(row.id), "sg_message_id": "x.filter1", "email": "ada@example.com"}
    ]
    body = json.dumps(events).encode()
    assert client.post("/hooks/sendgrid", content=body, headers={"Content-Type": "application/json"}).status_code == 403
    key = _sendgrid_key(monkeypatch)
    forged = _signed(ec.generate_private_key(ec.SECP256R1()), body)
    response = client.post("/hooks/sendgrid", content=body, headers=forged)
    assert response.status_code == 403 and response.headers["content-type"].startswith(PROBLEM)
    tampered = json.dumps([{**events[0], "event": "bounce"}]).encode()
    assert client.post("/hooks/sendgrid", content=tampered, headers=_signed(key, body)).status_code == 403
    assert _status(row.id)[0] == SENT
    assert sendgrid_server.requests[0].json()["custom_args"] == {"delivery_id": str(row.id)}
    response = client.post("/hooks/sendgrid", content=body, headers=_signed(key, body))
    assert response.status_code == 200 and response.json() == {"changed": 1}
    assert _status(row.id)[0] == DELIVERED
    late = json.dumps([{"event": "processed", "sg_message_id": f"{row.provider_message_id}.filter"}]).encode()
    assert client.post("/hooks/sendgrid", content=late, headers=_signed(key, late)).json() == {"changed": 0}
    other = _email_delivery(ada)
    bounce = json.dumps(
        [{"event": "bounce", "reason": "550 no such user", "sg_message_id": f"{other.provider_message_id}.filter0001"}]
    ).encode()
    client.post("/hooks/sendgrid", content=bounce, headers=_signed(key, bounce))
    assert _status(other.id) == (FAILED, "550 no such user")
    unsub = json.dumps([{"event": "unsubscribe", "delivery_id": str(other.id)}]).encode()
    client.post("/hooks/sendgrid", content=unsub, headers=_signed(key, unsub))
    with session_scope() as s:
        from metaic.auth.models import User

        assert not preferences.is_enabled(session=s, user=s.get(User, ada), kind="announcement", channel=EMAIL)


def test_twilio_webhook_updates_status_and_refuses_forgeries(client, monkeypatch, twilio_server):
    """A correctly signed status callback moves the SMS delivery; a wrong signature is 403."""
    from tests.support.fake_providers import TWILIO_SID, TWILIO_TOKEN

    for key, value in {
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_FROM": "+15005550006",
        "TWILIO_API_URL": twilio_server.url,
    }.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    ada, _ = _account("ada@example.com", phone="+14155550100")
    with session_scope() as s:
        from metaic.auth.models import User

        preferences.set_channel(session=s, user=s.get(User, ada), kind="security", channel=SMS, enabled=True)
        preferences.set_channel(session=s, user=s.get(User, ada), kind="security", channel=EMAIL, enabled=False)
    note_id = _notify(ada, kind="security", event="new sign-in")
    with session_scope() as s:
        from sqlmodel import select

        row = s.exec(select(NotificationDelivery).where(NotificationDelivery.notification_id == note_id)).one()
    assert twilio_server.requests[0].form()["StatusCallback"] == "http://testserver/hooks/twilio"
    params = {
        "MessageSid": row.provider_message_id,
        "MessageStatus": "undelivered",
        "ErrorCode": "30003",
        "AccountSid": TWILIO_SID,
    }
    good = compute_signature(TWILIO_TOKEN, "http://testserver/hooks/twilio", params)
    assert client.post("/hooks/twilio", data=params).status_code == 403
    assert client.post("/hooks/twilio", data=params, headers={"X-Twilio-Signature": "Zm9yZ2Vk"}).status_code == 403
    assert (
        client.post(
            "/hooks/twilio", data={**params, "MessageStatus": "delivered"}, headers={"X-Twilio-Signature": good}
        ).status_code
        == 403
    )
    assert _status(row.id)[0] == SENT
    assert client.post("/hooks/twilio", data=params, headers={"X-Twilio-Signature": good}).status_code == 204
    assert _status(row.id) == (FAILED, "Twilio error 30003")


def test_unsubscribe_link_and_one_click(client):
    """GET and RFC 8058 POST both switch the kind's email off; a bad token is a 400 page, not a crash."""
    ada, _ = _account("ada@example.com")
    token = preferences.unsubscribe_token(user_id=ada, kind="reminder")
    response = client.post(f"/notifications/unsubscribe?token={token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "Follow-up reminders" in response.text
    assert client.get(f"/notifications/unsubscribe?token={token}").status_code == 200
    bad = client.get("/notifications/unsubscribe?token=<script>alert(1)</script>")
    assert bad.status_code == 400 and "<script>" not in bad.text
    with session_scope() as s:
        from metaic.auth.models import User

        assert not preferences.is_enabled(session=s, user=s.get(User, ada), kind="reminder", channel=EMAIL)
