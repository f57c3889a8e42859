"""The builder's Reflex state against the database, as a browser tab drives it: autosave, drafts, publish, not found."""

from __future__ import annotations

import asyncio
import json
import uuid

from metaic.cards import flows as card_flows
from metaic.cards import service as card_service
from metaic.cards.schemas import INDUSTRY_CHARS
from metaic.contacts import enrichment
from metaic.contacts import service as contact_service
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.ui.pages.builder import builder
from metaic.ui.state.builder import BuilderState
from metaic.ui.state.builder_autosave import autosave_loop
from tests.cards.helpers import rich
from tests.ui.support import signed_in, state


def _card(user, **changes) -> str:
    """A card of `user` holding the rich document (with changes); returns its id."""
    with session_scope() as s:
        owner = s.merge(user)
        card = card_service.create(session=s, owner=owner, name="Ada")
        card_service.save_draft(session=s, owner=owner, card_id=card.id, content=rich(**changes))
        return str(card.id)


def _builder(token: str, card_id: str) -> BuilderState:
    """The builder state of a tab that opened /cards/edit?id=card_id."""
    tab = state(BuilderState, token, "/cards/edit", f"id={card_id}")
    asyncio.run(tab.load())
    return tab


def _draft(user, card_id: str):
    """The stored draft."""
    with session_scope() as s:
        return card_service.get_content(session=s, owner=s.merge(user), card_id=uuid.UUID(card_id))


def _texts(events) -> str:
    """What a handler's returned events say, as text."""
    return json.dumps([str(e) for e in (events if isinstance(events, list) else [events])], ensure_ascii=False)


def test_the_page_builds_with_status_leave_warning_and_not_found():
    rendered = json.dumps(builder().render(), default=str)
    for name in ("save-status", "data-unsaved", "card-not-found", "back-to-cards", "aria-invalid", "publish"):
        assert name in rendered, name


def test_publish_goes_through_the_cards_flow_and_refreshes_contacts_saved_from_the_card(db):
    token, ada = signed_in("ada@example.com", "Ada")
    _, vera = signed_in("vera@example.com", "Vera")
    card_id = _card(ada)
    with session_scope() as s:
        card_flows.publish(session=s, owner=s.merge(ada), card_id=uuid.UUID(card_id))
    drain_local()
    with session_scope() as s:
        slug = card_service.get_owned(session=s, owner=s.merge(ada), card_id=uuid.UUID(card_id)).slug
        saved = enrichment.save_from_card(session=s, saver=s.merge(vera), slug=slug).id

    tab = _builder(token, card_id)
    tab.set_business("name", "Difference Engines plc")
    asyncio.run(tab.publish())
    assert tab.status == "published" and tab.versions[0]["number"] == "2" and not tab.errors
    drain_local()  # the refresh job the flow queued after commit
    with session_scope() as s:
        assert contact_service.get(session=s, owner=s.merge(vera), contact_id=saved).company == "Difference Engines plc"


def test_an_untitled_work_saves_as_a_draft_and_publish_points_at_its_title(db):
    token, ada = signed_in("ada@example.com", "Ada")
    card_id = _card(ada)
    tab = _builder(token, card_id)
    tab.add_item("works")  # like "Add from an image": no title yet
    tab.set_item("works", 1, "image_url", "/files/engine.png")
    asyncio.run(tab.save())
    assert not tab.errors and tab.save_status == "saved" and not tab.dirty
    assert [w.title for w in _draft(ada, card_id).works] == ["Note G", ""]

    tab.tab = "history"
    events = asyncio.run(tab.publish())
    assert list(tab.errors) == ["works.1.title"] and tab.tab == "content" and tab.status == "draft"
    said = _texts(events)
    assert "Works › item 2 › Title: Give the item a title" in said and "f-works.1.title" in said
    assert [w.image_url for w in _draft(ada, card_id).works][1] == "/files/engine.png"  # the draft stays saved

    tab.set_item("works", 1, "title", "The engine")  # fixing the field clears its mark
    assert tab.errors == {}
    asyncio.run(tab.publish())
    assert tab.status == "published" and not tab.errors


