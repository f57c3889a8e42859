"""Reply webhooks: signed Twilio incoming messages and SendGrid Inbound Parse land on the contact's timeline."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from metaic.adapters.twilio_sms import compute_signature
from metaic.api import inbound_routes
from metaic.config import get_settings
from metaic.jobs.queue import drain_local
from tests.api.test_contacts_api import add, bearer
from tests.support.fake_providers import TWILIO_TOKEN
from tests.support.http import problem

TWILIO_URL = "http://testserver/hooks/twilio/inbound"
INBOUND_TOKEN = "inbound-secret-0123456789"
GRACE_EMAIL, GRACE_PHONE = "grace@navy.example.com", "+12025550143"


@pytest.fixture
def client(client: TestClient, outbox, monkeypatch) -> TestClient:
    """The shared client, with a Twilio auth token and an Inbound Parse secret configured (webhooks check both)."""
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TWILIO_TOKEN)
    monkeypatch.setenv("SENDGRID_INBOUND_TOKEN", INBOUND_TOKEN)
    get_settings.cache_clear()
    return client


def _messaged(client: TestClient, channel: str) -> tuple[dict, str]:
    """An owner's headers and a contact they have sent a message to on `channel` (delivered)."""
    owner = bearer("owner@example.com")
    grace = add(
        client, owner, full_name="Grace Hopper", emails=[{"value": GRACE_EMAIL}], phones=[{"value": GRACE_PHONE}]
    )
    sent = client.post(
        f"/api/v1/contacts/{grace['id']}/messages",
        headers=owner,
        json={"channel": channel, "subject": "Hi", "body": "Nice to meet you"},
    )
    assert sent.status_code == 201, sent.text
    drain_local()
    return owner, grace["id"]


def _inbound(client: TestClient, owner: dict, contact_id: str) -> list[dict]:
    """The inbound entries of the contact's timeline, read over HTTP."""
    response = client.get(f"/api/v1/contacts/{contact_id}/timeline", headers=owner)
    assert response.status_code == 200, response.text
    return [e for e in response.json() if e["direction"] == "inbound"]


def _twilio_form(**extra) -> dict:
    """An incoming WhatsApp message as Twilio posts it."""
    return {
        "MessageSid": "SM" + "a" * 32,
        "AccountSid": "AC" + "0" * 32,
        "From": f"whatsapp:{GRACE_PHONE}",
        "To": "whatsapp:+15005550006",
        "Body": "Sounds good, talk Friday",
        "NumMedia": "0",
        **extra,
    }


