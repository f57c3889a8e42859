"""Ask MetaIC tables: an owner's conversations with the assistant and their messages."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from metaic.core.encrypted_types import EncryptedJSON, EncryptedText
from metaic.core.models import created_at_field, uuid_pk

ROLES = ("user", "assistant")


class AiConversation(SQLModel, table=True):
    """One conversation of an owner with the assistant."""

    __tablename__ = "ai_conversations"
    __table_args__ = (Index("ix_ai_conversations_owner_updated", "owner_id", "updated_at"),)

    id: uuid.UUID = uuid_pk()
    owner_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    # The first question unless renamed, so encrypted at rest like the messages.
    title: str = Field(default="", sa_type=EncryptedText("ai_conversations.title"))
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class AiMessage(SQLModel, table=True):
    """A question or an answer; answers keep the sources they used and the actions they propose."""

    __tablename__ = "ai_messages"
    __table_args__ = (Index("ix_ai_messages_conversation_created", "conversation_id", "created_at"),)

    id: uuid.UUID = uuid_pk()
    conversation_id: uuid.UUID = Field(foreign_key="ai_conversations.id", ondelete="CASCADE")
    owner_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=16)
    # Questions and answers quote notes and messages: encrypted at rest (metaic/core/fieldcrypt.py).
    content: str = Field(default="", sa_type=EncryptedText("ai_messages.content"))
    # [{kind, id, title, url}] of what the answer was grounded in (never the texts themselves).
    sources: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # [{id, kind, label, params, status, result}]: proposals that run only when the owner confirms one.
    # Their params hold draft bodies and reminder notes: encrypted too.
    actions: list[dict] = Field(
        default_factory=list, sa_column=Column(EncryptedJSON("ai_messages.actions"), nullable=False)
    )
    engine: str = Field(default="", max_length=16)
    note: str = Field(default="", max_length=300)
    retry: bool = False
    language: str = Field(default="en", max_length=8)
    created_at: datetime = created_at_field()
