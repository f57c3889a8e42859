"""Delivery jobs: idempotent, claimed once, retried with back-off, and sent through real local providers."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import select

from metaic.config import get_settings
from metaic.core import clock
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.notifications import delivery, flows, jobs, preferences, service, subscriptions
from metaic.notifications.models import (
    CANCELED,
    EMAIL,
    FAILED,
    PUSH,
    QUEUED,
    SENDING,
    SENT,
    SMS,
    WHATSAPP,
    NotificationDelivery,
    PushSubscription,
)
from tests.notifications.conftest import make_user
from tests.support.fake_providers import TWILIO_SID, TWILIO_TOKEN, Browser


def _one(session, note, channel: str = EMAIL) -> NotificationDelivery:
    """The delivery of a notification on a channel, read fresh once queued jobs have run."""
    drain_local()
    session.expire_all()
    return next(d for d in service.deliveries(session=session, notification=note) if d.channel == channel)


def _use(monkeypatch, **env) -> None:
    """Set environment variables and reload settings."""
    for key, value in env.items():
        monkeypatch.setenv(key, str(value))
    get_settings.cache_clear()


def test_delivery_job_is_idempotent(session, users, outbox):
    """Running the job again (a retry, a duplicate) never sends a second email."""
    ada, _ = users
    note = flows.notify(session=session, user=ada, kind="announcement", data={"title": "Once"})
    session.commit()
    first = _one(session, note)
    assert first.status == SENT and first.attempts == 1 and first.provider == "outbox"
    assert first.provider_message_id and first.sent_at
    assert jobs.deliver(first.id) == SENT
    assert jobs.deliver(str(first.id)) == SENT
    assert jobs.deliver_due() == 0
    assert len(outbox.emails()) == 1
    assert _one(session, note).attempts == 1


def test_only_one_worker_claims_a_delivery(session, users, outbox):
    """Two workers preparing the same delivery: the second finds it claimed and does nothing."""
    ada, _ = users
    preferences.set_channel(session=session, user=ada, kind="announcement", channel=EMAIL, enabled=True)
    note = flows.notify(
        session=session, user=ada, kind="announcement", data={"title": "t"}, send_at=clock.now() + timedelta(minutes=5)
    )
    session.commit()
    clock.advance(timedelta(minutes=6))
    row = _one(session, note)
    with session_scope() as s1:
        plan = delivery.prepare(session=s1, delivery_id=row.id)
    with session_scope() as s2:
        assert delivery.prepare(session=s2, delivery_id=row.id) is None
    assert plan is not None and _one(session, note).status == SENDING
    # A claim abandoned by a dead worker is picked up again by the periodic check.
    assert jobs.deliver_due() == 0
    clock.advance(delivery.STALE_CLAIM + timedelta(seconds=1))
    assert jobs.deliver_due() == 1
    assert _one(session, note).status == SENT and len(outbox.emails()) == 1


def test_transient_failure_is_retried_then_succeeds(session, users, smtp_server, monkeypatch):
    """SMTP down: the delivery waits with back-off and its error; once SMTP is back the retry sends it."""
    ada, _ = users
    _use(monkeypatch, EMAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=1)
    note = flows.notify(session=session, user=ada, kind="announcement", data={"title": "Retry me"})
    session.commit()
    row = _one(session, note)
    assert row.status == QUEUED and row.attempts == 1 and row.last_error
    assert clock.as_utc(row.deliver_after) > clock.now()
    assert jobs.deliver_due() == 0
    _use(monkeypatch, SMTP_PORT=smtp_server.port)
    clock.advance(delivery.BACKOFF[0] + timedelta(seconds=1))
    assert jobs.deliver_due() == 1
    row = _one(session, note)
    assert row.status == SENT and row.attempts == 2 and row.last_error == ""
    assert [m["Subject"] for m in smtp_server.sink.messages] == ["Retry me"]


def test_gives_up_after_max_attempts(session, users, monkeypatch, outbox):
    """A provider that stays down: after MAX_ATTEMPTS the delivery fails for good."""
    ada, _ = users
    _use(monkeypatch, EMAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=1)
    note = flows.notify(session=session, user=ada, kind="announcement", data={"title": "Doomed"})
    session.commit()
    for _ in range(delivery.MAX_ATTEMPTS + 2):
        clock.advance(delivery.BACKOFF[-1] + timedelta(seconds=1))
        jobs.deliver_due()
        drain_local()
    row = _one(session, note)
    assert row.status == FAILED and row.attempts == delivery.MAX_ATTEMPTS


def test_switching_off_before_delivery_cancels(session, users, outbox):
    """A scheduled email whose kind the user turned off meanwhile is canceled, not sent."""
    ada, _ = users
    note = flows.notify(
        session=session, user=ada, kind="reminder", data={"contact": "Grace"}, send_at=clock.now() + timedelta(hours=1)
    )
    preferences.set_channel(session=session, user=ada, kind="reminder", channel=EMAIL, enabled=False)
    session.commit()
    clock.advance(timedelta(hours=1, seconds=1))
    assert jobs.deliver_due() == 1
    assert _one(session, note).status == CANCELED and outbox.emails() == []


def test_email_end_to_end_over_smtp_with_unsubscribe(session, smtp_server, monkeypatch):
    """notify → job → SMTP: a Chinese multipart email with List-Unsubscribe; its link turns that kind off."""
    from metaic.api.app import build_api

    _use(monkeypatch, EMAIL_BACKEND="smtp", SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port)
    ada = make_user(session, "ada@example.com", name="阿达", language="zh")
    note = flows.notify(
        session=session,
        user=ada,
        kind="contact_shared",
        data={"name": "王小明", "company": "<b>ACME</b>", "url": "/contacts/42"},
    )
    session.commit()
    assert _one(session, note).status == SENT
    (mail,) = smtp_server.sink.messages
    assert mail["To"] == "ada@example.com" and mail["Subject"] == "王小明 与您交换了联系方式"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "阿达，您好" in text and "http://testserver/contacts/42" in text and "<b>ACME</b>" in text
    assert "&lt;b&gt;ACME&lt;/b&gt;" in html and "<b>ACME</b>" not in html
    link = re.search(r"<(http://testserver/notifications/unsubscribe\?token=[^>]+)>", mail["List-Unsubscribe"])[1]
    assert link in text and mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    client = TestClient(build_api())
    response = client.get(link.removeprefix("http://testserver"))
    assert response.status_code == 200 and "unsubscribed" in response.text
    session.expire_all()
    assert not preferences.is_enabled(session=session, user=ada, kind="contact_shared", channel=EMAIL)
    again = flows.notify(session=session, user=ada, kind="contact_shared", data={"name": "Grace"})
    session.commit()
    drain_local()
    assert service.deliveries(session=session, notification=again) == []
    assert len(smtp_server.sink.messages) == 1


def test_sms_and_whatsapp_through_twilio(session, twilio_server, monkeypatch, outbox):
    """SMS and WhatsApp deliveries reach Twilio and keep its SID; an invalid number fails permanently."""
    _use(
        monkeypatch,
        SMS_BACKEND="twilio",
        WHATSAPP_BACKEND="twilio",
        TWILIO_ACCOUNT_SID=TWILIO_SID,
        TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
        TWILIO_FROM="+15005550006",
        TWILIO_WHATSAPP_FROM="+14155238886",
        TWILIO_API_URL=twilio_server.url,
    )
    ada = make_user(session, "ada@example.com", phone="+14155550100")
    preferences.update(
        session=session,
        user=ada,
        channels={"security": {EMAIL: False, SMS: True, WHATSAPP: True}},
        quiet_start=None,
        quiet_end=None,
    )
    note = flows.notify(session=session, user=ada, kind="security", data={"event": "new sign-in"})
    session.commit()
    sms, wa = _one(session, note, SMS), _one(session, note, WHATSAPP)
    assert sms.status == wa.status == SENT and sms.provider == "twilio"
    sent = {r.form()["To"]: r.form() for r in twilio_server.requests}
    assert sent["+14155550100"]["Body"].startswith("Security alert: new sign-in")
    assert sent["whatsapp:+14155550100"]["From"] == "whatsapp:+14155238886"
    assert sms.provider_message_id.startswith("SM") and wa.provider_message_id.startswith("SM")
    assert sms.provider_message_id != wa.provider_message_id
    bad = make_user(session, "bad@example.com", phone="+15005550001")
    preferences.set_channel(session=session, user=bad, kind="security", channel=SMS, enabled=True)
    note = flows.notify(session=session, user=bad, kind="security", data={})
    session.commit()
    failed = _one(session, note, SMS)
    assert failed.status == FAILED and failed.attempts == 1 and "21211" in failed.last_error


def test_push_to_browser_and_app_and_forget_dead_subscriptions(
    session, push_service, fcm_server, monkeypatch, tmp_path
):
    """Push reaches every device (Web Push + FCM); a device the service says is gone is removed."""
    _use(
        monkeypatch,
        METAIC_DATA_DIR=tmp_path,
        FCM_PROJECT_ID=fcm_server.project,
        FCM_CREDENTIALS_JSON=json.dumps(fcm_server.credentials()),
        FCM_API_URL=fcm_server.url,
        FCM_TOKEN_URL=f"{fcm_server.url}/token",
    )
    ada = make_user(session, "ada@example.com")
    browser = Browser()
    subscriptions.subscribe(
        session=session, user=ada, endpoint=f"{push_service.url}/push/1", p256dh=browser.p256dh, auth=browser.auth
    )
    subscriptions.subscribe(
        session=session, user=ada, endpoint=f"{push_service.url}/gone/2", p256dh=browser.p256dh, auth=browser.auth
    )
    subscriptions.subscribe(session=session, user=ada, kind="fcm", endpoint="device-token-1")
    preferences.set_channel(session=session, user=ada, kind="reminder", channel=EMAIL, enabled=False)
    note = flows.notify(session=session, user=ada, kind="reminder", data={"contact": "Grace", "url": "/contacts/3"})
    session.commit()
    row = _one(session, note, PUSH)
    assert row.status == SENT and row.provider_message_id
    (path, request, _claims) = push_service.received[0]
    assert path == "/push/1"
    payload = browser.decrypt(request.body)
    assert payload == {"title": "Reminder: follow up with Grace", "body": "", "url": "/contacts/3", "tag": str(note.id)}
    assert fcm_server.messages[0]["token"] == "device-token-1"
    left = {s.endpoint for s in subscriptions.list_for_user(session=session, user=ada)}
    assert left == {f"{push_service.url}/push/1", "device-token-1"}
    assert all(s.last_used_at for s in session.exec(select(PushSubscription)))
