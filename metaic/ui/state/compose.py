"""Writing to a saved contact: pick a template, edit, preview, send now or later; the contact's sent messages."""

from __future__ import annotations

import uuid

import reflex as rx

from metaic.communication import flows as communication_flows
from metaic.communication import service as message_service
from metaic.communication import templates
from metaic.contacts import service as contact_service
from metaic.core import clock
from metaic.core.errors import DomainError, NotFound
from metaic.ui.state.auth import FormState
from metaic.ui.state.contacts import ContactState

CHANNEL_LABELS = {"email": "Email", "whatsapp": "WhatsApp"}
STATUS_COLORS = {"queued": "amber", "sending": "amber", "sent": "green", "failed": "red", "canceled": "gray"}


class ComposeState(FormState):
    """The compose dialog on /contacts/view and the contact's list of messages sent or scheduled."""

    composing: bool = False
    contact_id: str = ""
    contact_name: str = ""
    channel: str = "email"
    recipient: str = ""
    can_email: bool = False
    can_whatsapp: bool = False
    template_options: list[dict[str, str]] = []
    template_id: str = ""
    subject: str = ""
    body: str = ""
    preview_subject: str = ""
    preview_body: str = ""
    preview_error: str = ""
    when: str = "now"
    send_at: str = ""
    timezone: str = "UTC"
    messages: list[dict[str, str]] = []
    has_pending: bool = False
    new_template_name: str = ""

    def _cid(self) -> uuid.UUID:
        """The contact on screen (from the address)."""
        try:
            return uuid.UUID(self.router.url.query_parameters.get("id", ""))
        except ValueError:
            raise NotFound("This contact could not be found.") from None

    async def _run(self, action, success: str = ""):
        """`action(session, user)` in one transaction, in a worker thread; refusals by their field and in a toast."""
        back = f"/contacts/view?id={self.router.url.query_parameters.get('id', '')}"
        return await self._transact_off_loop(action, back=back, success=success)

    def _list(self, session, user) -> None:
        """Reload the contact's messages, newest first, with times on the user's clock."""
        self.timezone = user.timezone or "UTC"
        rows = message_service.list_(session=session, owner=user, contact_id=self._cid(), limit=20)
        self.messages = [
            {
                "id": str(m.id),
                "channel": CHANNEL_LABELS.get(m.channel, m.channel),
                "to": m.to,
                "subject": m.subject or m.body[:80],
                "status": m.status,
                "color": STATUS_COLORS.get(m.status, "gray"),
                "error": m.error,
                "when": clock.to_local(m.send_at, self.timezone).strftime("%d %b %Y %H:%M"),
            }
            for m in rows
        ]
        self.has_pending = any(m.status in ("queued", "sending") for m in rows)

    @rx.event
    async def load_messages(self):
        """on_load of the contact page: the messages list."""
        self.composing = False
        return await self._run(self._list)

    @rx.event
    async def tick(self, _now: str):
        """While messages wait to go out, refresh them; when one goes, refresh the timeline too."""
        if not self.has_pending:
            return None
        before = [m["status"] for m in self.messages]
        await self._run(self._list)
        return ContactState.reload if before != [m["status"] for m in self.messages] else None

    def _preview(self, session, user) -> None:
        """Fill the preview from the current subject and body, or show why it cannot be filled."""
        self.preview_error = ""
        try:
            subject, body = templates.preview(
                session=session,
                owner=user,
                contact_id=self._cid(),
                subject=self.subject,
                body=self.body,
                channel=self.channel,
            )
        except DomainError as exc:
            self.preview_subject, self.preview_body = "", ""
            self.preview_error = next(iter(exc.errors.values()), exc.message) if exc.errors else exc.message
            return
        self.preview_subject, self.preview_body = subject, body

    def _use_template(self, session, user, template_id: str) -> None:
        """Copy a saved template's subject and body into the editor."""
        self.template_id = template_id
        if template_id:
            template = templates.get(session=session, owner=user, template_id=template_id)
            self.subject, self.body = template.subject, template.body
        self._preview(session, user)

    @rx.event
    async def open_compose(self, channel: str):
        """Open the dialog for email or WhatsApp, starting from the first template of that channel."""

        def action(session, user):
            options = self._start(session, user, channel)
            first = next((t for t in options if t.channel == self.channel), options[0] if options else None)
            self._use_template(session, user, str(first.id) if first else "")
            self.composing = True

        return await self._run(action)

    def _start(self, session, user, channel: str) -> list:
        """Fill the dialog for the contact on screen and this channel, empty; returns the owner's templates."""
        contact = contact_service.get(session=session, owner=user, contact_id=self._cid())
        self.contact_id, self.contact_name = str(contact.id), contact.full_name or "this contact"
        self.timezone = user.timezone or "UTC"
        self.can_email, self.can_whatsapp = bool(contact.emails), bool(contact.phones)
        options = templates.list_(session=session, owner=user)
        self.template_options = [{"id": str(t.id), "name": t.name, "channel": t.channel} for t in options]
        self.subject, self.body, self.when, self.send_at = "", "", "now", ""
        self._switch(channel, contact)
        return options

    def open_draft(self, session, user, channel: str, subject: str, body: str) -> None:
        """Open the dialog on a prepared draft (a follow-up plan's), no template; sending stays the owner's click."""
        self._start(session, user, channel)
        self.template_id, self.subject, self.body = "", subject, body
        self._preview(session, user)
        self.composing = True

    def _switch(self, channel: str, contact) -> None:
        """Use this channel and show who the message goes to."""
        self.channel = channel if channel in CHANNEL_LABELS else "email"
        values = contact.emails if self.channel == "email" else contact.phones
        self.recipient = values[0].value if values else ""

    @rx.event
    def set_composing(self, value: bool):
        """Close (or reopen) the dialog."""
        self.composing, self.errors = value, {}

    @rx.event
    async def choose_channel(self, channel: str | list[str]):
        """Switch between email and WhatsApp (WhatsApp has no subject)."""
        channel = channel if isinstance(channel, str) else "".join(channel[:1])

        def action(session, user):
            self._switch(channel, contact_service.get(session=session, owner=user, contact_id=self._cid()))
            self._preview(session, user)

        return await self._run(action)

    @rx.event
    async def choose_template(self, template_id: str):
        """Start from another saved template (or a blank message)."""
        if template_id == "blank":
            self.template_id, self.subject, self.body = "", "", ""
            return await self._run(self._preview)
        return await self._run(lambda s, u: self._use_template(s, u, template_id))

    @rx.event
    def set_new_template_name(self, value: str):
        """The name to save the current text under."""
        self.new_template_name = value

    @rx.event
    async def save_as_template(self):
        """Keep the current subject and body (with their variables) as a new template, and select it."""

        def action(session, user):
            made = templates.create(
                session=session,
                owner=user,
                name=self.new_template_name,
                channel=self.channel,
                subject=self.subject,
                body=self.body,
            )
            self.template_options = [
                {"id": str(t.id), "name": t.name, "channel": t.channel}
                for t in templates.list_(session=session, owner=user)
            ]
            self.template_id, self.new_template_name = str(made.id), ""

        return await self._run(action, "Saved as a template.")

    @rx.event
    async def edit_subject(self, value: str):
        """The subject changed: refresh the preview."""
        self.subject = value
        return await self._run(self._preview)

    @rx.event
    async def edit_body(self, value: str):
        """The body changed: refresh the preview."""
        self.body = value
        return await self._run(self._preview)

    @rx.event
    def set_when(self, value: str):
        """Send now or later."""
        self.when = "later" if value == "later" else "now"

    @rx.event
    def set_send_at(self, value: str):
        """The local date and time to send at."""
        self.send_at = value

    @rx.event
    async def send(self):
        """Fill in the template for this contact and queue it for now or the chosen time."""

        def action(session, user):
            # The rules for a send time (readable, not past, within a year) live in the domain.
            when = None if self.when == "now" else message_service.local_send_time(self.send_at, self.timezone)
            communication_flows.send_from_template(
                session=session,
                owner=user,
                contact_id=self._cid(),
                channel=self.channel,
                subject=self.subject,
                body=self.body,
                send_at=when,
            )
            self.composing = False
            self._list(session, user)
            label = CHANNEL_LABELS[self.channel]
            if when is None:
                return rx.toast.success(f"{label} on its way to {self.contact_name}.")
            local = clock.to_local(when, self.timezone).strftime("%d %b %H:%M")
            return rx.toast.success(f"{label} scheduled for {local}.")

        self.busy = True
        return await self._run(action)

    @rx.event
    async def cancel_message(self, message_id: str):
        """Cancel a message that has not gone out yet."""

        def action(session, user):
            message_service.cancel(session=session, owner=user, message_id=message_id)
            self._list(session, user)

        return await self._run(action, "Scheduled message cancelled.")
