"""Assistant tables: per-user AI settings, usage, follow-up plans, card summaries and stored embeddings."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from metaic.core.models import created_at_field, utc_column, uuid_pk

FEATURES = ("write", "translate", "summary", "followup", "networking", "embedding")
SOURCES = ("provider", "offline")
PLAN_STATUSES = ("proposed", "accepted", "dismissed")
CHANNELS = ("email", "whatsapp", "none")


class AiPreference(SQLModel, table=True):
    """A user's assistant choices: no data leaves for an external provider until `external_opt_in`."""

    __tablename__ = "ai_preferences"

    user_id: uuid.UUID = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    external_opt_in: bool = False
    strip_contact_details: bool = True
    updated_at: datetime = created_at_field()


class AiUsage(SQLModel, table=True):
    """One assistant request: who, which feature, which engine answered and the tokens it cost."""

    __tablename__ = "ai_usage"
    __table_args__ = (
        Index("ix_ai_usage_user_day", "user_id", "day"),
        Index("ix_ai_usage_day_feature", "day", "feature"),
    )

    id: uuid.UUID = uuid_pk()
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    feature: str = Field(max_length=16)
    source: str = Field(max_length=16)
    model: str = Field(default="", max_length=100)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    # Why the provider did not answer (timeout, rate_limited, malformed, ...); empty when it did.
    failure: str = Field(default="", max_length=32)
    day: date
    created_at: datetime = created_at_field()


class FollowUpPlan(SQLModel, table=True):
    """A proposed follow-up with a saved contact: a drafted message and a reminder date, for the owner to decide."""

    __tablename__ = "ai_suggestions"
    __table_args__ = (
        Index("ix_ai_suggestions_owner_status", "owner_id", "status", "created_at"),
        # One plan of a kind per contact, even when two jobs for the same contact race.
        UniqueConstraint("contact_id", "kind", name="uq_ai_suggestions_contact_kind"),
    )

    id: uuid.UUID = uuid_pk()
    owner_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    contact_id: uuid.UUID = Field(foreign_key="saved_contacts.id", index=True, ondelete="CASCADE")
    kind: str = Field(default="followup", max_length=16)
    status: str = Field(default="proposed", max_length=16)
    channel: str = Field(default="email", max_length=16)
    language: str = Field(default="en", max_length=8)
    subject: str = Field(default="", max_length=200)
    body: str = Field(default="", sa_type=Text)
    remind_at: datetime = utc_column()
    source: str = Field(default="offline", max_length=16)
    note: str = Field(default="", max_length=300)
    reminder_id: uuid.UUID | None = Field(default=None)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class CardSummaryText(SQLModel, table=True):
    """The two-line summary of a card's published version (og:description, directory, contact view)."""

    __tablename__ = "ai_card_summaries"

    card_id: uuid.UUID = Field(foreign_key="business_cards.id", primary_key=True, ondelete="CASCADE")
    version_id: uuid.UUID | None = Field(default=None)
    text: str = Field(default="", max_length=400)
    language: str = Field(default="en", max_length=8)
    source: str = Field(default="offline", max_length=16)
    updated_at: datetime = created_at_field()


class Embedding(SQLModel, table=True):
    """A stored embedding of an owner's item (a contact, a card); the vector is a JSON float list."""

    __tablename__ = "ai_embeddings"
    __table_args__ = (
        UniqueConstraint("owner_id", "kind", "ref_id", "model"),
        Index("ix_ai_embeddings_owner_kind", "owner_id", "kind"),
    )

    id: uuid.UUID = uuid_pk()
    owner_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    kind: str = Field(max_length=16)
    ref_id: uuid.UUID
    model: str = Field(max_length=100)
    dimensions: int = 0
    vector: list[float] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    text_hash: str = Field(default="", max_length=64)
    created_at: datetime = created_at_field()


INTRO_STATUSES = ("asking_first", "asking_second", "introduced", "declined", "dismissed")


class Introduction(SQLModel, table=True):
    """An introduction between two of the owner's contacts, asked double opt-in: `first` first, then `second`.

    "dismissed" keeps a suggested pair from being suggested again; nothing here sends a message.
    """

    __tablename__ = "ai_introductions"
    __table_args__ = (
        UniqueConstraint("owner_id", "first_id", "second_id", name="uq_ai_introductions_pair"),
        Index("ix_ai_introductions_owner_status", "owner_id", "status"),
    )

    id: uuid.UUID = uuid_pk()
    owner_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    first_id: uuid.UUID = Field(foreign_key="saved_contacts.id", ondelete="CASCADE")
    second_id: uuid.UUID = Field(foreign_key="saved_contacts.id", index=True, ondelete="CASCADE")
    status: str = Field(default="asking_first", max_length=16)
    reason: str = Field(default="", max_length=300)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
