"""Analytics events: one row per card view, share, vCard download or QR scan."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from metaic.core.models import created_at_field, uuid_pk

KINDS = ("view", "share", "vcard_download", "qr_scan")
SHARE_CHANNELS = ("copy", "whatsapp", "email", "linkedin", "native")
AGENT_CLASSES = ("mobile", "tablet", "desktop", "other")


class AnalyticsEvent(SQLModel, table=True):
    """Something a visitor did with a public card (bots are never recorded)."""

    __tablename__ = "analytics_events"
    __table_args__ = (Index("ix_analytics_events_card_kind_created", "card_id", "kind", "created_at"),)

    id: uuid.UUID = uuid_pk()
    card_id: uuid.UUID = Field(foreign_key="business_cards.id", ondelete="CASCADE")
    kind: str = Field(max_length=16)
    channel: str | None = Field(default=None, max_length=16)
    # Only the referring host is kept: enough for "where visitors come from", nothing personal.
    referrer: str = Field(default="", max_length=255)
    agent: str = Field(default="other", max_length=16)
    created_at: datetime = created_at_field()
