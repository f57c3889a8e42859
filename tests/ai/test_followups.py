"""Follow-up plans: proposed when a contact is saved, accepted into a reminder and a compose draft, per owner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from metaic.ai import followups
from metaic.ai.models import FollowUpPlan
from metaic.ai.schemas import FollowUpEdit
from metaic.contacts import enrichment, reminders
from metaic.core import clock
from metaic.core.errors import Conflict, NotFound
from metaic.db import session_scope
from tests.ai.helpers import add_contact, make_card, make_user, settle


def _plan(session, contact_id) -> FollowUpPlan:
    """The plan proposed for a contact."""
    return session.exec(select(FollowUpPlan).where(FollowUpPlan.contact_id == contact_id)).one()


def test_saving_a_contact_proposes_an_email_in_their_language_mentioning_where_we_met(db):
    """A Spanish meeting note gives a Spanish email naming the event and place; the reminder is a weekday at 9."""
    with session_scope() as s:
        owner = make_user(s)
        contact = add_contact(
            s,
            owner,
            full_name="Lucía García",
            emails=[{"label": "work", "value": "lucia@example.es"}],
            event="Web Summit",
            place="Lisboa",
            how_we_met="Hablamos de financiación para startups de logística",
        )
        contact_id = contact.id
    settle()
    with session_scope() as s:
        plan = _plan(s, contact_id)
        assert (plan.channel, plan.language, plan.status, plan.source) == ("email", "es", "proposed", "offline")
        assert plan.body.startswith("Hola Lucía") and "Web Summit" in plan.body and "Lisboa" in plan.body
        assert "financiación para startups" in plan.body and plan.subject == "Encantado de conocerte en Web Summit"
        when = clock.as_utc(plan.remind_at)
        assert when > clock.now() and when.weekday() < 5 and when.hour == 9


def test_a_contact_with_only_a_phone_gets_a_whatsapp_message_and_a_bare_one_none(db):
    """WhatsApp when there is a phone and no email; no channel when neither."""
    with session_scope() as s:
        owner = make_user(s)
        phone = add_contact(s, owner, full_name="Max Muster", phones=[{"label": "mobile", "value": "+49 151 23456789"}])
        bare = add_contact(s, owner, full_name="Nobody Known")
        plans = (
            followups.plan_for_contact(session=s, contact_id=phone.id),
            followups.plan_for_contact(session=s, contact_id=bare.id),
        )
    settle()
    assert [p.channel for p in plans] == ["whatsapp", "none"]
    assert plans[0].body.startswith("Hi Max, Ada Lovelace here.")


def test_saving_a_published_card_plans_in_the_cards_language(db):
    """A visitor who saves a French card gets a French plan; saving it again plans nothing new."""
    with session_scope() as s:
        author = make_user(s, "claire@example.fr", "Claire Dubois")
        card = make_card(s, author, publish=True, name="Claire Dubois", language="fr")
        slug = card.slug
        visitor = make_user(s, "bob@example.com", "Bob")
        contact_id = enrichment.save_from_card(session=s, saver=visitor, slug=slug).id
    settle()
    with session_scope() as s:
        visitor = s.get(type(visitor), visitor.id)
        enrichment.save_from_card(session=s, saver=visitor, slug=slug)
    settle()
    with session_scope() as s:
        plan = _plan(s, contact_id)
        assert plan.language == "fr" and plan.body.startswith("Bonjour Claire")


def test_accept_creates_the_reminder_and_returns_the_draft_without_sending(db, outbox):
    """Accepting makes one reminder at the plan's time and hands the draft to compose; nothing is sent."""
    with session_scope() as s:
        owner = make_user(s)
        contact = add_contact(
            s, owner, full_name="Grace Hopper", emails=[{"label": "w", "value": "grace@navy.example"}]
        )
        plan = followups.plan_for_contact(session=s, contact_id=contact.id)
        done = followups.accept_plan(session=s, owner=owner, plan_id=plan.id)
        assert done.plan.status == "accepted" and done.plan.reminder_id == done.reminder.id
        assert (done.compose.channel, done.compose.to, done.compose.body) == ("email", "grace@navy.example", plan.body)
        listed = reminders.list_for(session=s, owner=owner, contact_id=contact.id)
        assert [r.id for r in listed] == [done.reminder.id] and listed[0].due_at == done.plan.remind_at
        with pytest.raises(Conflict):
            followups.accept_plan(session=s, owner=owner, plan_id=plan.id)
    assert outbox.emails() == [] and outbox.texts() == []


def test_edit_then_dismiss_and_a_past_time_reminds_tomorrow(db):
    """Edits stay on the plan; a reminder time already past becomes tomorrow; a dismissed plan cannot be accepted."""
    with session_scope() as s:
        owner = make_user(s)
        first = add_contact(s, owner, full_name="Alan Turing", emails=[{"label": "w", "value": "alan@example.com"}])
        second = add_contact(s, owner, full_name="Joan Clarke", emails=[{"label": "w", "value": "joan@example.com"}])
        plan = followups.plan_for_contact(session=s, contact_id=first.id)
        edited = followups.edit_plan(
            session=s,
            owner=owner,
            plan_id=plan.id,
            changes=FollowUpEdit(body="Custom text", remind_at=clock.now() - timedelta(days=1)),
        )
        assert edited.body == "Custom text" and edited.subject == plan.subject
        accepted = followups.accept_plan(session=s, owner=owner, plan_id=plan.id)
        assert accepted.compose.body == "Custom text" and accepted.reminder.due_at > clock.now()
        other = followups.plan_for_contact(session=s, contact_id=second.id)
        assert followups.dismiss_plan(session=s, owner=owner, plan_id=other.id).status == "dismissed"
        with pytest.raises(Conflict):
            followups.accept_plan(session=s, owner=owner, plan_id=other.id)
        assert [p.id for p in followups.list_plans(session=s, owner=owner, status=None)] == [other.id, plan.id]


def test_another_owner_cannot_see_or_act_on_a_plan(db):
    """Every plan call is scoped to its owner: someone else gets NotFound and nothing changes."""
    with session_scope() as s:
        owner, stranger = make_user(s), make_user(s, "eve@example.com", "Eve")
        contact = add_contact(s, owner, full_name="Grace Hopper", emails=[{"label": "w", "value": "g@navy.example"}])
        plan = followups.plan_for_contact(session=s, contact_id=contact.id)
        for call in (followups.get_plan, followups.accept_plan, followups.dismiss_plan):
            with pytest.raises(NotFound):
                call(session=s, owner=stranger, plan_id=plan.id)
        with pytest.raises(NotFound):
            followups.edit_plan(session=s, owner=stranger, plan_id=plan.id, changes=FollowUpEdit(body="x"))
        assert followups.list_plans(session=s, owner=stranger) == []
        assert followups.get_plan(session=s, owner=owner, plan_id=plan.id).status == "proposed"
