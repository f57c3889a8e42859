"""What Ask MetaIC hands to the UI and the API: conversations, messages with their sources and actions."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from metaic.ai.chat_models import AiConversation, AiMessage
from metaic.core.times import UtcDatetime


class SourceRead(BaseModel):
    """Something an answer used, and where it opens."""

    kind: Literal["contact", "note", "message", "card"]
    id: str
    title: str
    url: str


class ActionRead(BaseModel):
    """A proposed action: it runs only when the owner confirms it (then `status` is "done" with a `result`)."""

    id: str
    kind: Literal["reminder", "draft", "tag"]
    label: str
    status: Literal["proposed", "done"]
    result: dict = Field(default_factory=dict)


class ChatMessageRead(BaseModel):
    """A question or an answer; answers say which engine wrote them and why (`note`), and if a retry may help."""

    id: uuid.UUID
    conversation_id: uuid.UUID
    role: Literal["user", "assistant"]
    content: str
    sources: list[SourceRead] = Field(default_factory=list)
    actions: list[ActionRead] = Field(default_factory=list)
    engine: str = ""
    note: str = ""
    retry: bool = False
    language: str = "en"
    created_at: UtcDatetime


class ConversationRead(BaseModel):
    """A conversation in the list."""

    id: uuid.UUID
    title: str
    created_at: UtcDatetime
    updated_at: UtcDatetime


class ConversationDetail(ConversationRead):
    """A conversation with its messages, oldest first."""

    messages: list[ChatMessageRead]


def conversation_read(row: AiConversation) -> ConversationRead:
    """The read model of a conversation."""
    return ConversationRead(id=row.id, title=row.title, created_at=row.created_at, updated_at=row.updated_at)


def message_read(row: AiMessage) -> ChatMessageRead:
    """The read model of a message (an action's parameters stay on the server)."""
    return ChatMessageRead(
        id=row.id,
        conversation_id=row.conversation_id,
        role=row.role,
        content=row.content,
        sources=[SourceRead(**s) for s in row.sources or []],
        actions=[
            ActionRead(id=a["id"], kind=a["kind"], label=a["label"], status=a["status"], result=a.get("result") or {})
            for a in row.actions or []
        ],
        engine=row.engine,
        note=row.note,
        retry=row.retry,
        language=row.language,
        created_at=row.created_at,
    )
