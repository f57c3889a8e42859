"""The provider path against the fake OpenAI-compatible server: answers, streaming, embeddings and every failure."""

from __future__ import annotations

import json
import time

import pytest
from sqlmodel import select

from metaic.ai import engine, networking, writing
from metaic.ai.models import AiUsage, Embedding
from metaic.ai.safety import Prompt
from metaic.db import session_scope
from tests.ai.helpers import add_contact, make_card, make_user
from tests.support.fake_openai import MODEL


def _headline(session, owner, card):
    """Ask for headline proposals."""
    return writing.propose(session=session, owner=owner, card_id=card.id, field="headline", tone="bold")


def test_a_provider_answer_is_used_and_its_tokens_recorded(db, fake_openai):
    """An opted-in user gets the provider's proposals; the request names the model and carries the card as data."""
    fake_openai.reply = json.dumps({"proposals": ["Engines, built right", "Data pipelines that last"]})
    with session_scope() as s:
        owner = make_user(s, opt_in=True)
        card = make_card(s, owner)
        got = _headline(s, owner, card)
        assert (got.source, got.note, got.proposals) == (
            "provider",
            "",
            ["Engines, built right", "Data pipelines that last"],
        )
        row = s.exec(select(AiUsage)).one()
        assert (row.feature, row.source, row.model) == ("write", "provider", MODEL)
        assert row.completion_tokens == len(fake_openai.reply.split()) and row.prompt_tokens > 20
    body = fake_openai.chat_bodies()[0]
    assert body["model"] == MODEL and [m["role"] for m in body["messages"]] == ["system", "user"]
    assert "Tone: bold" in body["messages"][1]["content"] and "Ada Lovelace" in body["messages"][1]["content"]


@pytest.mark.parametrize(
    ("script", "reason", "calls"),
    [
        (["429", "429"], "rate limited", 2),
        (["500", "500"], "unavailable", 2),
        (["malformed"], "could not be read", 1),
    ],
)
def test_provider_failures_fall_back_to_the_offline_engine_with_a_note(db, fake_openai, script, reason, calls):
    """After the SDK's retry is used up (or on an unreadable answer) the offline proposals come back, labelled."""
    fake_openai.script.extend(script)
    with session_scope() as s:
        owner = make_user(s, opt_in=True)
        card = make_card(s, owner)
        got = _headline(s, owner, card)
        assert got.source == "offline" and reason in got.note and got.retry
        assert got.proposals and all("Software Engineer" in p for p in got.proposals)
        assert s.exec(select(AiUsage.source, AiUsage.failure)).one()[0] == "offline"
    assert len(fake_openai.chat_bodies()) == calls


def test_one_429_is_retried_with_backoff_and_then_answered(db, fake_openai):
    """A single rate-limit answer is retried by the SDK; the user gets the provider's answer."""
    fake_openai.script.append("429")
    with session_scope() as s:
        owner = make_user(s, opt_in=True)
        got = _headline(s, owner, make_card(s, owner))
    assert got.source == "provider" and len(fake_openai.chat_bodies()) == 2


def test_a_slow_provider_times_out_and_falls_back(db, fake_openai):
    """OPENAI_TIMEOUT_SECONDS=1 with one retry: two slow answers give up within seconds, not minutes."""
    fake_openai.script.extend(["slow", "slow"])
    fake_openai.slow_seconds = 2.5
    start = time.monotonic()
    with session_scope() as s:
        owner = make_user(s, opt_in=True)
        got = _headline(s, owner, make_card(s, owner))
    assert got.source == "offline" and "took too long" in got.note
    assert time.monotonic() - start < 6


def test_an_answer_that_is_not_the_asked_json_falls_back(db, fake_openai):
    """A chatty answer instead of {"proposals": [...]} counts as malformed."""
    fake_openai.reply = "Sure! Here are some headlines: 1. Engines"
    with session_scope() as s:
        owner = make_user(s, opt_in=True)
        got = _headline(s, owner, make_card(s, owner))
        assert got.source == "offline" and "could not be read" in got.note
        assert s.exec(select(AiUsage.failure)).one() == "malformed"


def _hello(strip: bool) -> Prompt:
    """A small prompt."""
    return Prompt("Say hello.").data("Name", "Ada")


def _stream(session, owner) -> list[dict]:
    """All events of a streamed answer, its usage recorded as Ask MetaIC does (the usage left out of the events)."""
    plan = engine.plan_stream(session=session, user_id=owner.id, prompt=_hello)
    events = list(engine.relay(plan, lambda: "Offline hello."))
    engine.record_stream(session=session, user_id=owner.id, feature="write", done=events[-1])
    return [{k: v for k, v in e.items() if k != "usage"} for e in events]


def test_streaming_relays_each_piece_and_falls_back_when_the_stream_fails(db, fake_openai):
    """SSE chunks arrive as deltas in order; a 500 twice or a broken stream gives the offline text and a note."""
    fake_openai.reply = "Hello there, Ada!"
    with session_scope() as s:
        owner = make_user(s, opt_in=True)
        events = _stream(s, owner)
        assert [e["delta"] for e in events[:-1]] == ["Hello", " there,", " Ada!"]
        assert events[-1] == {"done": True, "source": "provider", "note": "", "retry": False}
        fake_openai.script.extend(["500", "500"])
        failed = _stream(s, owner)
        assert failed[0] == {"delta": "Offline hello."} and failed[-1]["source"] == "offline" and failed[-1]["retry"]
        fake_openai.script.append("malformed")
        broken = _stream(s, owner)
        assert broken[0] == {"delta": "Offline hello."} and "could not be read" in broken[-1]["note"]
    assert all(body.get("stream") for body in fake_openai.chat_bodies())


def test_embeddings_are_stored_once_and_used_for_suggestions(db, fake_openai):
    """Contacts' offers are embedded once (stored as float lists); a second run embeds only the owner's wants."""
    with session_scope() as s:
        owner = make_user(s, opt_in=True)
        make_card(s, owner)
        add_contact(s, owner, full_name="Vera Capital", title="Partner", notes="Leads seed investments in B2B startups")
        add_contact(s, owner, full_name="Pat Baker", title="Baker", notes="Sourdough bread and pastries")
        first = networking.suggest(session=s, owner=owner)
        second = networking.suggest(session=s, owner=owner)
        stored = s.exec(select(Embedding)).all()
        assert len(stored) == 2 and all(len(row.vector) == row.dimensions == 16 for row in stored)
    assert first[0].name == second[0].name == "Vera Capital"
    inputs = [len(body["input"]) for body in fake_openai.requests if isinstance(body.get("input"), list)]
    assert inputs == [3, 1]
