"""What the UI and the API hand out for templates and messages: never the owner, always UTC-aware times."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from metaic.core.times import UtcDatetime


class TemplateRead(BaseModel):
    """One of the user's message templates."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    channel: str
    subject: str
    body: str
    created_at: UtcDatetime
    updated_at: UtcDatetime


class MessageRead(BaseModel):
    """A message to a contact: queued, sending, sent, failed or canceled."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    contact_id: uuid.UUID
    channel: str
    to: str
    subject: str
    body: str
    send_at: UtcDatetime
    status: str
    error: str
    created_at: UtcDatetime


class PreviewRead(BaseModel):
    """A message as one contact would receive it."""

    subject: str
    body: str
