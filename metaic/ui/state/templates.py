"""/templates: the user's message templates, with a live sample preview while editing."""

from __future__ import annotations

import reflex as rx

from metaic.communication import templates
from metaic.core.errors import DomainError, RateLimited
from metaic.ui.state.auth import FormState


class TemplatesState(FormState):
    """The list, the edit dialog (new or existing) and the delete confirmation."""

    rows: list[dict[str, str]] = []
    editing: bool = False
    edit_id: str = ""
    name: str = ""
    channel: str = "email"
    subject: str = ""
    body: str = ""
    sample_subject: str = ""
    sample_body: str = ""
    sample_error: str = ""
    confirm_id: str = ""

    async def _run(self, action, success: str = ""):
        """`action(session, user)` in one transaction, in a worker thread; refusals by their field and in a toast."""
        return await self._transact_off_loop(action, back="/templates", success=success)

    def _list(self, session, user) -> None:
        """Reload the list (the defaults appear the first time)."""
        self.rows = [
            {
                "id": str(t.id),
                "name": t.name,
                "channel": "WhatsApp" if t.channel == "whatsapp" else "Email",
                "subject": t.subject,
                "body": t.body,
            }
            for t in templates.list_(session=session, owner=user)
        ]

    @rx.event
    async def load(self):
        """on_load: the user's templates."""
        self.editing, self.confirm_id = False, ""
        return await self._run(self._list)

    def _sample(self, user):
        """Fill the template for the sample contact, or say what is wrong with it (too many previews: also a toast)."""
        self.sample_error = ""
        try:
            self.sample_subject, self.sample_body = templates.sample_preview(
                subject=self.subject, body=self.body, sender=user, channel=self.channel
            )
        except DomainError as exc:
            self.sample_subject, self.sample_body = "", ""
            self.sample_error = next(iter(exc.errors.values()), exc.message) if exc.errors else exc.message
            return rx.toast.error(exc.message) if isinstance(exc, RateLimited) else None
        return None

    @rx.event
    async def start(self, template_id: str):
        """Open the dialog on an existing template, or on a new one ("")."""

        def action(session, user):
            found = templates.get(session=session, owner=user, template_id=template_id) if template_id else None
            self.edit_id = template_id
            self.name = found.name if found else ""
            self.channel = found.channel if found else "email"
            self.subject = found.subject if found else ""
            self.body = found.body if found else "Hi {{ contact.first_name or contact.full_name }},\n\n"
            toast = self._sample(user)
            self.editing = True
            return toast

        return await self._run(action)

    @rx.event
    def set_editing(self, value: bool):
        """Close (or reopen) the dialog."""
        self.editing, self.errors = value, {}

    @rx.event
    def set_name(self, value: str):
        """The template's name."""
        self.name = value

    async def _resample(self):
        """Refresh the sample preview for the signed-in user."""
        return await self._run(lambda s, u: self._sample(u))

    @rx.event
    async def set_channel(self, value: str | list[str]):
        """Email or WhatsApp."""
        self.channel = "whatsapp" if value == "whatsapp" else "email"
        return await self._resample()

    @rx.event
    async def edit_subject(self, value: str):
        """The subject changed."""
        self.subject = value
        return await self._resample()

    @rx.event
    async def edit_body(self, value: str):
        """The body changed."""
        self.body = value
        return await self._resample()

    @rx.event
    async def save(self):
        """Create or update the template."""

        def action(session, user):
            fields = {"name": self.name, "channel": self.channel, "subject": self.subject, "body": self.body}
            if self.edit_id:
                templates.update(session=session, owner=user, template_id=self.edit_id, **fields)
            else:
                templates.create(session=session, owner=user, **fields)
            self.editing = False
            self._list(session, user)

        return await self._run(action, "Template saved.")

    @rx.event
    def ask_delete(self, template_id: str):
        """Ask before deleting a template ("" closes the question)."""
        self.confirm_id = template_id

    @rx.event
    async def delete(self):
        """Delete the template being asked about."""

        def action(session, user):
            templates.delete(session=session, owner=user, template_id=self.confirm_id)
            self.confirm_id = ""
            self._list(session, user)

        return await self._run(action, "Template deleted.")
