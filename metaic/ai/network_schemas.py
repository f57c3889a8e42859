"""What the Network page and its API hand out: suggestions, introductions with their drafts, the weekly digest."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from metaic.ai.schemas import ComposeDraft
from metaic.core.times import UtcDatetime

SuggestionKind = Literal["contact", "directory"]
IntroStatus = Literal["suggested", "asking_first", "asking_second", "introduced", "declined", "dismissed"]
IntroStep = Literal["ask_first", "ask_second", "introduce_first", "introduce_second"]


class NetworkSuggestion(BaseModel):
    """Someone whose offer meets what the owner looks for: one of their contacts, or a directory card."""

    kind: SuggestionKind
    contact_id: uuid.UUID | None = None
    card_id: uuid.UUID | None = None
    slug: str = ""
    name: str
    headline: str = ""
    score: float
    reason: str
    matched: list[str] = Field(default_factory=list)


class IntroductionRead(BaseModel):
    """Two of the owner's contacts whose ask and offer meet: `first` asks, `second` offers.

    `id` is empty while it is only a suggestion; `next_step` names the draft the owner writes next.
    """

    id: uuid.UUID | None = None
    first_id: uuid.UUID
    first_name: str
    second_id: uuid.UUID
    second_name: str
    status: IntroStatus
    reason: str
    score: float = 0.0
    next_step: IntroStep | None = None
    updated_at: UtcDatetime | None = None


class IntroductionDraft(BaseModel):
    """An introduction and the message for its next step, for compose (sending stays the owner's click)."""

    introduction: IntroductionRead
    step: IntroStep
    compose: ComposeDraft


class DigestItem(BaseModel):
    """One line of the weekly digest with its one action."""

    section: Literal["follow_up", "quiet", "returning"]
    contact_id: uuid.UUID
    name: str
    detail: str
    action: str
    url: str


class Digest(BaseModel):
    """The owner's weekly insights: people not followed up, relationships gone quiet, leads who came back."""

    week: str
    follow_up: list[DigestItem] = Field(default_factory=list)
    quiet: list[DigestItem] = Field(default_factory=list)
    returning: list[DigestItem] = Field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when there is nothing to tell the owner."""
        return not (self.follow_up or self.quiet or self.returning)


class DigestSettings(BaseModel):
    """Whether the weekly digest also comes by email (in-app it always comes)."""

    email: bool
