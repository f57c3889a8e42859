"""The card list's bulk publish goes through the cards flow, so what hangs off publishing happens for every card."""

from __future__ import annotations

import asyncio
import uuid

from metaic.cards import flows as card_flows
from metaic.cards import service as card_service
from metaic.contacts import enrichment
from metaic.contacts import service as contact_service
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.ui.state.cards import CardsState
from tests.cards.helpers import rich
from tests.ui.support import signed_in, state


def _published_card(user, company: str) -> uuid.UUID:
    """A published card of `user` for `company`."""
    with session_scope() as s:
        owner = s.merge(user)
        card = card_service.create(session=s, owner=owner, name="Ada")
        doc = rich()
        doc["business"]["name"] = company
        card_service.save_draft(session=s, owner=owner, card_id=card.id, content=doc)
        card_flows.publish(session=s, owner=owner, card_id=card.id)
        return card.id


def _rename_company(user, card_id: uuid.UUID, company: str) -> None:
    """Change the company in the card's draft (not yet live)."""
    with session_scope() as s:
        owner = s.merge(user)
        doc = card_service.get_content(session=s, owner=owner, card_id=card_id).model_dump()
        doc["business"]["name"] = company
        card_service.save_draft(session=s, owner=owner, card_id=card_id, content=doc)


def test_bulk_publish_refreshes_contacts_saved_from_each_card(db):
    token, ada = signed_in("ada@example.com", "Ada")
    # Two visitors, each saving one card (one visitor saving both would get one merged contact for Ada).
    savers = [signed_in("vera@example.com", "Vera")[1], signed_in("bob@example.com", "Bob")[1]]
    cards = [_published_card(ada, "Engines Ltd"), _published_card(ada, "Looms Ltd")]
    drain_local()
    with session_scope() as s:
        slugs = [card_service.get_owned(session=s, owner=s.merge(ada), card_id=c).slug for c in cards]
        saved = [
            enrichment.save_from_card(session=s, saver=s.merge(saver), slug=slug).id
            for saver, slug in zip(savers, slugs, strict=True)
        ]
    for card_id, company in zip(cards, ("Difference Engines plc", "Jacquard Looms plc"), strict=True):
        _rename_company(ada, card_id, company)

    page = state(CardsState, token, "/cards")
    asyncio.run(page.load())
    for card_id in cards:
        page.toggle(str(card_id), True)
    asyncio.run(page.bulk("publish"))
    assert not page.errors and {row["status"] for row in page.cards} == {"published"}

    drain_local()  # the refresh jobs the flow queued after commit
    with session_scope() as s:
        companies = [
            contact_service.get(session=s, owner=s.merge(saver), contact_id=c).company
            for saver, c in zip(savers, saved, strict=True)
        ]
    assert companies == ["Difference Engines plc", "Jacquard Looms plc"]


def test_bulk_publish_names_every_card_that_cannot_go_live_and_changes_none(db):
    token, ada = signed_in("ada@example.com", "Ada")
    good = _published_card(ada, "Engines Ltd")
    with session_scope() as s:
        bad = card_service.create(session=s, owner=s.merge(ada), name="Nameless")
        card_service.save_draft(session=s, owner=s.merge(ada), card_id=bad.id, content=rich(name=""))
    _rename_company(ada, good, "Difference Engines plc")

    page = state(CardsState, token, "/cards")
    asyncio.run(page.load())
    page.toggle_all(True)
    asyncio.run(page.bulk("publish"))
    assert str(bad.id) in page.errors
    statuses = {row["id"]: row["status"] for row in page.cards}
    assert statuses == {str(good): "changed", str(bad.id): "draft"}