def test_signed_twilio_reply_lands_on_the_timeline_once(client):
    owner, contact_id = _messaged(client, "whatsapp")
    form = _twilio_form()
    headers = {"X-Twilio-Signature": compute_signature(TWILIO_TOKEN, TWILIO_URL, form)}
    for _ in range(2):  # Twilio retries: the second call is answered but stores nothing
        response = client.post("/hooks/twilio/inbound", data=form, headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/xml")
        assert response.text.endswith("<Response/>")
    [entry] = _inbound(client, owner, contact_id)
    assert (entry["channel"], entry["body"]) == ("whatsapp", "Sounds good, talk Friday")
    notes = client.get("/api/v1/notifications", headers=owner).json()["items"]
    assert [n["title"] for n in notes] == ["New message from Grace Hopper"]


def test_forged_twilio_reply_is_refused_and_stores_nothing(client):
    owner, contact_id = _messaged(client, "whatsapp")
    form = _twilio_form()
    good = compute_signature(TWILIO_TOKEN, TWILIO_URL, form)
    problem(client.post("/hooks/twilio/inbound", data=form), 403)
    problem(client.post("/hooks/twilio/inbound", data=form, headers={"X-Twilio-Signature": "Zm9yZ2Vk"}), 403)
    problem(
        client.post(
            "/hooks/twilio/inbound",
            data={**form, "Body": "Send me your password"},
            headers={"X-Twilio-Signature": good},
        ),
        403,
    )
    assert _inbound(client, owner, contact_id) == []


def test_twilio_reply_from_an_unknown_number_is_answered_and_ignored(client):
    owner, contact_id = _messaged(client, "whatsapp")
    form = _twilio_form(From="+14155550100")
    headers = {"X-Twilio-Signature": compute_signature(TWILIO_TOKEN, TWILIO_URL, form)}
    assert client.post("/hooks/twilio/inbound", data=form, headers=headers).status_code == 200
    assert _inbound(client, owner, contact_id) == []


def _email(**extra) -> dict:
    """An Inbound Parse post (default mode) of Grace's reply."""
    headers = "Received: by mx.sendgrid.net\nMessage-ID: <reply-1@navy.example.com>\nSubject: Re: Hi\n"
    return {
        "from": f"Grace Hopper <{GRACE_EMAIL}>",
        "to": "replies@metaic.example.com",
        "subject": "Re: Hi",
        "text": "Happy to help.\n",
        "headers": headers,
        **extra,
    }


def _post_email(client: TestClient, token: str = INBOUND_TOKEN, **extra):
    """Post a reply as multipart/form-data, the way SendGrid does, with one attachment."""
    files = {"attachment1": ("note.txt", b"attached", "text/plain")}
    return client.post(f"/hooks/sendgrid/inbound/{token}", data=_email(**extra), files=files)


def test_sendgrid_reply_with_the_right_token_lands_on_the_timeline(client):
    owner, contact_id = _messaged(client, "email")
    for _ in range(2):
        assert _post_email(client).status_code == 200
    [entry] = _inbound(client, owner, contact_id)
    assert (entry["channel"], entry["subject"], entry["body"]) == ("email", "Re: Hi", "Happy to help.")


def test_sendgrid_reply_without_message_id_is_still_stored_once(client):
    owner, contact_id = _messaged(client, "email")
    for _ in range(2):
        assert _post_email(client, headers="Subject: Re: Hi\n").status_code == 200
    assert len(_inbound(client, owner, contact_id)) == 1


def test_sendgrid_reply_with_a_wrong_token_is_refused(client):
    owner, contact_id = _messaged(client, "email")
    for token in ("wrong-token-0123456789abc", INBOUND_TOKEN[:-1], INBOUND_TOKEN + "x"):
        problem(_post_email(client, token=token), 404)
    assert _inbound(client, owner, contact_id) == []


def test_sendgrid_inbound_is_off_without_a_token(client, monkeypatch):
    owner, contact_id = _messaged(client, "email")
    monkeypatch.setenv("SENDGRID_INBOUND_TOKEN", "")
    get_settings.cache_clear()
    problem(_post_email(client), 404)
    problem(_post_email(client, token=""), 404)
    assert _inbound(client, owner, contact_id) == []


def test_oversize_replies_are_413(client, monkeypatch):
    owner, contact_id = _messaged(client, "email")
    monkeypatch.setattr(inbound_routes, "MAX_EMAIL_BYTES", 2000)
    monkeypatch.setattr(inbound_routes, "MAX_TWILIO_BYTES", 2000)
    body = problem(_post_email(client, text="x" * 5000), 413)
    assert body["type"].endswith("/payload_too_large")
    form = _twilio_form(Body="y" * 5000)
    headers = {"X-Twilio-Signature": compute_signature(TWILIO_TOKEN, TWILIO_URL, form)}
    problem(client.post("/hooks/twilio/inbound", data=form, headers=headers), 413)
    assert _inbound(client, owner, contact_id) == []


def test_a_short_inbound_token_is_refused_at_start_up(monkeypatch):
    monkeypatch.setenv("SENDGRID_INBOUND_TOKEN", "short")
    get_settings.cache_clear()
    with pytest.raises(ValueError, match="SENDGRID_INBOUND_TOKEN"):
        get_settings()
