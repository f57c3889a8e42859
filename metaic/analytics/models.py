"""Analytics tables: raw visitor events, their daily rollups (per card and per owner), the rolled-up days and
the daily visitor salts.

Raw events hold no IP address and no user agent: only what the dashboards group by (a device class, a
browser family, a country, a language, a source) and a visitor hash that changes every day.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Column, Date, DateTime, Index, false
from sqlmodel import Field, SQLModel

from metaic.core import clock
from metaic.core.models import created_at_field

# view and qr_scan are page views; vcard_download and save are saves; lead is a share-back; custom is any
# other event an edge reports through `buffer.track` (a wallet pass, ...) with its name in `target`.
KINDS = ("view", "qr_scan", "vcard_download", "save", "share", "lead", "link_click", "custom")
VIEW_KINDS = ("view", "qr_scan")
SAVE_KINDS = ("vcard_download", "save")
SHARE_CHANNELS = ("copy", "whatsapp", "email", "linkedin", "native")
AGENT_CLASSES = ("mobile", "tablet", "desktop", "other")
SOURCES = ("qr", "direct", "linkedin", "whatsapp", "email", "search", "social", "other")
# The custom events the public endpoint (`POST /c/{slug}/e`) accepts; anything else is refused there.
CUSTOM_EVENTS = ("wallet_apple", "wallet_google", "call", "email", "directions", "calendar")
WALLET_EVENTS = ("wallet_apple", "wallet_google")


class AnalyticsEvent(SQLModel, table=True):
    """Something a visitor did with a public card (bots, owners and HEAD requests are never recorded).

    The key is (id, created_at): PostgreSQL partitions this table by month, and a partitioned table's
    unique keys must include the partition column. An event's time is fixed when it is tracked, so a
    retried batch hits the same key and is skipped.
    """

    __tablename__ = "analytics_events"
    __table_args__ = (
        # Every dashboard read is "these cards, since then": card first, then time (kinds are few).
        Index("ix_analytics_events_card_created", "card_id", "created_at"),
        Index("ix_analytics_events_created", "created_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    created_at: datetime = Field(
        default_factory=clock.now, sa_column=Column(DateTime(timezone=True), primary_key=True, nullable=False)
    )
    card_id: uuid.UUID = Field(foreign_key="business_cards.id", ondelete="CASCADE")
    kind: str = Field(max_length=16)
    channel: str | None = Field(default=None, max_length=16)
    # Only the referring host is kept: enough for "where visitors come from", nothing personal.
    referrer: str = Field(default="", max_length=255)
    agent: str = Field(default="other", max_length=16)  # device class: mobile, tablet, desktop, other
    browser: str = Field(default="", max_length=32)
    source: str = Field(default="direct", max_length=16)
    variant: str = Field(default="", max_length=32)  # which printed QR code (`?src=qr-badge`)
    utm_source: str = Field(default="", max_length=64)
    utm_medium: str = Field(default="", max_length=64)
    utm_campaign: str = Field(default="", max_length=64)
    target: str = Field(default="", max_length=200)  # a clicked link's address, a custom event's name
    country: str = Field(default="", max_length=2)
    language: str = Field(default="", max_length=8)
    # sha256(day's salt, address, user agent), cut short; None when the browser asked not to be tracked.
    visitor: str | None = Field(default=None, max_length=16)


class AnalyticsDaily(SQLModel, table=True):
    """Counts per card x UTC day x event kind x dimension value, made from raw events by rollups.py.

    dim "" holds the kind's total; kind "visitors" holds the day's unique visitors of the card's views.
    """

    __tablename__ = "analytics_daily"
    __table_args__ = (Index("ix_analytics_daily_day_kind", "day", "kind"),)  # platform totals read every card

    card_id: uuid.UUID = Field(foreign_key="business_cards.id", ondelete="CASCADE", primary_key=True)
    day: date = Field(sa_column=Column(Date, primary_key=True, nullable=False))
    kind: str = Field(max_length=16, primary_key=True)
    dim: str = Field(max_length=16, primary_key=True)
    value: str = Field(max_length=200, primary_key=True)
    count: int = 0


class AnalyticsOwnerDaily(SQLModel, table=True):
    """The same counts summed over an owner's cards: the all-cards dashboard reads a few rows per day.

    Made from analytics_daily in the same transaction as the day's per-card rows, so the two always agree.
    """

    __tablename__ = "analytics_owner_daily"

    owner_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE", primary_key=True)
    day: date = Field(sa_column=Column(Date, primary_key=True, nullable=False))
    kind: str = Field(max_length=16, primary_key=True)
    dim: str = Field(max_length=16, primary_key=True)
    value: str = Field(max_length=200, primary_key=True)
    count: int = 0


class AnalyticsOwnerCard(SQLModel, table=True):
    """A card whose counts are in its owner's rollup rows. No foreign key on the card, on purpose: once the
    card is deleted (its events and per-card rows go with it) this row tells that the owner's sums are stale."""

    __tablename__ = "analytics_owner_cards"

    owner_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE", primary_key=True)
    card_id: uuid.UUID = Field(primary_key=True)


class AnalyticsRolledDay(SQLModel, table=True):
    """A UTC day whose raw events are in analytics_daily; dashboards read raw events only after the last one.

    `stale`: events were written into the day after it was rolled up (a late or retried flush); dashboards
    read it raw until the rollup job rolls it up again.
    """

    __tablename__ = "analytics_rolled_days"

    day: date = Field(sa_column=Column(Date, primary_key=True, nullable=False))
    rolled_at: datetime = created_at_field()
    events: int = 0
    stale: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))


class AnalyticsSalt(SQLModel, table=True):
    """The random salt of one UTC day's visitor hashes; deleted after two days, so old hashes cannot be redone."""

    __tablename__ = "analytics_salts"

    day: date = Field(sa_column=Column(Date, primary_key=True, nullable=False))
    salt: str = Field(max_length=64)
