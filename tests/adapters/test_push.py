"""Web Push (VAPID + aes128gcm) against a local push service, and FCM v1 against a fake FCM + OAuth endpoint."""

from __future__ import annotations

import json

import pytest

from metaic.adapters.errors import ProviderError, RecipientGone
from metaic.adapters.push import (
    FcmSender,
    PushMessage,
    WebPushSender,
    WebPushTarget,
    generate_vapid_keys,
    vapid_keys,
)
from metaic.config import get_settings
from tests.conftest import PRODUCTION_HASH_COST
from tests.support.fake_providers import Browser, fcm_server, push_service  # noqa: F401


@pytest.fixture
def vapid(monkeypatch, tmp_path):
    """A fresh data folder, so the VAPID key pair is generated there."""
    monkeypatch.setenv("METAIC_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("EMAIL_FROM", "MetaIC <push@metaic.test>")
    get_settings.cache_clear()
    return get_settings()


def test_dev_vapid_keys_are_generated_once(vapid, tmp_path):
    """Without settings, a key pair is created in the data folder and reused; settings win when set."""
    first = vapid_keys(vapid)
    assert first == vapid_keys(get_settings())
    assert (tmp_path / "vapid_keys.json").stat().st_mode & 0o777 == 0o600
    public, private = generate_vapid_keys()
    assert len(public) == 87 and len(private) == 43
    assert first != (public, private)


def test_production_without_keys_has_no_web_push(monkeypatch, tmp_path):
    """Production never invents keys: subscriptions would break when another server made other ones."""
    for key, value in {"METAIC_ENV": "production", "METAIC_DATA_DIR": str(tmp_path), **PRODUCTION_HASH_COST}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    assert vapid_keys(get_settings()) is None
    with pytest.raises(ProviderError):
        WebPushSender(get_settings())


def test_web_push_is_encrypted_and_vapid_signed(vapid, push_service):  # noqa: F811
    """The push service sees a valid VAPID JWT for its origin; only the browser's key decrypts the payload."""
    browser = Browser()
    target = WebPushTarget(f"{push_service.url}/push/abc", browser.p256dh, browser.auth)
    message = PushMessage(title="Hello 王", body="Body", url="/contacts/1", tag="t1")
    location = WebPushSender(vapid).send(target, message)
    assert location.startswith(push_service.url)
    path, request, claims = push_service.received[0]
    assert path == "/push/abc"
    assert claims["aud"] == push_service.url and claims["sub"] == "mailto:push@metaic.test"
    assert request.headers["authorization"].endswith(",k=" + vapid_keys(vapid)[0])
    assert request.headers["content-encoding"] == "aes128gcm" and int(request.headers["ttl"]) > 0
    assert b"Hello" not in request.body
    assert browser.decrypt(request.body) == {"title": "Hello 王", "body": "Body", "url": "/contacts/1", "tag": "t1"}
    with pytest.raises(Exception):  # noqa: B017 - any other browser's key must fail to decrypt
        Browser().decrypt(request.body)


def test_expired_subscription_is_reported_gone(vapid, push_service):  # noqa: F811
    """410 from the push service means: forget this subscription."""
    browser = Browser()
    with pytest.raises(RecipientGone):
        WebPushSender(vapid).send(
            WebPushTarget(f"{push_service.url}/gone/x", browser.p256dh, browser.auth), PushMessage(title="t", body="b")
        )


@pytest.fixture
def fcm(fcm_server, monkeypatch):  # noqa: F811
    """Settings pointing FCM at the fake, with its service account."""
    monkeypatch.setenv("FCM_PROJECT_ID", fcm_server.project)
    monkeypatch.setenv("FCM_CREDENTIALS_JSON", json.dumps(fcm_server.credentials()))
    monkeypatch.setenv("FCM_API_URL", fcm_server.url)
    monkeypatch.setenv("FCM_TOKEN_URL", f"{fcm_server.url}/token")
    get_settings.cache_clear()
    return fcm_server


def test_fcm_gets_a_token_then_sends(fcm):
    """A signed JWT buys an access token (reused for the next send); the message reaches messages:send."""
    sender = FcmSender(get_settings())
    name = sender.send("device-1", PushMessage(title="Hi", body="There", url="/x", tag="n1"))
    assert name == f"projects/{fcm.project}/messages/1"
    sender.send("device-2", PushMessage(title="Again", body=""))
    assert [r.path for r in fcm.requests].count("/token") == 1
    assert fcm.messages[0] == {
        "token": "device-1",
        "notification": {"title": "Hi", "body": "There"},
        "data": {"url": "/x", "tag": "n1"},
    }


def test_fcm_credentials_from_a_file(fcm, tmp_path, monkeypatch):
    """FCM_CREDENTIALS_JSON may be a path to the service-account file."""
    path = tmp_path / "sa.json"
    path.write_text(json.dumps(fcm.credentials()))
    monkeypatch.setenv("FCM_CREDENTIALS_JSON", str(path))
    get_settings.cache_clear()
    assert FcmSender(get_settings()).send("device-1", PushMessage(title="t", body="b"))


def test_fcm_unregistered_token_and_bad_credentials(fcm, monkeypatch):
    """An unregistered device is gone; credentials the token endpoint rejects are a permanent error."""
    with pytest.raises(RecipientGone):
        FcmSender(get_settings()).send("unregistered-device", PushMessage(title="t", body="b"))
    other = fcm.credentials()
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    other["private_key"] = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )
    other["client_email"] = "intruder@example.iam.gserviceaccount.com"
    monkeypatch.setenv("FCM_CREDENTIALS_JSON", json.dumps(other))
    get_settings.cache_clear()
    with pytest.raises(ProviderError) as err:
        FcmSender(get_settings()).send("device-1", PushMessage(title="t", body="b"))
    assert err.value.permanent and err.value.status == 400


def test_fcm_not_configured():
    """Without FCM settings the sender refuses to start."""
    with pytest.raises(ProviderError):
        FcmSender(get_settings())
