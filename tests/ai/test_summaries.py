"""Card summaries: publishing queues a job that stores two lines other code reads back."""

from __future__ import annotations

from metaic.ai import summaries
from metaic.cards import flows as card_flows
from metaic.cards import service as card_service
from metaic.cards import versions
from metaic.db import session_scope
from tests.ai.helpers import CARD, make_card, make_user, settle


def test_publishing_writes_a_two_line_summary_and_republishing_refreshes_it(db):
    """The job stores the summary of the live version; a new version gets a new summary."""
    with session_scope() as s:
        owner = make_user(s)
        card = make_card(s, owner, publish=True)
        card_id = card.id
    settle()
    with session_scope() as s:
        text = summaries.card_summary(session=s, card_id=card_id)
        assert text.split("\n")[0] == "Ada Lovelace — Software Engineer at Analytical Co"
        owner = s.get(type(owner), owner.id)
        card_service.save_draft(session=s, owner=owner, card_id=card_id, content={**CARD, "headline": "CTO"})
        card_flows.publish(session=s, owner=owner, card_id=card_id)
    settle()
    with session_scope() as s:
        assert summaries.card_summary(session=s, card_id=card_id).startswith("Ada Lovelace — CTO at Analytical Co")
        assert summaries.summaries_for(session=s, card_ids=[card_id]) == {
            card_id: summaries.card_summary(session=s, card_id=card_id)
        }


def test_unpublished_cards_have_no_summary(db):
    """A draft is never summarised, and a card taken offline stops handing its summary out."""
    with session_scope() as s:
        owner = make_user(s)
        draft = make_card(s, owner)
        live = make_card(s, owner, publish=True)
    settle()
    with session_scope() as s:
        owner = s.get(type(owner), owner.id)
        assert summaries.summarize(session=s, card_id=draft.id) is None
        assert summaries.card_summary(session=s, card_id=live.id)
        versions.unpublish(session=s, owner=owner, card_id=live.id)
    settle()
    with session_scope() as s:
        assert summaries.card_summary(session=s, card_id=live.id) is None
        assert summaries.summaries_for(session=s, card_ids=[]) == {}
