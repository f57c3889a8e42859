"""Moderation tables: visitors' reports about cards, takedowns (with the owner's appeal) and blocked terms.

Reports and takedowns keep the card's address and name as they were, so the queue reads without the cards
domain (which sits above this one: it asks here whether a card is offline and whether a text is allowed).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from metaic.core.models import created_at_field, utc_column, uuid_pk

OPEN, RESOLVED = "open", "resolved"
DISMISSED, TAKEN_DOWN = "dismissed", "taken_down"
ACTIVE, RESTORED = "active", "restored"
PENDING, UPHELD, GRANTED = "pending", "upheld", "granted"
WORD, SLUG = "word", "slug"
TERM_KINDS = (WORD, SLUG)
# What a visitor may say is wrong, and how it reads on the form and in the queue.
REASONS: dict[str, str] = {
    "spam": "Spam or scam",
    "impersonation": "Pretends to be someone else",
    "offensive": "Hateful, violent or offensive",
    "adult": "Sexual content",
    "illegal": "Illegal goods or services",
    "privacy": "Shares someone's private information",
    "other": "Something else",
}


class CardReport(SQLModel, table=True):
    """One visitor's report about a public card (no account needed)."""

    __tablename__ = "card_reports"
    __table_args__ = (
        Index("ix_card_reports_status_created", "status", "created_at"),
        Index("ix_card_reports_card_status", "card_id", "status"),
    )

    id: uuid.UUID = uuid_pk()
    card_id: uuid.UUID = Field(foreign_key="business_cards.id", ondelete="CASCADE")
    owner_id: uuid.UUID
    slug: str = Field(max_length=60)
    card_name: str = Field(default="", max_length=120)
    reason: str = Field(max_length=24)
    details: str = Field(default="", sa_type=Text)
    contact_email: str = Field(default="", max_length=254)
    address_hash: str = Field(default="", max_length=16)
    status: str = Field(default=OPEN, max_length=12)
    resolution: str = Field(default="", max_length=16)
    resolved_by: uuid.UUID | None = Field(default=None)
    resolved_at: datetime | None = utc_column(default=None)
    created_at: datetime = created_at_field()


class CardTakedown(SQLModel, table=True):
    """A card taken offline by an admin, with the reason its owner sees, and the owner's appeal."""

    __tablename__ = "card_takedowns"
    __table_args__ = (Index("ix_card_takedowns_card_status", "card_id", "status"),)

    id: uuid.UUID = uuid_pk()
    card_id: uuid.UUID = Field(foreign_key="business_cards.id", ondelete="CASCADE")
    owner_id: uuid.UUID = Field(index=True)
    slug: str = Field(max_length=60)
    card_name: str = Field(default="", max_length=120)
    reason: str = Field(sa_type=Text)
    status: str = Field(default=ACTIVE, max_length=12)  # active (offline) or restored
    created_by: uuid.UUID | None = Field(default=None)
    created_at: datetime = created_at_field()
    lifted_by: uuid.UUID | None = Field(default=None)
    lifted_at: datetime | None = utc_column(default=None)
    appeal_text: str = Field(default="", sa_type=Text)
    appeal_status: str = Field(default="", max_length=12)  # "", pending, upheld, granted
    appeal_at: datetime | None = utc_column(default=None)
    appeal_note: str = Field(default="", sa_type=Text)  # the admin's answer, shown to the owner
    appeal_decided_by: uuid.UUID | None = Field(default=None)
    appeal_decided_at: datetime | None = utc_column(default=None)


class BlockedTerm(SQLModel, table=True):
    """A word no published card may contain, or an address (slug) reserved beyond the built-in ones."""

    __tablename__ = "moderation_terms"
    __table_args__ = (UniqueConstraint("kind", "term"),)

    id: uuid.UUID = uuid_pk()
    kind: str = Field(max_length=8)  # word or slug
    term: str = Field(max_length=60)
    created_by: uuid.UUID | None = Field(default=None)
    created_at: datetime = created_at_field()