def test_edits_autosave_after_a_pause_and_a_failed_save_says_so(db):
    token, ada = signed_in("ada@example.com", "Ada")
    card_id = _card(ada)
    tab = _builder(token, card_id)
    assert tab.save_status == "" and not tab.unsaved
    start = tab.set_field("headline", "Countess of Lovelace ")
    assert start is not None and tab.unsaved and tab.save_status == "unsaved"
    assert tab.set_field("bio", "Notes on the engine.") is None  # one autosave runs per burst of typing
    asyncio.run(autosave_loop(tab))
    assert tab.save_status == "saved" and not tab.dirty and not tab.unsaved
    assert tab.headline == "Countess of Lovelace "  # the input is left as typed while the user may still type
    stored = _draft(ada, card_id)
    assert (stored.headline, stored.bio) == ("Countess of Lovelace", "Notes on the engine.")

    assert tab.set_field("headline", "x" * 161) is not None
    asyncio.run(autosave_loop(tab))
    assert tab.save_status == "error" and "headline" in tab.errors and tab.dirty
    assert _draft(ada, card_id).headline == "Countess of Lovelace"
    assert tab.set_field("headline", "Mathematician") is not None  # a new edit starts a new autosave
    assert "headline" not in tab.errors
    asyncio.run(autosave_loop(tab))
    assert tab.save_status == "saved" and _draft(ada, card_id).headline == "Mathematician"


def test_an_autosaved_edit_of_a_live_card_shows_unpublished_changes(db):
    token, ada = signed_in("ada@example.com", "Ada")
    card_id = _card(ada)
    tab = _builder(token, card_id)
    asyncio.run(tab.publish())
    assert tab.status == "published"
    tab.set_field("headline", "Countess of Lovelace")
    asyncio.run(autosave_loop(tab))
    assert tab.save_status == "saved" and tab.status == "changed"


def test_opening_another_card_first_saves_what_was_pending(db):
    token, ada = signed_in("ada@example.com", "Ada")
    first, second = _card(ada), _card(ada, name="Babbage")
    tab = _builder(token, first)
    tab.set_field("headline", "Typed just before leaving")
    tab.router = state(BuilderState, token, "/cards/edit", f"id={second}").router
    asyncio.run(tab.load())
    assert tab.card_id == second and tab.name == "Babbage" and not tab.dirty and tab.save_status == ""
    assert _draft(ada, first).headline == "Typed just before leaving"

    tab.set_field("bio", "Typed before a reload")  # the same card loaded again (a reload, a reconnect)
    asyncio.run(tab.load())
    assert tab.bio == "Typed before a reload" and tab.save_status == "saved" and not tab.unsaved


def test_an_unknown_foreign_or_malformed_id_shows_not_found_with_nothing_to_edit(db):
    token, ada = signed_in("ada@example.com", "Ada")
    _, bob = signed_in("bob@example.com", "Bob")
    mine, foreign = _card(ada), _card(bob, name="Bob")
    for wanted in (str(uuid.uuid4()), foreign, "not-a-uuid", ""):
        tab = _builder(token, mine)
        assert tab.name == "Ada Lovelace" and tab.works and not tab.missing
        tab.router = state(BuilderState, token, "/cards/edit", f"id={wanted}" if wanted else "").router
        asyncio.run(tab.load())
        assert tab.missing and tab.card_id == "" and tab.errors == {}, wanted
        assert (tab.name, tab.works, tab.contacts, tab.business, tab.versions) == ("", [], [], {}, [])
        assert asyncio.run(tab.publish()) is None and asyncio.run(tab.save()) is None
    assert _draft(bob, foreign).name == "Bob"


def test_tags_take_the_schemas_limits(db):
    token, ada = signed_in("ada@example.com", "Ada")
    tab = _builder(token, _card(ada))
    industry = "Renewable energy storage and grid-scale battery integration"[:INDUSTRY_CHARS]
    assert len(industry) > 40
    tab.add_industry({"industry": industry})
    assert tab.industries[-1] == industry  # was cut to 40 characters
    tab.add_interest({"interest": "mathematics"})
    assert tab.errors == {"interests": "This interest is already listed."}
    assert tab.interests == ["Mathematics", "Poetry"]
