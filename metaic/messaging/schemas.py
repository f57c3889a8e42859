"""What the UI and the API may show about conversations and messages."""

from __future__ import annotations

import uuid

from pydantic import BaseModel

from metaic.core.times import UtcDatetime


class ConversationRead(BaseModel):
    """A conversation as its member sees it: the other person, the last message, how many are unread."""

    id: uuid.UUID
    # "open", or "requested": someone asked to talk and waits for the viewer to accept (only they see it).
    status: str = "open"
    other_user_id: uuid.UUID
    other_name: str
    other_initials: str
    last_message: str = ""
    last_message_mine: bool = False
    last_at: UtcDatetime | None = None
    unread: int = 0


class MessageRead(BaseModel):
    """One message; `mine` is true when the viewer sent it."""

    id: uuid.UUID
    conversation_id: uuid.UUID
    sender_id: uuid.UUID
    mine: bool
    body: str
    created_at: UtcDatetime
