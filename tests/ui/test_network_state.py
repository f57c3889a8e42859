"""The Network page driven as a tab would: suggestions with reasons, states, introductions into compose, the digest."""

from __future__ import annotations

import json

from sqlmodel import select

from metaic.ai import corpus
from metaic.ai.models import Introduction
from metaic.contacts.models import SavedContact
from metaic.db import session_scope
from metaic.ui.pages.network import network_page
from metaic.ui.state.compose import ComposeState
from metaic.ui.state.network import NetworkState
from metaic.ui.state.network_draft import ComposeHandoffState
from tests.ai.helpers import CARD, make_card, make_user
from tests.ui.support import contact, run, signed_in, state


def _tab(token: str) -> NetworkState:
    """A loaded /network tab."""
    tab = state(NetworkState, token, "/network")
    run(tab.load())
    return tab


def _card(user, **changes) -> None:
    """A card of `user` (looking for seed investors unless changed)."""
    with session_scope() as s:
        make_card(s, s.merge(user), **changes)


def handoff_for(tab: NetworkState, token: str, contact_id: str) -> ComposeHandoffState:
    """The tab after the redirect: on the contact's page, its handoff state still holding the draft."""
    held = run(tab.get_state(ComposeHandoffState))
    assert held.contact_id == contact_id
    moved = state(ComposeHandoffState, token, "/contacts/view", f"id={contact_id}")
    moved.contact_id, moved.channel, moved.subject, moved.body = held.contact_id, held.channel, held.subject, held.body
    held.contact_id = ""
    return moved


def _apply(handoff: ComposeHandoffState) -> ComposeState:
    """Run the contact page's handoff step and return the tab's compose dialog."""
    run(handoff.apply())
    return run(handoff.get_state(ComposeState))


def test_the_page_has_its_parts():
    rendered = json.dumps(network_page().render(), default=str)
    for name in ("network-show", "network-intros", "network-digest", "digest-email", "network-needs-ask", "Network"):
        assert name in rendered, name


def test_suggestions_with_reasons_and_the_empty_and_ask_states(db):
    corpus.forget()
    token, ada = signed_in("ada@example.com", "Ada")
    tab = _tab(token)
    assert not tab.loading and tab.needs_ask and tab.contact_matches == []  # no card yet: say what you look for
    _card(ada)
    tab = _tab(token)
    assert not tab.needs_ask and tab.wants == "seed investors" and tab.contact_matches == []  # nothing matches
    contact(ada, full_name="Ivy Invest", note="Angel investor in seed rounds")
    tab = _tab(token)
    [row] = tab.contact_matches
    assert row["name"] == "Ivy Invest" and row["reason"].startswith("offers angel investor in seed rounds")
    tab.set_show("directory")
    assert tab.show == "directory"


def test_message_and_introduction_open_compose_with_the_draft_and_send_nothing(db, outbox):
    corpus.forget()
    token, ada = signed_in("ada@example.com", "Ada")
    _card(ada)
    ana = contact(
        ada,
        full_name="Ana Founder",
        emails=[{"label": "", "value": "ana@example.com"}],
        note="She is raising a seed round and looking for investors.",
    )
    ben = contact(
        ada,
        full_name="Ben Angel",
        emails=[{"label": "", "value": "ben@example.com"}],
        note="Angel investor writing first cheques.",
    )
    tab = _tab(token)
    [pair] = tab.intro_suggestions
    assert (pair["first_id"], pair["second_id"]) == (ana, ben) and "Ben Angel offers" in pair["reason"]

    events = run(tab.start_intro(ana, ben))
    assert f"/contacts/view?id={ana}" in str(events)
    compose = _apply(handoff_for(tab, token, ana))
    assert compose.composing and compose.recipient == "ana@example.com"
    assert compose.subject == "An introduction to Ben Angel?" and "Would you like me to introduce you?" in compose.body
    with session_scope() as s:
        assert s.exec(select(Introduction)).one().status == "asking_first"
    assert outbox.emails() == []  # only the owner's send in compose sends

    tab = _tab(token)
    [open_intro] = tab.intros_open
    assert open_intro["status_label"] == "Waiting for Ana Founder" and tab.intro_suggestions == []
    run(tab.answer_intro(open_intro["id"], True))
    compose = _apply(handoff_for(tab, token, ben))
    assert compose.recipient == "ben@example.com" and "Ana has said yes" in compose.body

    run(tab.message_contact(ben))
    compose = _apply(handoff_for(tab, token, ben))
    assert compose.subject == "Could we talk?" and "seed investors" in compose.body


def test_a_directory_card_is_saved_and_the_digest_email_switches(db):
    corpus.forget()
    token, ada = signed_in("ada@example.com", "Ada")
    _card(ada)
    tab = _tab(token)
    assert tab.digest_email is False and tab.digest_items == []
    run(tab.set_digest_email(True))
    assert tab.digest_email is True and _tab(token).digest_email is True
    with session_scope() as s:
        vera = make_user(s, "vera@example.com", "Vera")
        card = make_card(s, vera, publish=True, name="Vera Capital", networking={**CARD["networking"]})
        slug = card.slug
    run(tab.save_card(slug))
    with session_scope() as s:
        assert [c.full_name for c in s.exec(select(SavedContact).where(SavedContact.owner_id == ada.id))] == [
            "Vera Capital"
        ]
