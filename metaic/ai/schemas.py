"""What the assistant hands to the UI and the API: proposals, plans and suggestions, each saying who wrote it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from metaic.contacts.schemas import ReminderRead
from metaic.core.times import UtcDatetime

Tone = Literal["friendly", "professional", "bold"]
Length = Literal["short", "medium", "long"]
WritableField = Literal["headline", "about"]
Engine = Literal["provider", "offline"]


class Answered(BaseModel):
    """Which engine answered, the note to show the user, and whether a retry may give a better answer."""

    source: Engine
    note: str = ""
    retry: bool = False


class WritingProposal(Answered):
    """Proposed texts for one card field; nothing is saved until the user picks, edits and saves one."""

    field: WritableField
    tone: Tone
    length: Length
    language: str
    proposals: list[str]


class TranslationProposal(Answered):
    """The card's texts in another language, keyed like "headline" or "services.0.title".

    `untranslated` lists the keys left as they were (the offline phrase table did not cover them).
    """

    source_language: str
    target_language: str
    texts: dict[str, str]
    untranslated: list[str] = Field(default_factory=list)


class ComposeDraft(BaseModel):
    """A message for the compose screen; the assistant never sends anything itself."""

    contact_id: uuid.UUID
    channel: Literal["email", "whatsapp", "none"]
    to: str
    subject: str
    body: str


class FollowUpRead(BaseModel):
    """A follow-up plan for a saved contact."""

    id: uuid.UUID
    contact_id: uuid.UUID
    contact_name: str
    status: Literal["proposed", "accepted", "dismissed"]
    channel: Literal["email", "whatsapp", "none"]
    language: str
    subject: str
    body: str
    remind_at: UtcDatetime
    source: Engine
    note: str
    reminder_id: uuid.UUID | None
    created_at: UtcDatetime


class FollowUpAccepted(BaseModel):
    """An accepted plan: the reminder now exists; the draft goes to compose (sending is the owner's click)."""

    plan: FollowUpRead
    reminder: ReminderRead
    compose: ComposeDraft


class FollowUpEdit(BaseModel):
    """The owner's changes to a proposed plan (fields left out stay)."""

    channel: Literal["email", "whatsapp", "none"] | None = None
    subject: str | None = Field(default=None, max_length=200)
    body: str | None = Field(default=None, max_length=5000)
    remind_at: datetime | None = None


class ConnectionSuggestion(BaseModel):
    """One of the owner's contacts whose offer meets what the owner is looking for."""

    contact_id: uuid.UUID
    name: str
    score: float
    reason: str
    matched: list[str]
