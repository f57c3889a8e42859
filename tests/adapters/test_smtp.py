"""The SMTP email backend against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import pytest

from metaic.adapters.email import OutgoingEmail, SmtpEmailSender, get_email_sender
from metaic.config import get_settings
from tests.support.fake_providers import smtp_server  # noqa: F401


@pytest.fixture
def smtp_settings(smtp_server, monkeypatch):  # noqa: F811
    """Settings pointing the app at the test SMTP server."""
    monkeypatch.setenv("EMAIL_BACKEND", "smtp")
    monkeypatch.setenv("SMTP_HOST", smtp_server.host)
    monkeypatch.setenv("SMTP_PORT", str(smtp_server.port))
    get_settings.cache_clear()
    return get_settings()


def test_smtp_sends_multipart_with_headers(smtp_server, smtp_settings):  # noqa: F811
    """Text + HTML alternatives and extra headers (List-Unsubscribe) arrive intact, UTF-8 included."""
    sender = get_email_sender()
    assert isinstance(sender, SmtpEmailSender)
    message_id = sender.send(
        OutgoingEmail(
            to="ada@example.com",
            subject="Bonjour 王小明",
            text="plain body ✓",
            html="<p>html <b>body</b> ✓</p>",
            reply_to="Bo Li <bo@example.com>",
            headers={
                "List-Unsubscribe": "<https://x.test/u?token=abc>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
    )
    assert len(smtp_server.sink.messages) == 1
    mail = smtp_server.sink.messages[0]
    assert mail["Message-ID"] == message_id
    assert mail["Subject"] == "Bonjour 王小明" and mail["To"] == "ada@example.com"
    assert mail["Reply-To"] == "Bo Li <bo@example.com>"
    assert mail["List-Unsubscribe"] == "<https://x.test/u?token=abc>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.get_content_type() == "multipart/alternative"
    assert mail.get_body(("plain",)).get_content().strip() == "plain body ✓"
    assert "<b>body</b> ✓" in mail.get_body(("html",)).get_content()
    assert smtp_server.sink.envelopes[0][1] == ["ada@example.com"]


def test_smtp_unreachable_server_raises(smtp_settings, monkeypatch):
    """A server that is not there is an error the delivery job can retry, not a silent success."""
    monkeypatch.setenv("SMTP_PORT", "1")
    get_settings.cache_clear()
    with pytest.raises(OSError):
        get_email_sender().send(OutgoingEmail(to="ada@example.com", subject="s", text="t"))
