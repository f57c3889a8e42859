"""Outgoing webhooks: a user's HTTPS endpoints, the events they want, and the log of every delivery."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from metaic.core.encrypted_types import EncryptedText
from metaic.core.models import created_at_field, utc_column, uuid_pk

# What an endpoint can subscribe to (card.viewed comes in batches: counts per card every few minutes).
EVENTS = ("card.published", "card.viewed", "contact.created", "lead.captured", "message.received")
PENDING, SUCCEEDED, FAILED = "pending", "succeeded", "failed"


class WebhookEndpoint(SQLModel, table=True):
    """One URL a user asked us to POST events to, signed with its own secret."""

    __tablename__ = "webhook_endpoints"

    id: uuid.UUID = uuid_pk()
    owner_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    url: str = Field(max_length=500)
    description: str = Field(default="", max_length=120)
    events: str = Field(default="", max_length=300)  # comma-separated names from EVENTS
    secret: str = Field(max_length=80)
    enabled: bool = True
    disabled_reason: str = Field(default="", max_length=200)
    failure_streak: int = 0  # deliveries that finally failed in a row; too many turn the endpoint off
    created_at: datetime = created_at_field()
    last_success_at: datetime | None = utc_column(default=None)
    # card.viewed batches count views after this moment.
    views_counted_until: datetime | None = utc_column(default=None)

    def wants(self, event: str) -> bool:
        """True when the endpoint is on and subscribed to `event`."""
        return self.enabled and event in self.events.split(",")


class WebhookDelivery(SQLModel, table=True):
    """One event for one endpoint: its payload, each attempt's outcome, and what happens next."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_endpoint_created", "endpoint_id", "created_at"),
        Index("ix_webhook_deliveries_status_next", "status", "next_attempt_at"),
    )

    id: uuid.UUID = uuid_pk()
    endpoint_id: uuid.UUID = Field(foreign_key="webhook_endpoints.id", ondelete="CASCADE")
    event: str = Field(max_length=32)
    # The exact JSON body sent (a redelivery sends the same bytes); it quotes contacts and messages: encrypted at rest.
    payload: str = Field(sa_type=EncryptedText("webhook_deliveries.payload"))
    status: str = Field(default=PENDING, max_length=16)
    attempts: int = 0
    response_code: int | None = None
    # The start of the receiver's answer (300 characters, jobs._post): it may echo the payload, so encrypted too.
    response_excerpt: str = Field(default="", sa_type=EncryptedText("webhook_deliveries.response_excerpt"))
    error: str = Field(default="", max_length=300)
    created_at: datetime = created_at_field()
    next_attempt_at: datetime | None = utc_column(default=None)
    delivered_at: datetime | None = utc_column(default=None)
