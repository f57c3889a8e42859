"""What 0028 and 0029 encrypt is ciphertext in the database and plain through the bell, the API and the services.

Notification titles (they name the contact or the sender), bodies and data (a fired reminder repeats its note,
a message notification its preview) and webhook delivery reply excerpts (a receiver may echo the payload), on
SQLite and PostgreSQL. The bell and the list decrypt two values per row shown: the title and the body; `data`
is not read with the list.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from metaic.auth import api_tokens, sessions
from metaic.contacts import reminders
from metaic.contacts import service as contacts
from metaic.core import clock, fieldcrypt
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.messaging import service as messaging
from metaic.notifications import service as notifications
from metaic.notifications.models import Notification, NotificationRead
from metaic.ui.state import notifications as ui
from metaic.webhooks import jobs as webhook_jobs
from metaic.webhooks import service as webhooks
from tests.notifications.conftest import make_user
from tests.notifications.encrypted_rows import MESSAGE_TITLE, NOTE, PREVIEW, REMINDER_TITLE, echo_server, stored_one

pytestmark = pytest.mark.usefixtures("outbox")
# What showing one notification decrypts (sorted): its body and its title, never its data.
PER_ROW = ["notifications.body", "notifications.title"]


def _sealed(session, table: str, column: str, row_id, *secrets: str) -> None:
    """The stored value is one ciphertext and shows none of `secrets`."""
    value = stored_one(session, table, column, row_id)
    assert value.strip('"').startswith("enc1:"), (table, column, value)
    assert not any(secret.lower() in value.lower() for secret in secrets), (table, column, value)


@pytest.fixture
def decrypted(monkeypatch) -> list[str]:
    """The purpose of every value decrypted from now on, in order (the real cipher still does the work)."""
    seen: list[str] = []
    real = fieldcrypt.unseal

    def spy(token: str, purpose: str) -> bytes:
        """Note the purpose, then decrypt."""
        seen.append(purpose)
        return real(token, purpose)

    monkeypatch.setattr(fieldcrypt, "unseal", spy)
    return seen


def _fired_reminders(session, owner, *notes: str) -> None:
    """A contact with one reminder per note, all fired."""
    grace = contacts.create(session=session, owner=owner, data={"full_name": "Grace Hopper"})
    for note in notes:
        reminders.set_reminder(session=session, owner=owner, contact_id=grace.id, quick="tomorrow", note=note)
    reminders.fire_due(session=session, now=clock.now() + timedelta(days=2))


def test_a_fired_reminder_and_a_message_preview_are_ciphertext(session):
    ada, bob = make_user(session, "ada@example.com"), make_user(session, "bob@example.com", name="Bob")
    _fired_reminders(session, ada, NOTE)
    messaging.request(session=session, user=bob, body=PREVIEW, other_user_id=ada.id)
    session.flush()
    rows = {n.kind: n for n in session.exec(select(Notification).where(Notification.user_id == ada.id))}
    for secret, note in ((NOTE, rows["reminder"]), (PREVIEW, rows["message"])):
        _sealed(session, "notifications", "body", note.id, secret)
        _sealed(session, "notifications", "data", note.id, secret, "Grace", "Bob")
    _sealed(session, "notifications", "title", rows["reminder"].id, "Grace Hopper", "Reminder")
    _sealed(session, "notifications", "title", rows["message"].id, "from Bob", "message")
    session.expire_all()
    listed = {n.kind: NotificationRead.of(n) for n in notifications.list_(session=session, user=ada)}
    assert (listed["reminder"].body, listed["message"].body) == (NOTE, PREVIEW)
    assert (listed["reminder"].title, listed["message"].title) == (REMINDER_TITLE, MESSAGE_TITLE)
    data = session.get(Notification, rows["message"].id).data
    assert (data["sender"], data["preview"]) == ("Bob", PREVIEW)


def test_the_bell_and_the_api_read_plain_with_two_decrypts_per_row(client, decrypted):
    with session_scope() as s:
        ada = make_user(s, "ada@example.com")
        _fired_reminders(s, ada, "first note", "second note", "third note")
        cookie = sessions.create(session=s, user=ada, remember=False, activated=True)
        headers = {"Authorization": f"Bearer {api_tokens.issue(session=s, user=ada).access_token}"}
    drain_local()  # the reminders' email deliveries, so only the reads below are counted
    decrypted.clear()
    count, latest = ui.snapshot(cookie)
    assert count == 3 and sorted(r["body"] for r in latest) == ["first note", "second note", "third note"]
    assert [r["title"] for r in latest] == [REMINDER_TITLE] * 3
    assert sorted(p for p in decrypted if p.startswith("notifications.")) == sorted(PER_ROW * 3)
    decrypted.clear()
    page = client.get("/api/v1/notifications", headers=headers).json()
    assert sorted(i["body"] for i in page["items"]) == ["first note", "second note", "third note"]
    assert [i["title"] for i in page["items"]] == [REMINDER_TITLE] * 3
    assert sorted(p for p in decrypted if p.startswith("notifications.")) == sorted(PER_ROW * 3)
    one = client.get(f"/api/v1/notifications/{page['items'][0]['id']}", headers=headers).json()
    assert (one["title"], one["body"]) == (page["items"][0]["title"], page["items"][0]["body"])
    read = client.post(f"/api/v1/notifications/{one['id']}/read", headers=headers).json()
    assert read["body"] == one["body"] and read["read"] is True


def test_a_webhook_reply_echoing_the_payload_is_ciphertext(client):
    receiver = echo_server()
    try:
        with session_scope() as s:
            ada = make_user(s, "ada@example.com")
            endpoint = webhooks.create(session=s, owner=ada, url=receiver.url, events=["card.viewed"])
            [delivery] = webhooks.queue_event(
                session=s, owner_id=ada.id, event="card.viewed", data={"note": NOTE}, send=lambda _: None
            )
            endpoint_id, delivery_id = endpoint.id, delivery.id
            headers = {"Authorization": f"Bearer {api_tokens.issue(session=s, user=ada).access_token}"}
        webhook_jobs.attempt(str(delivery_id))
    finally:
        receiver.close()
    with session_scope() as s:
        _sealed(s, "webhook_deliveries", "response_excerpt", delivery_id, NOTE, "received")
    [logged] = client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries", headers=headers).json()
    assert logged["response_code"] == 200 and logged["response_excerpt"].startswith("received {")
    assert NOTE in logged["response_excerpt"] and len(logged["response_excerpt"]) <= 300
