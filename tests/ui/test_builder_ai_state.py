"""Write my card in the builder, driven as a tab would: propose, pick, edit, use; translate into a second version."""

from __future__ import annotations

import asyncio
import json
import uuid

from sqlmodel import select

from metaic.ai import prefs
from metaic.ai.models import AiUsage
from metaic.cards import service as card_service
from metaic.cards.models import Card
from metaic.db import session_scope
from metaic.ui.pages.builder import builder
from metaic.ui.state.builder import BuilderState
from metaic.ui.state.builder_autosave import autosave_loop
from tests.ai.helpers import CARD
from tests.support.fake_openai import fake_openai  # noqa: F401 - the fixture
from tests.ui.support import run, signed_in, state


def _card(user, **changes) -> str:
    """A card of `user` with the assistant tests' content; returns its id."""
    with session_scope() as s:
        owner = s.merge(user)
        card = card_service.create(session=s, owner=owner, name="Ada Lovelace")
        card_service.save_draft(session=s, owner=owner, card_id=card.id, content={**CARD, **changes})
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


def test_the_builder_shows_the_write_my_card_panel():
    rendered = json.dumps(builder().render(), default=str)
    for name in ("Write my card", "ai-propose", "ai-improve", "ai-use", "ai-text", "tr-go", "tr-create", "tr-target"):
        assert name in rendered, name


def test_proposals_use_unsaved_fields_and_only_the_picked_edited_text_reaches_the_draft(db):
    token, ada = signed_in("ada@example.com", "Ada")
    card_id = _card(ada)
    tab = _builder(token, card_id)
    tab.set_business("name", "Difference Engines")  # typed, autosave not run yet
    tab.set_ai_option("field", "headline")
    tab.set_ai_option("tone", "bold")
    run(tab.propose())

    assert not tab.ai_busy and tab.ai_error == "" and len(tab.ai_proposals) >= 2
    assert any("Difference Engines" in p for p in tab.ai_proposals), tab.ai_proposals
    assert tab.ai_engine == "Offline assistant" and tab.ai_note == ""  # the badge says it; no note repeats it
    assert not tab.ai_retry and tab.ai_pick == 0 and tab.ai_text == tab.ai_proposals[0]
    assert _draft(ada, card_id).headline == CARD["headline"]  # proposals alone change nothing
    with session_scope() as s:
        assert [u.feature for u in s.exec(select(AiUsage)).all()] == ["write"]

    tab.pick(1)
    assert tab.ai_text == tab.ai_proposals[1]
    tab.edit_text("  Building difference engines, boldly  ")
    events = tab.use_text()
    assert "placed in your draft" in json.dumps([str(e) for e in events])
    assert tab.headline == "Building difference engines, boldly" and tab.ai_proposals == [] and tab.dirty
    asyncio.run(autosave_loop(tab))
    assert tab.save_status == "saved"
    assert _draft(ada, card_id).headline == "Building difference engines, boldly"


def test_about_text_in_another_language_and_improve_mode(db):
    token, ada = signed_in("ada@example.com", "Ada")
    tab = _builder(token, _card(ada))
    tab.set_ai_option("field", "about")
    tab.set_ai_option("length", "short")
    tab.set_ai_option("language", "es")
    tab.set_ai_option("mode", "improve")
    run(tab.propose())
    assert tab.ai_proposals and all(len(p) <= 280 for p in tab.ai_proposals)
    tab.edit_text("")
    assert "empty" in str(tab.use_text())
    assert tab.bio == CARD["bio"]  # nothing used
    tab.discard()
    assert tab.ai_proposals == [] and tab.ai_engine == ""


def test_a_provider_failure_says_so_and_offers_a_retry(db, fake_openai):  # noqa: F811 - the fixture
    token, ada = signed_in("ada@example.com", "Ada")
    card_id = _card(ada)
    with session_scope() as s:
        prefs.update(session=s, user_id=ada.id, external_opt_in=True)
    tab = _builder(token, card_id)
    fake_openai.script.extend(["500", "500"])
    run(tab.propose())
    assert tab.ai_engine == "Offline assistant" and tab.ai_retry and "unavailable" in tab.ai_note
    assert tab.ai_proposals  # the offline answer, nothing lost
    run(tab.propose())  # the retry the button offers: the provider answers now
    assert tab.ai_engine == "AI provider" and tab.ai_proposals == ["Fake provider headline"] and not tab.ai_retry


def test_someone_elses_card_is_refused_and_a_signed_out_tab_goes_to_sign_in(db):
    token, ada = signed_in("ada@example.com", "Ada")
    card_id = _card(ada)
    tab = _builder(token, card_id)
    tab.card_id = str(uuid.uuid4())
    run(tab.propose())
    assert tab.ai_error == "Card not found." and tab.ai_proposals == [] and not tab.ai_busy
    signed_out = state(BuilderState, None, "/cards/edit", f"id={card_id}")
    signed_out.card_id = card_id
    events = run(signed_out.propose())
    assert "/login?next=/cards/edit" in str(events)


def test_a_reviewed_translation_becomes_a_new_draft_card_and_this_card_stays(db):
    token, ada = signed_in("ada@example.com", "Ada")
    card_id = _card(ada, headline="Software Engineer", bio="I build analytical engines for startups.")
    tab = _builder(token, card_id)
    tab.set_tr_target("es")
    run(tab.translate())
    rows = {row["key"]: row for row in tab.tr_rows}
    assert rows["headline"]["text"] == "Ingeniero de software" and rows["headline"]["untranslated"] == ""
    assert rows["headline"]["original"] == "Software Engineer" and rows["headline"]["label"]
    assert tab.tr_engine == "Offline assistant" and "phrase table" in tab.tr_note
    assert rows["bio"]["untranslated"] == "1"  # the phrase table does not cover free prose: marked for review

    tab.edit_translation("bio", "Construyo motores analíticos para startups.")
    events = run(tab.create_translation())
    with session_scope() as s:
        cards = s.exec(select(Card).where(Card.owner_id == ada.id)).all()
    assert len(cards) == 2
    copy = next(c for c in cards if str(c.id) != card_id)
    assert f"/cards/edit?id={copy.id}" in str(events)
    translated, original = _draft(ada, str(copy.id)), _draft(ada, card_id)
    assert translated.language == "es" and translated.bio == "Construyo motores analíticos para startups."
    assert translated.headline == "Ingeniero de software" and translated.business.name == CARD["business"]["name"]
    assert (original.language, original.bio) == ("en", "I build analytical engines for startups.")
