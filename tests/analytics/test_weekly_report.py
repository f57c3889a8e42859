"""The weekly email report: off by default, once a week after the week ends, over SMTP, one-click unsubscribe."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from metaic.analytics import buffer, weekly
from metaic.api.app import build_api
from metaic.config import get_settings
from metaic.core import clock
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.notifications import preferences
from metaic.notifications.models import EMAIL
from tests.contacts.helpers import publish_card
from tests.notifications.conftest import make_user
from tests.support.fake_providers import smtp_server  # noqa: F401

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"


def _smtp(monkeypatch, server) -> None:
    """Send every email to the local SMTP server."""
    for key, value in {"EMAIL_BACKEND": "smtp", "SMTP_HOST": server.host, "SMTP_PORT": server.port}.items():
        monkeypatch.setenv(key, str(value))
    get_settings.cache_clear()


def _owner_with_visits(email: str = "ada@example.com", timezone: str = "UTC"):
    """An owner with a published card that got two views from its QR code and a save right now."""
    with session_scope() as s:
        owner = make_user(s, email, timezone=timezone)
        card_id = publish_card(s, owner).id
    for kind, address, query in (("qr_scan", "203.0.113.7", "src=qr"), ("view", "198.51.100.4", "src=qr")):
        buffer.track(card_id=card_id, kind=kind, user_agent=PHONE, address=address, query=query)
    buffer.track(card_id=card_id, kind="vcard_download", user_agent=PHONE, address="203.0.113.7")
    assert buffer.flush() == 3
    return owner


def _to_next_monday(hour: int) -> None:
    """Move the test clock to the next Monday at `hour`:00 UTC."""
    now = clock.now().astimezone(UTC)
    monday = (now + timedelta(days=7 - now.weekday())).replace(hour=hour, minute=0, second=0, microsecond=0)
    clock.advance(monday - now)


def _switch(owner, on: bool) -> None:
    """The owner switches the weekly report email on or off."""
    with session_scope() as s:
        weekly.set_on(session=s, user=s.merge(owner), enabled=on)


def test_off_by_default_nothing_is_sent(db, smtp_server, monkeypatch):  # noqa: F811
    _smtp(monkeypatch, smtp_server)
    owner = _owner_with_visits()
    with session_scope() as s:
        assert not weekly.is_on(session=s, user=s.merge(owner))
    _to_next_monday(9)
    assert weekly.send_due() == 0
    drain_local()
    assert smtp_server.sink.messages == []


def test_opted_in_owner_gets_one_report_a_week_with_one_click_unsubscribe(db, smtp_server, monkeypatch):  # noqa: F811
    _smtp(monkeypatch, smtp_server)
    owner = _owner_with_visits()
    _switch(owner, True)
    _to_next_monday(9)
    assert weekly.send_due() == 1
    assert weekly.send_due() == 0  # the same week is never reported twice
    drain_local()
    [mail] = smtp_server.sink.messages
    assert mail["To"] == "ada@example.com" and mail["Subject"] == "Your week on MetaIC: 2 views, 1 saves"
    text = mail.get_body(("plain",)).get_content()
    assert "Saves: 1" in text and "Unique visitors: 2" in text and "New leads: 0" in text
    assert "Top source: QR code" in text
    assert "http://testserver/analytics?period=7d" in text
    link = re.search(r"<(http://testserver/notifications/unsubscribe\?token=[^>]+)>", mail["List-Unsubscribe"])[1]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # RFC 8058: the mail client POSTs to the link; nothing else is needed.
    answer = TestClient(build_api()).post(
        link.removeprefix("http://testserver"), data={"List-Unsubscribe": "One-Click"}
    )
    assert answer.status_code == 200
    with session_scope() as s:
        assert not weekly.is_on(session=s, user=s.merge(owner))
    _to_next_monday(9)
    assert weekly.send_due() == 0
    drain_local()
    assert len(smtp_server.sink.messages) == 1


def test_report_waits_for_monday_morning_in_the_owners_time_zone(db):
    with session_scope() as s:
        owner = make_user(s, "ada@example.com", timezone="Asia/Tokyo")
    # Monday 7 Dec 2026, 07:30 in Tokyo: last week (30 Nov - 6 Dec) is not due before 08:00 local time.
    early = datetime(2026, 12, 6, 22, 30, tzinfo=UTC)
    assert weekly.last_week(owner, early) == (datetime(2026, 11, 23).date(), datetime(2026, 11, 29).date())
    later = early + timedelta(hours=1)
    assert weekly.last_week(owner, later) == (datetime(2026, 11, 30).date(), datetime(2026, 12, 6).date())


def test_a_week_without_visits_still_reads_well(db, outbox):
    with session_scope() as s:
        owner = make_user(s, "ada@example.com")
        preferences.set_channel(session=s, user=owner, kind=weekly.KIND, channel=EMAIL, enabled=True)
    _to_next_monday(9)
    assert weekly.send_due() == 1
    [mail] = outbox.emails("ada@example.com")
    body = outbox.body(mail)
    assert "Views: 0" in body and "Top source: none yet" in body
