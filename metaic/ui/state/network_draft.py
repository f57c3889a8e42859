"""Hand a drafted message to the contact page's compose dialog: nothing is sent until the owner presses send.

The Network page stores the draft here and goes to the contact; the contact page's on_load runs `apply`
after compose has loaded, which opens the existing compose dialog on the draft (ComposeState.open_draft,
no template), so the preview and the sending rules are compose's own.
"""

from __future__ import annotations

import reflex as rx

from metaic.ui.state.compose import ComposeState


class ComposeHandoffState(rx.State):
    """A draft waiting for the contact page of `contact_id` (this tab only)."""

    contact_id: str = ""
    channel: str = "email"
    subject: str = ""
    body: str = ""

    def hand_over(self, draft) -> str:
        """Keep a ComposeDraft for the contact page; returns that page's address."""
        self.contact_id, self.channel = str(draft.contact_id), draft.channel
        self.subject, self.body = draft.subject, draft.body
        return f"/contacts/view?id={self.contact_id}"

    @rx.event
    async def apply(self):
        """on_load of /contacts/view: open compose with the waiting draft when it is for this contact."""
        wanted = self.router.url.query_parameters.get("id", "")
        if not self.contact_id or self.contact_id != wanted:
            return None
        channel, subject, body = self.channel, self.subject, self.body
        self.contact_id = ""
        if channel not in ("email", "whatsapp"):
            return rx.toast.info("Add an email address or a phone number to write to this contact.")
        compose = await self.get_state(ComposeState)
        return await compose._transact_off_loop(
            lambda session, user: compose.open_draft(session, user, channel, subject, body),
            back=f"/contacts/view?id={wanted}",
        )
