"""Networking suggestions: the evaluation set's score, contacts' card offers, reasons, and owners kept apart."""

from __future__ import annotations

import pytest

from metaic.ai import networking
from metaic.contacts import enrichment
from metaic.core.errors import ValidationError
from metaic.db import session_scope
from tests.ai import networking_eval
from tests.ai.helpers import add_contact, make_card, make_user


def test_the_planted_match_is_in_the_top_three_for_at_least_90_percent():
    """40 asks over 40 contacts: the offline ranking finds the planted offer in its top 3 for >= 90% of them."""
    assert len(networking_eval.contacts()) == 40 and len(networking_eval.cases()) == 40
    score, misses = networking_eval.evaluate()
    assert score >= 0.9, misses


def test_related_words_widen_the_ask():
    """ "investors" also looks for funding, seed and angel; unrelated words are left alone."""
    widened = networking.widen(["invest"])
    assert {"fund", "seed", "angel"} <= set(widened) and "bread" not in widened


def test_a_contacts_published_card_offer_counts_and_the_reason_quotes_both_sides(db):
    """A contact saved from a card offering seed funding ranks first, with a reason naming the offer and the ask."""
    with session_scope() as s:
        owner = make_user(s)
        make_card(s, owner)
        investor = make_user(s, "vera@example.com", "Vera")
        card = make_card(
            s, investor, publish=True, name="Vera Capital", networking={"offer": "Seed funding for B2B startups"}
        )
        saved = enrichment.save_from_card(session=s, saver=owner, slug=card.slug)
        add_contact(s, owner, full_name="Pat Baker", title="Baker", note="Sourdough and pastries")
        add_contact(s, owner, full_name="Quiet Person")
        found = networking.suggest(session=s, owner=owner)
    assert [f.contact_id for f in found] == [saved.id]
    assert found[0].reason == "offers seed funding for B2B startups; you are looking for seed investors"
    assert "seed" in found[0].matched


def test_only_the_owners_contacts_are_ranked_and_an_ask_is_needed(db):
    """Another user's contacts never appear; an owner whose card looks for nothing is told to say what they want."""
    with session_scope() as s:
        owner, other = make_user(s), make_user(s, "eve@example.com", "Eve")
        make_card(s, owner)
        make_card(s, other)
        add_contact(s, other, full_name="Angel Investor", note="Seed funding for startups")
        assert networking.suggest(session=s, owner=owner) == []
        quiet = make_user(s, "quiet@example.com", "Quiet")
        make_card(s, quiet, networking={"offer": "Advice"})
        with pytest.raises(ValidationError):
            networking.suggest(session=s, owner=quiet)
        with pytest.raises(ValidationError):
            networking.suggest(session=s, owner=make_user(s, "nocard@example.com", "No Card"))
