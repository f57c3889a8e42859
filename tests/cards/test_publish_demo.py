"""`seed-demo` publishes the demo card through the cards flow: contacts saved from /c/demo follow a re-seed."""

from __future__ import annotations

import copy

from metaic.admin import seed
from metaic.cards import demo
from metaic.contacts import enrichment
from metaic.contacts import service as contact_service
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from tests.cards.helpers import make_user


def test_reseeding_the_demo_refreshes_contacts_saved_from_it(db, monkeypatch):
    with session_scope() as s:
        seed.seed_demo(session=s)
    with session_scope() as s:
        visitor = make_user(s, "vera@example.com", "Vera")
        saved = enrichment.save_from_card(session=s, saver=visitor, slug=demo.DEMO_SLUG)
        assert saved.title == demo.DEMO_CONTENT["headline"]

    changed = copy.deepcopy(demo.DEMO_CONTENT)
    changed["headline"] = "Design Partner"
    monkeypatch.setattr(demo, "DEMO_CONTENT", changed)
    with session_scope() as s:
        seed.seed_demo(session=s)
    drain_local()  # the refresh job the flow queued after commit
    with session_scope() as s:
        assert contact_service.get(session=s, owner=s.merge(visitor), contact_id=saved.id).title == "Design Partner"
