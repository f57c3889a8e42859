"""Messaging tables: one conversation per pair of users, its two members (with read markers), its messages."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from metaic.core.models import created_at_field, utc_column, uuid_pk

OPEN, REQUESTED, DECLINED = "open", "requested", "declined"
STATUSES = (OPEN, REQUESTED, DECLINED)


class Conversation(SQLModel, table=True):
    """A 1:1 conversation; `pair_key` ("smaller-uuid:larger-uuid") keeps it unique per pair of users."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("pair_key", name="uq_conversations_pair_key"),)

    id: uuid.UUID = uuid_pk()
    pair_key: str = Field(max_length=80)
    # "requested": a message request from `requested_by` the other member has not accepted yet; only open
    # conversations take messages, and the requester sees nothing of a request (not even that it exists).
    status: str = Field(default=OPEN, max_length=16, sa_column_kwargs={"server_default": OPEN})
    requested_by: uuid.UUID | None = Field(default=None)
    created_at: datetime = created_at_field()
    last_message_at: datetime | None = utc_column(default=None)


class ConversationMember(SQLModel, table=True):
    """A user in a conversation; messages from others after `last_read_at` are unread."""

    __tablename__ = "conversation_members"

    conversation_id: uuid.UUID = Field(foreign_key="conversations.id", primary_key=True, ondelete="CASCADE")
    user_id: uuid.UUID = Field(foreign_key="users.id", primary_key=True, index=True, ondelete="CASCADE")
    last_read_at: datetime | None = utc_column(default=None)
    joined_at: datetime = created_at_field()


class DirectMessage(SQLModel, table=True):
    """One message in a conversation."""

    __tablename__ = "direct_messages"
    __table_args__ = (Index("ix_direct_messages_conversation_created", "conversation_id", "created_at"),)

    id: uuid.UUID = uuid_pk()
    conversation_id: uuid.UUID = Field(foreign_key="conversations.id", ondelete="CASCADE")
    # Indexed so deleting an account (cascade) does not scan every message.
    sender_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    body: str = Field(default="", sa_type=Text)
    created_at: datetime = created_at_field()
