"""AI settings on the account page, driven as a tab would: opt in, strip contact details, today's usage."""

from __future__ import annotations

import json

from metaic.ai import prefs
from metaic.cards import service as card_service
from metaic.db import session_scope
from metaic.ui.pages.account import account
from metaic.ui.state.ai_settings import AiSettingsState
from metaic.ui.state.builder import BuilderState
from tests.ai.helpers import CARD
from tests.support.fake_openai import fake_openai  # noqa: F401 - the fixture
from tests.ui.support import run, signed_in, state


def _tab(token: str) -> AiSettingsState:
    """The AI tab of /account, opened."""
    tab = state(AiSettingsState, token, "/account", "tab=ai")
    run(tab.load())
    return tab


def test_the_account_page_has_the_ai_tab():
    rendered = json.dumps(account().render(), default=str)
    for name in ("tab-ai", "ai-opt-in", "ai-strip", "ai-usage", "ai-engine"):
        assert name in rendered, name


def test_defaults_are_offline_and_private_and_the_switches_are_stored(db):
    token, ada = signed_in("ada@example.com", "Ada")
    tab = _tab(token)
    assert tab.ai_loaded and not tab.external_opt_in and tab.strip_contact_details
    assert not tab.provider_configured and tab.model == "offline" and tab.features == []
    assert (tab.requests, tab.request_percent) == (0, 0) and tab.request_limit > 0

    run(tab.set_opt_in(True))
    run(tab.set_strip(False))
    with session_scope() as s:
        stored = prefs.load(session=s, user_id=ada.id)
        assert stored.external_opt_in and not stored.strip_contact_details
    again = _tab(token)
    assert again.external_opt_in and not again.strip_contact_details
    signed_out = state(AiSettingsState, None, "/account", "tab=ai")
    assert "/login?next=/account?tab=ai" in str(run(signed_out.set_opt_in(True)))


def test_usage_today_counts_each_feature_and_the_provider_allowance(db, fake_openai):  # noqa: F811 - the fixture
    token, ada = signed_in("ada@example.com", "Ada")
    with session_scope() as s:
        card = card_service.create(session=s, owner=s.merge(ada), name="Ada")
        card_service.save_draft(session=s, owner=s.merge(ada), card_id=card.id, content=CARD)
        card_id = str(card.id)
    builder = state(BuilderState, token, "/cards/edit", f"id={card_id}")
    run(builder.load())
    run(builder.propose())  # not opted in yet: the offline assistant
    tab = _tab(token)
    assert tab.features == [{"label": "Write my card", "offline": "1", "provider": "0"}] and tab.requests == 0

    run(tab.set_opt_in(True))
    run(builder.propose())  # now the provider answers
    assert builder.ai_engine == "AI provider"
    tab = _tab(token)
    assert tab.features == [{"label": "Write my card", "offline": "1", "provider": "1"}]
    assert tab.requests == 1 and tab.tokens > 0 and 0 < tab.request_percent <= 100


def test_stripping_applies_to_what_reaches_the_provider(db, fake_openai):  # noqa: F811 - the fixture
    token, ada = signed_in("ada@example.com", "Ada")
    with session_scope() as s:
        card = card_service.create(session=s, owner=s.merge(ada), name="Ada")
        bio = "Write to ada@analytical.example.com or call +44 20 7946 0000."
        card_service.save_draft(session=s, owner=s.merge(ada), card_id=card.id, content={**CARD, "bio": bio})
        card_id = str(card.id)
    tab = _tab(token)
    run(tab.set_opt_in(True))
    builder = state(BuilderState, token, "/cards/edit", f"id={card_id}")
    run(builder.load())
    run(builder.propose())
    sent = json.dumps(fake_openai.chat_bodies()[-1])
    assert "ada@analytical.example.com" not in sent and "7946" not in sent
    run(tab.set_strip(False))
    run(builder.propose())
    assert "ada@analytical.example.com" in json.dumps(fake_openai.chat_bodies()[-1])
