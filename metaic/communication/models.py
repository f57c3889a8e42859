"""Communication tables: the user's message templates, the messages queued to contacts and their replies."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from metaic.core.models import created_at_field, name_key_field, utc_column, uuid_pk

CHANNELS = ("email", "whatsapp")
# The same words as notification deliveries use ("canceled", not "cancelled"): one vocabulary in the API.
QUEUED, SENDING, SENT, FAILED, CANCELED = "queued", "sending", "sent", "failed", "canceled"
STATUSES = (QUEUED, SENDING, SENT, FAILED, CANCELED)


class MessageTemplate(SQLModel, table=True):
    """A user's reusable message with Jinja variables such as `{{ contact.first_name }}`."""

    __tablename__ = "message_templates"
    __table_args__ = (
        UniqueConstraint("owner_id", "name", name="uq_message_templates_owner_name"),
        Index("uq_message_templates_owner_name_key", "owner_id", "name_key", unique=True),
    )

    id: uuid.UUID = uuid_pk()
    owner_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    name: str = Field(max_length=80)
    name_key: str = name_key_field()  # name_key(name): one template per name whatever its case
    channel: str = Field(default="email", max_length=16)
    subject: str = Field(default="", max_length=200)
    body: str = Field(default="", sa_type=Text)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class ScheduledMessage(SQLModel, table=True):
    """One message to a contact, queued for now or later.

    `status` moves queued -> sending -> sent or failed once, or queued -> canceled. While a worker
    holds the message (sending), `send_at` is the time of its claim, so a stale claim can be spotted.
    """

    __tablename__ = "scheduled_messages"
    __table_args__ = (
        Index("ix_scheduled_messages_owner_created", "owner_id", "created_at"),
        Index("ix_scheduled_messages_status_send_at", "status", "send_at"),
        Index("ix_scheduled_messages_contact", "contact_id"),
        # Replies are matched to the newest message sent to their sender's address.
        Index("ix_scheduled_messages_to_send_at", "to", "send_at"),
    )

    id: uuid.UUID = uuid_pk()
    owner_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    contact_id: uuid.UUID = Field(foreign_key="saved_contacts.id", ondelete="CASCADE")
    channel: str = Field(max_length=16)
    to: str = Field(max_length=254)
    subject: str = Field(default="", max_length=200)
    body: str = Field(default="", sa_type=Text)
    send_at: datetime = utc_column()
    status: str = Field(default=QUEUED, max_length=16)
    provider_id: str = Field(default="", max_length=200)
    error: str = Field(default="", max_length=500)
    created_at: datetime = created_at_field()


class InboundMessage(SQLModel, table=True):
    """A reply a contact sent back (WhatsApp, SMS or email), stored once per provider message id."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("provider_id", name="uq_inbound_messages_provider_id"),
        Index("ix_inbound_messages_owner_created", "owner_id", "created_at"),
        Index("ix_inbound_messages_contact", "contact_id"),
    )

    id: uuid.UUID = uuid_pk()
    owner_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    contact_id: uuid.UUID = Field(foreign_key="saved_contacts.id", ondelete="CASCADE")
    channel: str = Field(max_length=16)
    sender: str = Field(max_length=254)
    subject: str = Field(default="", max_length=200)
    body: str = Field(default="", sa_type=Text)
    provider_id: str = Field(max_length=200)
    created_at: datetime = created_at_field()
