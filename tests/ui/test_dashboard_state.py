"""The dashboard's numbers come from the services, for the signed-in user only."""

from __future__ import annotations

import json
from datetime import timedelta

from metaic.analytics import buffer
from metaic.contacts import reminders
from metaic.core import clock
from metaic.db import session_scope
from metaic.messaging import service as messaging
from metaic.ui.pages.dashboard import dashboard
from metaic.ui.state.dashboard import DashboardState
from tests.contacts.helpers import publish_card
from tests.ui.support import contact, run, signed_in, state

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"


def test_page_builds_with_every_tile():
    rendered = json.dumps(dashboard().render(), default=str)
    names = ("stat-views", "stat-saves", "stat-leads", "dashboard-sparkline", "dashboard-analytics", "stat-contacts")
    for name in (*names, "stat-follow-ups", "stat-unread", "dashboard-cards"):
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


def test_last_30_days_of_views_saves_and_leads_link_to_analytics(db):
    token, ada = signed_in("ada@example.com", "Ada")
    _bob_token, bob = signed_in("bob@example.com", "Bob")
    with session_scope() as s:
        card, bobs = publish_card(s, s.merge(ada)).id, publish_card(s, s.merge(bob)).id
    for kind, address in (("view", "203.0.113.7"), ("qr_scan", "198.51.100.4"), ("vcard_download", "203.0.113.7")):
        buffer.track(card_id=card, kind=kind, user_agent=PHONE, address=address)
    buffer.track(card_id=bobs, kind="view", user_agent=PHONE, address="203.0.113.9")
    buffer.flush()
    page = state(DashboardState, token, "/dashboard")
    run(page.load())
    assert (page.views_30d, page.saves_30d, page.leads_30d) == ("2", "1", "0")
    assert len(page.spark) == 30 and page.spark[-1] == {"d": 29, "v": 2} and sum(p["v"] for p in page.spark) == 2
    assert 'to:\\"/analytics\\"' in json.dumps(_subtree(dashboard().render(), 'id:"dashboard-analytics"'))


def _subtree(node: object, marker: str) -> dict:
    """The first rendered component carrying `marker` among its props, with its children ({} when none does)."""
    if isinstance(node, dict) and marker in node.get("props", []):
        return node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        found = _subtree(child, marker)
        if found:
            return found
    return {}
