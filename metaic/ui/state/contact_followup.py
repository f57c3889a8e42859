"""The assistant on a contact's page: the follow-up plan (accept, edit, dismiss) and the summary of their card."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

import reflex as rx

from metaic.ai import followups, summaries
from metaic.ai.language import NAMES
from metaic.ai.schemas import FollowUpEdit
from metaic.contacts import enrichment
from metaic.contacts import service as contact_service
from metaic.core import clock
from metaic.core.errors import DomainError, ValidationError
from metaic.ui.state.auth import FormState
from metaic.ui.state.builder_ai import extra_note
from metaic.ui.state.compose import ComposeState
from metaic.ui.state.contacts import ContactState

log = logging.getLogger(__name__)
CHANNELS = {"email": "Email", "whatsapp": "WhatsApp", "none": "No channel"}
ENGINES = {"provider": "AI provider", "offline": "Offline assistant"}
# A plan is written by a job right after the contact is saved: until then the page says one is on its way.
PREPARING_FOR = timedelta(minutes=5)


def where_met(contact) -> str:
    """ "Web Summit · Lisbon · 3 Nov 2026" from the contact's meeting fields."""
    day = contact.met_on.strftime("%-d %b %Y") if contact.met_on else ""
    return " · ".join(p for p in (contact.event, contact.place, day) if p)


class FollowUpState(FormState):
    """/contacts/view: the contact's follow-up plan and their card's summary; rebuilt from the database on load."""

    contact_id: str = ""
    fu_state: str = "loading"  # loading, none, preparing, proposed, accepted, dismissed, error
    fu_error: str = ""
    fu_busy: bool = False
    fu_editing: bool = False
    plan_id: str = ""
    channel: str = "email"
    channel_label: str = ""
    language: str = ""
    where: str = ""
    subject: str = ""
    body: str = ""
    remind_label: str = ""
    remind_input: str = ""
    engine: str = ""
    note: str = ""
    card_summary: str = ""

    def _cid(self) -> uuid.UUID:
        """The contact on screen."""
        return uuid.UUID(self.contact_id)

    def _back(self) -> str:
        """This page's address, to come back to after signing in."""
        return f"/contacts/view?id={self.contact_id}"

    def _show(self, session, user) -> None:
        """The contact's newest plan (any status) and their card's summary."""
        contact = contact_service.get(session=session, owner=user, contact_id=self._cid())
        card = enrichment.card_details(session=session, owner=user, contact_id=contact.id) if contact.card_id else None
        found = summaries.card_summary(session=session, card_id=card.card_id) if card else None
        self.card_summary = found or ""
        plans = followups.list_plans(session=session, owner=user, status=None, contact_id=contact.id)
        self.fu_editing, self.fu_error = False, ""
        if not plans:
            recent = clock.now() - clock.as_utc(contact.created_at) < PREPARING_FOR
            self.fu_state, self.plan_id = ("preparing" if recent else "none"), ""
            return
        plan = plans[0]
        zone = user.timezone or "UTC"
        local = clock.to_local(plan.remind_at, zone)
        self.fu_state, self.plan_id = plan.status, str(plan.id)
        self.channel, self.channel_label = plan.channel, CHANNELS[plan.channel]
        self.language = NAMES.get(plan.language, plan.language)
        self.where, self.subject, self.body = where_met(contact), plan.subject, plan.body
        self.remind_label = local.strftime("%a %-d %b %Y, %H:%M")
        self.remind_input = local.strftime("%Y-%m-%dT%H:%M")
        self.engine, self.note = ENGINES[plan.source], extra_note(plan.note)

    async def _do(self, action, success: str = ""):
        """`action(session, user)` then the plan again, in one transaction off the event loop."""

        def run(session, user):
            result = action(session, user)
            self._show(session, user)
            return result

        try:
            return await self._transact_off_loop(run, back=self._back(), success=success)
        except Exception:  # a lost database must not leave the panel spinning: say so and offer a retry
            log.exception("follow-up panel of contact %s failed", self.contact_id)
            self.fu_state, self.fu_error = "error", "The follow-up plan could not be loaded right now."
            return None
        finally:
            self.fu_busy = False

    def _fail(self, exc: DomainError) -> None:
        """A refusal shows in the panel (and as a toast)."""
        super()._fail(exc)
        self.fu_error = exc.message

    @rx.event
    async def load(self):
        """on_load of /contacts/view: the plan of the contact in the address."""
        self.contact_id = self.router.url.query_parameters.get("id", "")
        self.fu_state, self.fu_error, self.card_summary = "loading", "", ""
        try:
            self._cid()
        except ValueError:
            return None
        failed = await self._do(lambda s, u: None)
        if self.errors and self.fu_state == "loading":
            self.fu_state = "error"
        return failed

    @rx.event
    async def refresh(self):
        """Look again (a plan being prepared, or after an error)."""
        self.fu_state = "loading"
        return await self.load()

    @rx.event
    async def accept(self):
        """One click: the reminder is set and compose opens on the draft (sending stays the owner's click)."""
        if self.fu_busy or not self.plan_id:
            return
        self.fu_busy = True
        yield
        compose = await self.get_state(ComposeState)

        def action(session, user):
            done = followups.accept_plan(session=session, owner=user, plan_id=uuid.UUID(self.plan_id))
            when = clock.to_local(done.reminder.due_at, user.timezone or "UTC").strftime("%a %-d %b, %H:%M")
            if done.compose.channel == "none":
                return rx.toast.success(f"Reminder set for {when}. This contact has no email or phone to write to.")
            compose.open_draft(session, user, done.compose.channel, done.compose.subject, done.compose.body)
            return rx.toast.success(f"Reminder set for {when}. Your draft is open: nothing is sent until you send it.")

        toast = await self._do(action)
        yield [toast, ContactState.reload] if not self.errors else toast

    @rx.event
    async def open_draft(self):
        """Open compose again on an accepted plan's draft."""
        compose = await self.get_state(ComposeState)
        channel, subject, body = self.channel, self.subject, self.body
        return await self._do(lambda s, u: compose.open_draft(s, u, channel, subject, body))

    @rx.event
    def set_editing(self, value: bool):
        """Show or hide the plan's edit form."""
        self.fu_editing, self.fu_error = value, ""

    @rx.event
    async def save_edit(self, form: dict):
        """Save the owner's changes to the message, channel or reminder time."""

        channel = str(form.get("channel", self.channel))
        if channel not in CHANNELS:
            channel = self.channel

        def action(session, user):
            when = clock.from_local(str(form.get("remind_at", "")), user.timezone or "UTC")
            if when is None:
                raise ValidationError("Choose a date and time for the reminder.", field="remind_at")
            changes = FollowUpEdit(
                channel=channel,
                subject=str(form.get("subject", ""))[:200],
                body=str(form.get("body", ""))[:5000],
                remind_at=when,
            )
            followups.edit_plan(session=session, owner=user, plan_id=uuid.UUID(self.plan_id), changes=changes)

        return await self._do(action, "Follow-up plan saved.")

    @rx.event
    async def dismiss(self):
        """Set the plan aside; nothing else changes."""
        return await self._do(
            lambda s, u: followups.dismiss_plan(session=s, owner=u, plan_id=uuid.UUID(self.plan_id)),
            "Follow-up plan dismissed.",
        )
