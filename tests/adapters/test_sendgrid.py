"""The SendGrid adapter against a local server speaking the v3 Mail Send API, and event signature checks."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from metaic.adapters.email import OutgoingEmail, get_email_sender
from metaic.adapters.errors import ProviderError
from metaic.adapters.sendgrid import SendGridEmailSender, verify_event_signature
from metaic.config import get_settings
from tests.support.fake_providers import SENDGRID_KEY, sendgrid_server  # noqa: F401


@pytest.fixture
def sendgrid(sendgrid_server, monkeypatch):  # noqa: F811
    """Settings pointing the app at the fake SendGrid."""
    monkeypatch.setenv("EMAIL_BACKEND", "sendgrid")
    monkeypatch.setenv("SENDGRID_API_KEY", SENDGRID_KEY)
    monkeypatch.setenv("SENDGRID_API_URL", sendgrid_server.url)
    monkeypatch.setenv("EMAIL_FROM", "MetaIC <no-reply@metaic.test>")
    get_settings.cache_clear()
    return sendgrid_server


def test_sendgrid_posts_v3_mail_send(sendgrid):
    """Bearer key, personalizations, from, subject, text then HTML, headers and custom args; returns X-Message-Id."""
    sender = get_email_sender()
    assert isinstance(sender, SendGridEmailSender)
    message_id = sender.send(
        OutgoingEmail(
            to="Ada <ada@example.com>",
            subject="Hello",
            text="plain",
            html="<p>html</p>",
            reply_to="Bo <bo@example.com>",
            headers={"List-Unsubscribe": "<https://x.test/u>"},
            metadata={"delivery_id": "d-1"},
        )
    )
    assert message_id and len(sendgrid.requests) == 1
    request = sendgrid.requests[0]
    assert request.headers["authorization"] == f"Bearer {SENDGRID_KEY}"
    body = request.json()
    assert body["personalizations"] == [{"to": [{"email": "ada@example.com", "name": "Ada"}]}]
    assert body["from"] == {"email": "no-reply@metaic.test", "name": "MetaIC"}
    assert body["subject"] == "Hello" and body["reply_to"] == {"email": "bo@example.com", "name": "Bo"}
    assert body["content"] == [{"type": "text/plain", "value": "plain"}, {"type": "text/html", "value": "<p>html</p>"}]
    assert body["headers"] == {"List-Unsubscribe": "<https://x.test/u>"}
    assert body["custom_args"] == {"delivery_id": "d-1"}


def test_sendgrid_refusals_are_errors(sendgrid, monkeypatch):
    """A bad address is a permanent error; a wrong key too; an unreachable API is worth retrying."""
    with pytest.raises(ProviderError) as err:
        get_email_sender().send(OutgoingEmail(to="nobody@invalid.test", subject="s", text="t"))
    assert err.value.permanent and err.value.status == 400
    monkeypatch.setenv("SENDGRID_API_KEY", "SG.wrong")
    get_settings.cache_clear()
    with pytest.raises(ProviderError) as err:
        get_email_sender().send(OutgoingEmail(to="ada@example.com", subject="s", text="t"))
    assert err.value.status == 401
    monkeypatch.setenv("SENDGRID_API_URL", "http://127.0.0.1:1")
    get_settings.cache_clear()
    with pytest.raises(ProviderError) as err:
        get_email_sender().send(OutgoingEmail(to="ada@example.com", subject="s", text="t"))
    assert not err.value.permanent


def test_sendgrid_backend_needs_a_key(monkeypatch):
    """Choosing SendGrid without a key fails at start-up."""
    monkeypatch.setenv("EMAIL_BACKEND", "sendgrid")
    monkeypatch.setenv("SENDGRID_API_KEY", "")
    get_settings.cache_clear()
    with pytest.raises(ValueError, match="SENDGRID_API_KEY"):
        get_settings()


def _signing_key() -> tuple[ec.EllipticCurvePrivateKey, str]:
    """A P-256 key and its public half as SendGrid shows it (base64 DER)."""
    key = ec.generate_private_key(ec.SECP256R1())
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return key, base64.b64encode(der).decode()


def test_event_signature_verification():
    """ECDSA over timestamp + raw body verifies; any change to body, timestamp or key does not."""
    key, public = _signing_key()
    payload, timestamp = b'[{"event":"delivered"}]', "1700000000"
    signature = base64.b64encode(key.sign(timestamp.encode() + payload, ec.ECDSA(hashes.SHA256()))).decode()
    assert verify_event_signature(public, payload, signature, timestamp)
    assert not verify_event_signature(public, payload + b" ", signature, timestamp)
    assert not verify_event_signature(public, payload, signature, "1700000001")
    assert not verify_event_signature(_signing_key()[1], payload, signature, timestamp)
    assert not verify_event_signature(public, payload, "not-base64!!", timestamp)
    assert not verify_event_signature("", payload, signature, timestamp)
    assert not verify_event_signature(public, payload, "", timestamp)
