"""Usage and the daily budget: every request recorded per user and feature; the budget stops provider calls."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from metaic.ai import engine, usage, writing
from metaic.ai.models import AiUsage
from metaic.config import get_settings
from metaic.core import clock
from metaic.db import session_scope
from tests.ai.helpers import make_card, make_user


def test_usage_is_recorded_per_user_feature_and_engine(db, fake_openai):
    """Offline and provider answers both leave a row; a not-opted-in user's rows say why they stayed offline."""
    with session_scope() as s:
        ada, bob = make_user(s, opt_in=True), make_user(s, "bob@example.com", "Bob")
        card, bobs = make_card(s, ada), make_card(s, bob)
        writing.propose(session=s, owner=ada, card_id=card.id, field="headline")
        writing.translate(session=s, owner=ada, card_id=card.id, target_language="es")
        writing.propose(session=s, owner=bob, card_id=bobs.id, field="about")
        rows = s.exec(select(AiUsage.user_id, AiUsage.feature, AiUsage.source, AiUsage.failure)).all()
    assert sorted(rows, key=str) == sorted(
        [
            (ada.id, "write", "provider", ""),
            (ada.id, "translate", "offline", "malformed"),
            (bob.id, "write", "offline", "not_opted_in"),
        ],
        key=str,
    )


def test_an_exhausted_daily_budget_stops_provider_calls_until_tomorrow(db, fake_openai, monkeypatch):
    """AI_DAILY_REQUESTS=2: the third request is answered offline with a note and never reaches the server."""
    monkeypatch.setenv("AI_DAILY_REQUESTS", "2")
    get_settings.cache_clear()
    with session_scope() as s:
        owner = make_user(s, opt_in=True)
        card = make_card(s, owner)
        answers = [writing.propose(session=s, owner=owner, card_id=card.id, field="headline") for _ in range(3)]
        assert [a.source for a in answers] == ["provider", "provider", "offline"]
        assert answers[2].note == engine.BUDGET and not answers[2].retry
        assert usage.budget(session=s, user_id=owner.id).exhausted
        clock.advance(timedelta(days=1))
        assert writing.propose(session=s, owner=owner, card_id=card.id, field="headline").source == "provider"
    assert len(fake_openai.chat_bodies()) == 3


def test_the_token_budget_counts_too(db, fake_openai, monkeypatch):
    """AI_DAILY_TOKENS below one request's tokens: the second request stays offline."""
    monkeypatch.setenv("AI_DAILY_TOKENS", "10")
    get_settings.cache_clear()
    with session_scope() as s:
        owner = make_user(s, opt_in=True)
        card = make_card(s, owner)
        sources = [writing.propose(session=s, owner=owner, card_id=card.id, field="about").source for _ in range(2)]
    assert sources == ["provider", "offline"] and len(fake_openai.chat_bodies()) == 1


def test_admin_totals_and_cost_estimate(db, monkeypatch):
    """Totals group by feature and engine over the period; cost uses the configured prices per million tokens."""
    monkeypatch.setenv("AI_PRICE_INPUT_PER_MTOK", "2")
    monkeypatch.setenv("AI_PRICE_OUTPUT_PER_MTOK", "8")
    get_settings.cache_clear()
    assert usage.estimate_cost(1_000_000, 500_000) == 6.0
    with session_scope() as s:
        owner = make_user(s)
        for tokens in (1000, 3000):
            usage.record(
                session=s,
                user_id=owner.id,
                feature="write",
                source="provider",
                prompt_tokens=tokens,
                completion_tokens=500,
            )
        usage.record(session=s, user_id=owner.id, feature="write", source="offline", failure="timeout")
        rows = usage.totals(session=s, since=usage.today())
        old = usage.totals(session=s, since=usage.today() - timedelta(days=9), until=usage.today() - timedelta(days=1))
    assert [(r.feature, r.source, r.requests, r.failures) for r in rows] == [
        ("write", "offline", 1, 1),
        ("write", "provider", 2, 0),
    ]
    assert rows[1].prompt_tokens == 4000 and rows[1].cost_usd == (4000 * 2 + 1000 * 8) / 1_000_000
    assert old == []
