"""The follow-up plan on a contact's page, driven as a tab would: accept, edit, dismiss; the saved card's summary."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from sqlmodel import select

from metaic.ai.models import FollowUpPlan
from metaic.communication.models import ScheduledMessage
from metaic.contacts import enrichment, reminders
from metaic.core import clock
from metaic.db import session_scope
from metaic.ui.pages.contacts import contact_view
from metaic.ui.state.compose import ComposeState
from metaic.ui.state.contact_followup import FollowUpState
from tests.ai.helpers import make_card, make_user, settle
from tests.ui.support import contact, run, signed_in, state


def _tab(token: str, contact_id: str) -> FollowUpState:
    """The follow-up panel of a tab on /contacts/view?id=contact_id, loaded."""
    tab = state(FollowUpState, token, "/contacts/view", f"id={contact_id}")
    run(tab.load())
    return tab


def _plan(contact_id: str) -> FollowUpPlan:
    """The stored plan of a contact."""
    with session_scope() as s:
        return s.exec(select(FollowUpPlan).where(FollowUpPlan.contact_id == uuid.UUID(contact_id))).one()


def test_the_contact_page_has_the_plan_panel_and_the_card_summary():
    rendered = json.dumps(contact_view().render(), default=str)
    for name in ("followup-plan", "followup-accept", "followup-edit", "followup-dismiss", "card-summary"):
        assert name in rendered, name


def test_accept_sets_the_reminder_and_opens_compose_on_the_draft_without_sending(db, outbox):
    token, ada = signed_in("ada@example.com", "Ada Lovelace", timezone="Europe/Paris")
    cid = contact(ada, event="Web Summit", place="Lisbon", how_we_met="We talked about logistics startups")
    settle()
    tab = _tab(token, cid)
    assert tab.fu_state == "proposed" and tab.channel_label == "Email" and tab.language == "English"
    assert tab.where == "Web Summit · Lisbon" and "Web Summit" in tab.body and tab.engine == "Offline assistant"
    plan = _plan(cid)
    assert tab.remind_input == clock.to_local(plan.remind_at, "Europe/Paris").strftime("%Y-%m-%dT%H:%M")

    events = run(tab.accept())
    compose = run(tab.get_state(ComposeState))
    assert compose.composing and compose.channel == "email" and compose.recipient == "grace@navy.example"
    assert (compose.subject, compose.body) == (plan.subject, plan.body) and compose.template_id == ""
    assert "Reminder set for" in str(events) and "reload" in str(events)
    assert tab.fu_state == "accepted" and not tab.fu_busy
    with session_scope() as s:
        due = [r for r in reminders.list_for(session=s, owner=s.merge(ada)) if str(r.contact_id) == cid]
        assert len(due) == 1 and clock.as_utc(due[0].due_at) == clock.as_utc(plan.remind_at)
        assert s.exec(select(ScheduledMessage)).all() == []  # nothing sent: that stays the owner's click
    assert _plan(cid).status == "accepted" and outbox.emails() == []

    run(tab.accept())  # a second click changes nothing
    run(tab.open_draft())
    assert compose.composing and compose.body == plan.body


def test_edit_saves_the_owners_changes_and_dismiss_sets_the_plan_aside(db):
    token, ada = signed_in("ada@example.com", "Ada", timezone="Asia/Tokyo")
    cid = contact(ada, phones=[{"label": "", "value": "+44 20 7946 0000"}], emails=[])
    settle()
    tab = _tab(token, cid)
    assert tab.channel == "whatsapp"
    tab.set_editing(True)
    run(tab.save_edit({"channel": "whatsapp", "subject": "", "body": "Hi Grace!", "remind_at": "not a date"}))
    assert tab.errors == {"remind_at": "Choose a date and time for the reminder."} and tab.fu_editing
    later = clock.to_local(clock.now() + timedelta(days=3), "Asia/Tokyo").replace(second=0, microsecond=0)
    form = {"channel": "bogus", "subject": "", "body": "Hi Grace!", "remind_at": later.strftime("%Y-%m-%dT%H:%M")}
    run(tab.save_edit(form))
    assert not tab.errors and not tab.fu_editing and tab.body == "Hi Grace!" and tab.channel == "whatsapp"
    assert clock.as_utc(_plan(cid).remind_at) == later

    run(tab.dismiss())
    assert tab.fu_state == "dismissed" and _plan(cid).status == "dismissed"
    with session_scope() as s:
        assert reminders.list_for(session=s, owner=s.merge(ada)) == []


def test_preparing_then_none_and_a_foreign_contact_shows_an_error(db):
    token, ada = signed_in("ada@example.com", "Ada")
    _, bob = signed_in("bob@example.com", "Bob")
    cid = contact(ada)
    settle()
    with session_scope() as s:
        s.delete(s.exec(select(FollowUpPlan).where(FollowUpPlan.contact_id == uuid.UUID(cid))).one())
    assert _tab(token, cid).fu_state == "preparing"  # saved a moment ago: the job is on its way
    clock.advance(timedelta(hours=1))
    try:
        assert _tab(token, cid).fu_state == "none"
    finally:
        clock.reset()
    bobs = contact(bob, full_name="Bob's contact")
    foreign = _tab(token, bobs)
    assert foreign.fu_state == "error" and foreign.fu_error == "Contact not found."


def test_a_contact_saved_from_a_card_shows_the_cards_summary(db):
    token, vera = signed_in("vera@example.com", "Vera")
    with session_scope() as s:
        ada = make_user(s)
        slug = make_card(s, ada, publish=True).slug
    settle()  # the summary job of the publish
    with session_scope() as s:
        cid = str(enrichment.save_from_card(session=s, saver=s.merge(vera), slug=slug).id)
    settle()
    tab = _tab(token, cid)
    assert tab.card_summary.startswith("Ada Lovelace") and "\n" in tab.card_summary
    assert tab.fu_state == "proposed" and "ada@analytical.example.com" not in tab.body
