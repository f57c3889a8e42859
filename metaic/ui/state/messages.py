"""/messages: conversations with other MetaIC users, one open thread, and the unread badge in the top bar."""

from __future__ import annotations

import reflex as rx

from metaic.auth.models import User
from metaic.core.errors import DomainError
from metaic.messaging import service as messaging
from metaic.messaging.schemas import ConversationRead, MessageRead
from metaic.ui.state.auth import FormState
from metaic.ui.state.session import as_token_user

THREAD_SIZE = 100


def conversation_row(c: ConversationRead) -> dict[str, str]:
    """A conversation as the list shows it (strings only)."""
    last = ("You: " if c.last_message_mine else "") + c.last_message if c.last_message else "No messages yet"
    return {
        "id": str(c.id),
        "status": c.status,
        "name": c.other_name,
        "initials": c.other_initials,
        "last": last,
        "at": c.last_at.isoformat() if c.last_at else "",
        "unread": str(c.unread) if c.unread else "",
    }


def message_row(m: MessageRead) -> dict[str, str]:
    """A message as the thread shows it."""
    return {"id": str(m.id), "body": m.body, "mine": "1" if m.mine else "", "at": m.created_at.isoformat()}


def view(session, user: User, active_id: str) -> dict:
    """The list, the unread total, the activity marker, and the open thread (read now) when one is given."""
    thread = None
    if active_id:
        messaging.mark_read(session=session, user=user, conversation_id=active_id)
        thread = [
            message_row(m)
            for m in messaging.messages(session=session, user=user, conversation_id=active_id, limit=THREAD_SIZE)
        ]
    return {
        "conversations": [conversation_row(c) for c in messaging.list_conversations(session=session, user=user)],
        "unread": messaging.unread_total(session=session, user=user),
        "thread": thread,
        "marker": messaging.activity_marker(session=session, user=user),
    }


def live_view(token: str | None, active_id: str) -> dict | None:
    """`view` for the user behind a session cookie token (None when signed out or the thread is gone)."""

    def fetch(session, user: User) -> dict:
        """The view with the open thread, or without it when it is no longer the user's."""
        try:
            return view(session, user, active_id)
        except DomainError:
            return view(session, user, "")

    return as_token_user(token, fetch)


class MessagesState(FormState):
    """The conversation list, the open thread and its composer; refreshed live by the bell's loop."""

    conversations: list[dict[str, str]] = []
    active_id: str = ""
    active_name: str = ""
    # "requested" while the open conversation is a message request waiting for this user's answer.
    active_status: str = ""
    thread: list[dict[str, str]] = []
    unread_total: int = 0
    marker: str = ""

    @rx.var
    def unread_badge(self) -> str:
        """The count shown next to Messages ("9+" past nine)."""
        return "9+" if self.unread_total > 9 else str(self.unread_total)

    async def _run(self, action, back: str = "/messages"):
        """Run `action(session, user)` in one transaction (in a worker thread); refusals become a toast."""
        return await self._transact_off_loop(action, back=back)

    def _refresh(self, session, user: User) -> None:
        """Reload the list, the open thread (marking it read) and the unread total."""
        self._apply(view(session, user, self.active_id))

    def _apply(self, data: dict) -> None:
        """Show a fresh view (from `view`)."""
        self.conversations, self.unread_total, self.marker = data["conversations"], data["unread"], data["marker"]
        if data["thread"] is not None:
            self.thread = data["thread"]

    def _open(self, session, user: User, conversation_id: str) -> None:
        """Show one conversation (NotFound for anyone else's)."""
        found = messaging.get(session=session, user=user, conversation_id=conversation_id)
        self.active_id, self.active_name, self.active_status = str(found.id), found.other_name, found.status
        self._refresh(session, user)

    @rx.event
    async def load(self):
        """on_load: the list, and the conversation named in `?c=` if any."""
        wanted = self.router.url.query_parameters.get("c", "")
        self.active_id, self.active_name, self.active_status, self.thread = "", "", "", []

        def action(session, user):
            if wanted:
                self._open(session, user, wanted)
            else:
                self._refresh(session, user)

        return await self._run(action, back=f"/messages?c={wanted}" if wanted else "/messages")

    @rx.event
    async def open(self, conversation_id: str):
        """Open a conversation from the list."""
        result = await self._run(lambda s, u: self._open(s, u, conversation_id))
        return result or rx.call_script(f"history.replaceState(null, '', '/messages?c={self.active_id}')")

    @rx.event
    def close(self):
        """Back to the list (phones show one pane at a time)."""
        self.active_id, self.active_name, self.active_status, self.thread = "", "", "", []
        return rx.call_script("history.replaceState(null, '', '/messages')")

    @rx.event
    async def send(self, form: dict):
        """Send the composer's text in the open conversation."""
        body = str(form.get("body", ""))
        if not body.strip() or not self.active_id:
            return None

        def action(session, user):
            messaging.send(session=session, user=user, conversation_id=self.active_id, body=body)
            self._refresh(session, user)

        return await self._run(action)

    @rx.event
    async def accept(self):
        """Accept the open message request: the conversation opens for both."""
        conversation_id = self.active_id

        def action(session, user):
            messaging.accept(session=session, user=user, conversation_id=conversation_id)
            self._open(session, user, conversation_id)

        return await self._transact_off_loop(action, back="/messages", success="Request accepted.")

    @rx.event
    async def decline(self):
        """Decline the open message request: it leaves the list, and its sender is not told."""
        conversation_id = self.active_id

        def action(session, user):
            messaging.decline(session=session, user=user, conversation_id=conversation_id)
            self.active_id, self.active_name, self.active_status, self.thread = "", "", "", []
            self._refresh(session, user)
            return rx.call_script("history.replaceState(null, '', '/messages')")

        return await self._run(action)

    @rx.event
    async def start_with_contact(self, contact_id: str):
        """Open (or start) the conversation with a saved contact who is on MetaIC."""

        def action(session, user):
            found = messaging.start_with_contact(session=session, user=user, contact_id=contact_id)
            return rx.redirect(f"/messages?c={found.id}")

        return await self._run(action, back=f"/contacts/view?id={contact_id}")

    def apply_live(self, data: dict | None) -> None:
        """Show what the live loop fetched (nothing when signed out)."""
        if data is not None:
            self._apply(data)

    def live_target(self) -> str:
        """The conversation the live loop may mark read: the open one, only while /messages is on screen."""
        return self.active_id if self.router.url.path.rstrip("/") == "/messages" else ""
