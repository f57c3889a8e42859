"""Rows in every column migrations 0028 and 0029 encrypt, made through the services, and the check that they read back.

A fired reminder (its note in the notification's body and data, the contact's name in its title), a message
request (its preview likewise, the sender's name in its title), and a webhook delivery whose receiver echoed
the payload into its reply.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import select

from metaic.auth.models import User
from metaic.contacts import reminders
from metaic.contacts import service as contacts
from metaic.core import clock
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.messaging import service as messaging
from metaic.notifications import service as notifications
from metaic.notifications.models import Notification
from metaic.webhooks import jobs as webhook_jobs
from metaic.webhooks import service as webhooks
from metaic.webhooks.models import WebhookDelivery
from tests.notifications.conftest import make_user
from tests.support.fake_providers import FakeServer

NOTE = "Prefers calls after 4pm; twins"
PREVIEW = "Bring the Lisbon contract on Friday"
# The titles name the people: the reminder's contact and the message's sender.
REMINDER_TITLE = "Reminder: follow up with Grace Hopper"
MESSAGE_TITLE = "New message from Bob"
# (table, column) -> texts its plaintext holds and its ciphertext must not show.
SEALED = {
    ("notifications", "body"): (NOTE, PREVIEW),
    ("notifications", "data"): (NOTE, PREVIEW),
    ("notifications", "title"): ("Grace Hopper", "from Bob"),
    ("webhook_deliveries", "response_excerpt"): (NOTE,),
}


def stored_one(session, table: str, column: str, row_id: uuid.UUID) -> str:
    """The stored text of one value (inside the session's transaction)."""
    t = sa.table(table, sa.column("id", sa.Uuid()), sa.column(column))
    query = sa.select(sa.cast(t.c[column], sa.Text)).where(t.c.id == row_id)
    return session.connection().execute(query).scalar_one()


def echo_server() -> FakeServer:
    """A webhook receiver whose answer quotes the body it got (as some frameworks' pages do)."""
    return FakeServer(lambda rec: (200, {}, b"received " + rec.body))


def make_rows() -> dict:
    """One notification from a fired reminder, one from a message request, one echoed webhook reply; returns ids."""
    receiver = echo_server()
    try:
        with session_scope() as s:
            ada = make_user(s, "ada@example.com")
            bob = make_user(s, "bob@example.com", name="Bob")
            grace = contacts.create(session=s, owner=ada, data={"full_name": "Grace Hopper"})
            reminders.set_reminder(session=s, owner=ada, contact_id=grace.id, quick="tomorrow", note=NOTE)
            reminders.fire_due(session=s, now=clock.now() + timedelta(days=2))
            messaging.request(session=s, user=bob, body=PREVIEW, other_user_id=ada.id)
            webhooks.create(session=s, owner=ada, url=receiver.url, events=["card.viewed"])
            [delivery] = webhooks.queue_event(
                session=s, owner_id=ada.id, event="card.viewed", data={"note": NOTE}, send=lambda _: None
            )
            ids = {"ada": ada.id, "delivery": delivery.id}
        webhook_jobs.attempt(str(ids["delivery"]))
        drain_local()  # the notifications' email deliveries: none left to run during a migration
    finally:
        receiver.close()
    return ids


def reads_back(ids: dict) -> None:
    """Every value reads as written, through the services (bell list, read view, delivery log) and the models."""
    with session_scope() as s:
        ada = s.get(User, ids["ada"])
        listed = notifications.list_(session=s, user=ada)
        assert sorted(n.body for n in listed) == sorted([NOTE, PREVIEW])
        assert sorted(n.title for n in listed) == sorted([REMINDER_TITLE, MESSAGE_TITLE])
        view = notifications.read_view(session=s, user=ada, notification_id=listed[0].id)
        assert (view.title, view.body) == (listed[0].title, listed[0].body)
        data = {d.get("note") or d.get("preview") for d in s.exec(select(Notification.data))}
        assert data == {NOTE, PREVIEW}
        delivery = s.get(WebhookDelivery, ids["delivery"])
        assert delivery.response_code == 200 and NOTE in delivery.response_excerpt
        assert delivery.response_excerpt.startswith("received {")
