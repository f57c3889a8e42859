"""/assistant (Ask MetaIC): conversations, the open thread, and the answer streamed in as it is written.

`send` is a background event: the question is stored in a worker thread, then the answer's events come
from chat_turn.reply running in one worker thread (stream_off_loop), and each batch of pieces is appended
inside `async with self`. Nothing blocking ever runs on the event loop.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging

import reflex as rx

from metaic.ai import chat, chat_turn
from metaic.ai.chat_schemas import ChatMessageRead, ConversationRead
from metaic.auth.models import User
from metaic.core.errors import DomainError
from metaic.ui.state.auth import FormState
from metaic.ui.state.session import as_token_user
from metaic.ui.state.stream_off_loop import batches_off_loop

log = logging.getLogger(__name__)
SOURCE_ICONS = {"contact": "user", "note": "sticky-note", "message": "message-square", "card": "id-card"}
FAILED = "The answer could not be finished. Your question is kept: try again."


@dataclasses.dataclass
class SourceView:
    """A link to something an answer used."""

    kind: str = ""
    title: str = ""
    url: str = ""


@dataclasses.dataclass
class ActionView:
    """A proposed action, and once done what it gave (a link, a draft)."""

    id: str = ""
    kind: str = ""
    label: str = ""
    done: bool = False
    url: str = ""
    draft: str = ""


@dataclasses.dataclass
class MessageView:
    """A question or an answer as the thread shows it."""

    id: str = ""
    role: str = "user"
    content: str = ""
    sources: list[SourceView] = dataclasses.field(default_factory=list)
    actions: list[ActionView] = dataclasses.field(default_factory=list)
    note: str = ""
    retry: bool = False


def safe_markdown(text: str) -> str:
    """Answer text for the Markdown view: raw HTML shown as text, never rendered."""
    return (text or "").replace("<", "&lt;")


def source_view(raw: dict) -> SourceView:
    """A source from the service or a stream event."""
    return SourceView(raw["kind"], raw["title"], raw["url"])


def action_view(raw: dict) -> ActionView:
    """An action from the service or a stream event."""
    result = raw.get("result") or {}
    draft = "\n\n".join(p for p in (result.get("subject", ""), result.get("body", "")) if p)
    return ActionView(raw["id"], raw["kind"], raw["label"], raw.get("status") == "done", result.get("url", ""), draft)


def message_view(m: ChatMessageRead | dict) -> MessageView:
    """A stored message as the thread shows it."""
    data = m.model_dump(mode="json") if isinstance(m, ChatMessageRead) else m
    return MessageView(
        id=str(data["id"]),
        role=data["role"],
        content=safe_markdown(data["content"]) if data["role"] == "assistant" else data["content"],
        sources=[source_view(s) for s in data.get("sources", [])],
        actions=[action_view(a) for a in data.get("actions", [])],
        note=data.get("note", ""),
        retry=bool(data.get("retry")),
    )


def conversation_row(c: ConversationRead) -> dict[str, str]:
    """A conversation as the list shows it."""
    return {"id": str(c.id), "title": c.title or "New conversation", "at": c.updated_at.isoformat()}


class AssistantState(FormState):
    """The conversation list, the open thread, and the answer being streamed."""

    conversations: list[dict[str, str]] = []
    active_id: str = ""
    active_title: str = ""
    thread: list[MessageView] = []
    streaming: bool = False
    pending_question: str = ""
    pending_answer: str = ""
    pending_sources: list[SourceView] = []
    error: str = ""
    show_list: bool = False
    rename_open: bool = False
    delete_open: bool = False

    @rx.var
    def last_answer_id(self) -> str:
        """The newest answer, the one whose note (which engine wrote it and why) is shown."""
        return next((m.id for m in reversed(self.thread) if m.role == "assistant"), "")

    def _show(self, session, user: User, conversation_id: str) -> None:
        """Load the list and, when given, one conversation (NotFound for anyone else's)."""
        self.conversations = [conversation_row(c) for c in chat.list_(session=session, owner=user)]
        if not conversation_id:
            self.active_id, self.active_title, self.thread = "", "", []
            return
        found = chat.get(session=session, owner=user, conversation_id=conversation_id)
        self.active_id, self.active_title = str(found.id), found.title or "New conversation"
        self.thread = [message_view(m) for m in found.messages]

    @rx.event
    async def load(self):
        """on_load: the list, and the conversation named in `?c=` if any."""
        wanted = self.router.url.query_parameters.get("c", "")
        self.error, self.streaming, self.show_list = "", False, False
        self.pending_question, self.pending_answer, self.pending_sources = "", "", []

        def action(session, user):
            try:
                self._show(session, user, wanted)
            except DomainError:
                self._show(session, user, "")

        return await self._transact_off_loop(action, back=f"/assistant?c={wanted}" if wanted else "/assistant")

    @rx.event
    async def open(self, conversation_id: str):
        """Open a conversation from the list."""
        self.show_list, self.error = False, ""
        result = await self._transact_off_loop(lambda s, u: self._show(s, u, conversation_id), back="/assistant")
        return result or rx.call_script(f"history.replaceState(null, '', '/assistant?c={self.active_id}')")

    @rx.event
    def new_chat(self):
        """An empty thread; the conversation is created with its first question."""
        self.active_id, self.active_title, self.thread, self.error, self.show_list = "", "", [], "", False
        return rx.call_script("history.replaceState(null, '', '/assistant')")

    @rx.event
    def toggle_list(self):
        """Phones: show the conversation list instead of the thread, or back."""
        self.show_list = not self.show_list

    @rx.event
    def set_rename_open(self, value: bool):
        """Open or close the rename dialog."""
        self.rename_open = value

    @rx.event
    def set_delete_open(self, value: bool):
        """Open or close the delete confirmation."""
        self.delete_open = value

    @rx.event
    async def rename(self, form: dict):
        """Rename the open conversation."""
        title = str(form.get("title", ""))

        def action(session, user):
            chat.rename(session=session, owner=user, conversation_id=self.active_id, title=title)
            self._show(session, user, self.active_id)
            self.rename_open = False

        return await self._transact_off_loop(action, back="/assistant", success="Conversation renamed.")

    @rx.event
    async def delete(self):
        """Delete the open conversation."""

        def action(session, user):
            chat.delete_(session=session, owner=user, conversation_id=self.active_id)
            self._show(session, user, "")
            self.delete_open = False
            return rx.call_script("history.replaceState(null, '', '/assistant')")

        return await self._transact_off_loop(action, back="/assistant")

    @rx.event
    async def confirm(self, action_id: str):
        """Run one proposed action; the thread shows it done, with its link or draft."""

        def action(session, user):
            chat.confirm_action(session=session, owner=user, conversation_id=self.active_id, action_id=action_id)
            self._show(session, user, self.active_id)

        return await self._transact_off_loop(action, back="/assistant", success="Done.")

    @rx.event
    def ask_suggestion(self, text: str):
        """Send one of the empty state's example questions."""
        return AssistantState.send({"text": text})

    @rx.event(background=True)
    async def send(self, form: dict):
        """Store the question, then stream its answer into the page."""
        text = str(form.get("text", "")).strip()
        async with self:
            if self.streaming or not text:
                return
            token, conversation_id = self._token(), self.active_id
            self._start(text)
        found = await self._answer(token, lambda s, u: self._store_question(s, u, conversation_id, text))
        if found:
            yield rx.call_script(f"history.replaceState(null, '', '/assistant?c={found}')")

    @rx.event(background=True)
    async def retry(self):
        """Answer the last question again (the earlier answer is replaced)."""
        async with self:
            asked = [i for i, m in enumerate(self.thread) if m.role == "user"]
            if self.streaming or not self.active_id or not asked:
                return
            token, conversation_id = self._token(), self.active_id
            question = self.thread[asked[-1]].content
            self.thread = self.thread[: asked[-1]]
            self._start(question)
        await self._answer(token, lambda s, u: self._retry_question(s, u, conversation_id))

    def _start(self, question: str) -> None:
        """Show the question and an empty answer that fills as pieces arrive."""
        self.streaming, self.error = True, ""
        self.pending_question, self.pending_answer, self.pending_sources = question, "", []

    @staticmethod
    def _store_question(session, user: User, conversation_id: str, text: str) -> tuple:
        """(owner id, conversation id, question id): the question committed (in a new conversation if none is open)."""
        if not conversation_id:
            conversation_id = str(chat.create(session=session, owner=user).id)
        asked = chat.ask(session=session, owner=user, conversation_id=conversation_id, text=text)
        return user.id, conversation_id, asked.id

    @staticmethod
    def _retry_question(session, user: User, conversation_id: str) -> tuple:
        """(owner id, conversation id, question id) of the last question, its answer removed."""
        return user.id, conversation_id, chat.retry(session=session, owner=user, conversation_id=conversation_id).id

    async def _answer(self, token: str | None, store) -> str:
        """Commit the question (in a thread), append the answer's pieces as they come; the conversation's id."""
        try:
            found = await asyncio.to_thread(as_token_user, token, store)
            failure = "" if found is not None else "Your session has ended. Sign in again."
        except DomainError as exc:
            found, failure = None, exc.message
        if found is None:
            async with self:
                self.streaming, self.error, self.pending_question = False, failure, ""
            return ""
        owner_id, conversation_id, question_id = found
        failed = False
        try:
            async for batch in batches_off_loop(
                lambda: chat_turn.reply(owner_id=owner_id, conversation_id=conversation_id, question_id=question_id)
            ):
                async with self:
                    self._apply(batch)
        except Exception:
            log.exception("the assistant's answer stream failed")  # never the question or the prompt
            failed = True
        shown = await asyncio.to_thread(as_token_user, token, lambda s, u: self._snapshot(s, u, conversation_id))
        async with self:
            if failed:
                self.streaming, self.pending_question, self.pending_answer, self.pending_sources = False, "", "", []
                self.error = FAILED
            if shown is not None:
                self.conversations, self.active_id, self.active_title, self.thread = shown
        return conversation_id

    def _apply(self, events: list[dict]) -> None:
        """Show a batch of stream events."""
        for event in events:
            if event["type"] == "meta":
                self.pending_sources = [source_view(s) for s in event["sources"]]
            elif event["type"] == "delta":
                self.pending_answer += safe_markdown(event["text"])
            elif event["type"] == "done":
                asked = MessageView(role="user", content=self.pending_question)
                self.thread = [*self.thread, asked, message_view(event["message"])]
                self.active_id = str(event["message"]["conversation_id"])
                self.streaming, self.pending_question, self.pending_answer, self.pending_sources = False, "", "", []

    @staticmethod
    def _snapshot(session, user: User, conversation_id: str) -> tuple:
        """(list, id, title, thread) of a conversation, read for a refresh."""
        found = chat.get(session=session, owner=user, conversation_id=conversation_id)
        rows = [conversation_row(c) for c in chat.list_(session=session, owner=user)]
        return rows, str(found.id), found.title or "New conversation", [message_view(m) for m in found.messages]
