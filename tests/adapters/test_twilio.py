"""Twilio SMS and WhatsApp against a local server speaking the Messages API, and webhook signatures."""

from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator

from metaic.adapters.errors import ProviderError
from metaic.adapters.sms import get_sms_sender
from metaic.adapters.twilio_sms import TwilioSmsSender, compute_signature, verify_signature
from metaic.adapters.whatsapp import ConsoleWhatsAppSender, TwilioWhatsAppSender, get_whatsapp_sender
from metaic.config import get_settings
from tests.support.fake_providers import INVALID_NUMBER, TWILIO_SID, TWILIO_TOKEN, twilio_server  # noqa: F401


@pytest.fixture
def twilio(twilio_server, monkeypatch):  # noqa: F811
    """Settings pointing SMS and WhatsApp at the fake Twilio."""
    for key, value in {
        "SMS_BACKEND": "twilio",
        "WHATSAPP_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_FROM": "+15005550006",
        "TWILIO_WHATSAPP_FROM": "+14155238886",
        "TWILIO_API_URL": twilio_server.url,
        "PUBLIC_BASE_URL": "https://metaic.test",
    }.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    return twilio_server


def test_sms_posts_form_with_basic_auth_and_status_callback(twilio):
    """To/From/Body and StatusCallback go as a form, authenticated as the account; the SID comes back."""
    sender = get_sms_sender()
    assert isinstance(sender, TwilioSmsSender)
    sid = sender.send("+14155550100", "Your code is 123456")
    assert sid.startswith("SM") and len(twilio.requests) == 1
    form = twilio.requests[0].form()
    assert form == {
        "To": "+14155550100",
        "From": "+15005550006",
        "Body": "Your code is 123456",
        "StatusCallback": "https://metaic.test/hooks/twilio",
    }


def test_whatsapp_uses_whatsapp_addresses(twilio):
    """WhatsApp goes through the same API with `whatsapp:+E164` on both ends."""
    sender = get_whatsapp_sender()
    assert isinstance(sender, TwilioWhatsAppSender)
    assert sender.send("+14155550100", "Hi").startswith("SM")
    form = twilio.requests[0].form()
    assert form["To"] == "whatsapp:+14155550100" and form["From"] == "whatsapp:+14155238886"


def test_invalid_number_is_a_permanent_error(twilio):
    """Twilio's 21211 (invalid To) will not get better by retrying."""
    with pytest.raises(ProviderError) as err:
        get_sms_sender().send(INVALID_NUMBER, "hello")
    assert err.value.permanent and "21211" in str(err.value)


def test_wrong_credentials_and_unreachable_api(twilio, monkeypatch):
    """A wrong token is refused (401); an API that is down is a transient error."""
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "wrong")
    get_settings.cache_clear()
    with pytest.raises(ProviderError) as err:
        get_sms_sender().send("+14155550100", "hello")
    assert err.value.status == 401
    monkeypatch.setenv("TWILIO_API_URL", "http://127.0.0.1:1")
    get_settings.cache_clear()
    with pytest.raises(ProviderError) as err:
        get_sms_sender().send("+14155550100", "hello")
    assert not err.value.permanent


def test_console_whatsapp_writes_outbox(outbox):
    """Without Twilio, WhatsApp messages land in the outbox folder."""
    sender = get_whatsapp_sender()
    assert isinstance(sender, ConsoleWhatsAppSender)
    sender.send("+14155550100", "Hello there")
    files = list((outbox.folder / "whatsapp").glob("*.txt"))
    assert len(files) == 1 and "whatsapp:+14155550100" in files[0].read_text()


def test_twilio_backend_needs_credentials(monkeypatch):
    """Choosing Twilio without credentials fails at start-up."""
    monkeypatch.setenv("SMS_BACKEND", "twilio")
    get_settings.cache_clear()
    with pytest.raises(ValueError, match="TWILIO_ACCOUNT_SID"):
        get_settings()


def test_signature_matches_twilio_library_and_refuses_forgeries():
    """Our HMAC-SHA1 equals Twilio's RequestValidator; changed params, URL or token do not verify."""
    url = "https://metaic.test/hooks/twilio"
    params = {"MessageSid": "SM1", "MessageStatus": "delivered", "To": "+14155550100", "AccountSid": TWILIO_SID}
    signature = compute_signature(TWILIO_TOKEN, url, params)
    assert signature == RequestValidator(TWILIO_TOKEN).compute_signature(url, params)
    assert verify_signature(TWILIO_TOKEN, url, params, signature)
    assert not verify_signature(TWILIO_TOKEN, url, {**params, "MessageStatus": "failed"}, signature)
    assert not verify_signature(TWILIO_TOKEN, url + "?x=1", params, signature)
    assert not verify_signature("other-token", url, params, signature)
    assert not verify_signature(TWILIO_TOKEN, url, params, "")
    assert not verify_signature("", url, params, signature)
