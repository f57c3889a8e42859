"""The dashboard's numbers come from the services, for the signed-in user only."""

from __future__ import annotations

import json
from datetime import timedelta

from metaic.contacts import reminders
from metaic.core import clock
from metaic.db import session_scope
from metaic.messaging import service as messaging
from metaic.ui.pages.dashboard import dashboard
from metaic.ui.state.dashboard import DashboardState
from tests.ui.support import contact, run, signed_in, state


def test_page_builds_with_every_tile():
    rendered = json.dumps(dashboard().render(), default=str)
    for name in ("stat-views", "stat-contacts", "stat-follow-ups", "stat-unread", "dashboard-cards"):
        assert name in rendered, name


def test_counts_follow_ups_and_unread_messages(db, outbox):
    token, ada = signed_in("ada@example.com", "Ada")
    _other_token, bob = signed_in("bob@example.com", "Bob")
    grace = contact(ada)
    bob_contact = contact(ada, full_name="Bob", emails=[{"label": "", "value": "bob@example.com"}])
    contact(bob, full_name="Someone of Bob's", emails=[{"label": "", "value": "x@example.com"}])
    with session_scope() as s:
        reminders.set_reminder(session=s, owner=s.merge(ada), contact_id=grace, quick="tomorrow")
        reminders.set_reminder(
            session=s, owner=s.merge(ada), contact_id=bob_contact, due_at=clock.now() - timedelta(hours=1)
        )
        chat = messaging.start_with_user(session=s, user=s.merge(bob), other_user_id=ada.id)
        messaging.send(session=s, user=s.merge(bob), conversation_id=chat.id, body="Hi Ada")
    page = state(DashboardState, token, "/dashboard")
    run(page.load())
    # Grace's reminder is for tomorrow; Bob's came due an hour ago; Bob's own contacts are not Ada's.
    assert (page.contacts, page.follow_ups_due, page.unread_messages, page.card_views) == (2, 1, 1, 0)


def test_signed_out_visitors_go_to_sign_in(db):
    event = run(state(DashboardState, None, "/dashboard").load())
    assert "/login?next=/dashboard" in json.dumps(event, default=str)
