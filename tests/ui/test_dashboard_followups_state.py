"""The dashboard's follow-up plans note: how many wait, and links to the newest contacts."""

from __future__ import annotations

import json
import uuid

from metaic.ai import followups
from metaic.db import session_scope
from metaic.ui.pages.dashboard import dashboard
from metaic.ui.state.dashboard_followups import FollowUpPlansState
from tests.ai.helpers import settle
from tests.ui.support import contact, run, signed_in, state


def test_the_dashboard_shows_the_note():
    assert "plans-waiting" in json.dumps(dashboard().render(), default=str)


def test_plans_waiting_counts_proposed_plans_and_links_the_newest(db):
    token, ada = signed_in("ada@example.com", "Ada")
    _, bob = signed_in("bob@example.com", "Bob")
    tab = state(FollowUpPlansState, token, "/dashboard")
    run(tab.load())
    assert (tab.plans_waiting, tab.plan_links) == (0, [])

    ids = [contact(ada, full_name=f"Person {n}") for n in range(4)]
    contact(bob, full_name="Bob's contact")
    settle()
    with session_scope() as s:
        first = followups.list_plans(session=s, owner=s.merge(ada), contact_id=uuid.UUID(ids[0]))[0]
        followups.dismiss_plan(session=s, owner=s.merge(ada), plan_id=first.id)
    run(tab.load())
    assert tab.plans_waiting == 3 and len(tab.plan_links) == 3
    assert {link["name"] for link in tab.plan_links} == {"Person 1", "Person 2", "Person 3"}
    assert all(link["href"].startswith("/contacts/view?id=") for link in tab.plan_links)
