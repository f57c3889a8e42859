"""What keeps the builder's keystroke-to-preview short: a small update per key, no dynamic icon map, memoization."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from metaic.cards import service as card_service
from metaic.db import session_scope
from metaic.ui.pages.account import account
from metaic.ui.pages.builder import builder
from metaic.ui.pages.contacts import contact_view
from metaic.ui.pages.templates import templates_page
from metaic.ui.state.builder import BuilderState
from tests.cards.helpers import rich
from tests.ui.support import signed_in, state


def _tab(db) -> BuilderState:
    """A builder tab with a rich card loaded."""
    token, ada = signed_in("ada@example.com", "Ada")
    with session_scope() as s:
        owner = s.merge(ada)
        card = card_service.create(session=s, owner=owner, name="Ada")
        card_service.save_draft(session=s, owner=owner, card_id=card.id, content=rich())
        card_id = str(card.id)
    tab = state(BuilderState, token, "/cards/edit", f"id={card_id}")
    asyncio.run(tab.load())
    assert uuid.UUID(tab.card_id)
    return tab


def _sent(tab: BuilderState) -> dict:
    """What the browser would receive for the builder after the last event, then start the next one clean."""
    delta = tab.get_delta().get(tab.get_full_name(), {})
    tab._clean()
    return {key.removesuffix("_rx_state_"): value for key, value in delta.items()}


def test_after_the_first_keystroke_a_keystroke_sends_only_the_edited_field(db):
    tab = _tab(db)
    tab._clean()
    tab.set_field("headline", "C")
    first = _sent(tab)
    assert first["headline"] == "C" and first["dirty"] is True and first["save_status"] == "unsaved"
    tab.set_field("headline", "Co")
    assert _sent(tab) == {"headline": "Co"}
    tab.set_business("name", "Difference Engines")
    assert _sent(tab) == {"business": {**tab.business, "name": "Difference Engines"}}
    assert tab.dirty and tab.unsaved and tab.save_status == "unsaved"


def test_the_builder_uses_no_dynamic_icon():
    imports = builder()._get_all_imports()
    tags = {imp.tag for lib, found in imports.items() if lib.startswith("lucide-react") for imp in found}
    assert "DynamicIcon" not in tags  # its 240 KB map of every icon would load with the page
    assert {"Phone", "Mail", "MapPin"} <= tags


def test_the_generated_components_are_memoized_by_the_react_compiler():
    from rxconfig import config

    assert config.react_compiler is True


@pytest.mark.parametrize("page", [account, contact_view, templates_page], ids=lambda p: p.__name__)
def test_other_pages_use_no_dynamic_icon_either(page):
    imports = page()._get_all_imports()
    tags = {imp.tag for lib, found in imports.items() if lib.startswith("lucide-react") for imp in found}
    assert "DynamicIcon" not in tags
