"""Notification tables (notifications, per-channel deliveries, preferences, push subscriptions) and schemas."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from metaic.core.encrypted_types import EncryptedJSON, EncryptedText
from metaic.core.models import created_at_field, utc_column, uuid_pk
from metaic.core.times import UtcDatetime

IN_APP = "in_app"
EMAIL = "email"
SMS = "sms"
PUSH = "push"
WHATSAPP = "whatsapp"
# In-app is always on; these are the channels a user can switch per kind.
CHANNELS = (EMAIL, SMS, PUSH, WHATSAPP)

QUEUED = "queued"
HELD = "held"
SENDING = "sending"
SENT = "sent"
DELIVERED = "delivered"
FAILED = "failed"
CANCELED = "canceled"
STATUSES = (QUEUED, HELD, SENDING, SENT, DELIVERED, FAILED, CANCELED)
# A delivery in one of these states is never sent again.
FINAL_STATUSES = (SENT, DELIVERED, FAILED, CANCELED)

WEBPUSH = "webpush"
FCM = "fcm"


class Notification(SQLModel, table=True):
    """One thing a user is told about; the row itself is the in-app message."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_send_at", "user_id", "send_at"),
        Index("ix_notifications_user_read_at", "user_id", "read_at"),
    )

    id: uuid.UUID = uuid_pk()
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    kind: str = Field(max_length=40)
    # What it says and what filled it: the title names people (a reminder's contact, a message's sender), a fired
    # reminder's body repeats its note, a message's its preview. Encrypted at rest (TEXT, to hold the ciphertext;
    # kinds.render still cuts a title at 200 characters); never filtered or sorted in SQL. Lists leave `data`
    # unread (service.list_), so a row shown costs two decrypts: title and body.
    title: str = Field(sa_type=EncryptedText("notifications.title"))
    body: str = Field(default="", sa_type=EncryptedText("notifications.body"))
    url: str = Field(default="", max_length=500)
    data: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(EncryptedJSON("notifications.data"), nullable=False)
    )
    created_at: datetime = created_at_field()
    # Shown in the app (and sent on other channels) from this moment: "send later".
    send_at: datetime = created_at_field()
    read_at: datetime | None = utc_column(default=None)


class NotificationDelivery(SQLModel, table=True):
    """The delivery of one notification on one channel other than in-app, with provider tracking."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (
        UniqueConstraint("notification_id", "channel"),
        Index("ix_notification_deliveries_due", "status", "deliver_after"),
    )

    id: uuid.UUID = uuid_pk()
    notification_id: uuid.UUID = Field(foreign_key="notifications.id", index=True, ondelete="CASCADE")
    channel: str = Field(max_length=16)
    status: str = Field(default=QUEUED, max_length=16)
    provider: str = Field(default="", max_length=24)
    provider_message_id: str | None = Field(default=None, max_length=200, index=True)
    attempts: int = 0
    last_error: str = Field(default="", max_length=500)
    # Not before this moment (send later, quiet hours, retry back-off).
    deliver_after: datetime | None = utc_column(default=None)
    # When a job was last queued for it, so the periodic check does not queue it twice.
    enqueued_at: datetime | None = utc_column(default=None)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    sent_at: datetime | None = utc_column(default=None)


class NotificationPreference(SQLModel, table=True):
    """A user's choice for one kind on one channel (only choices that differ from the default are stored)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind", "channel"),)

    id: uuid.UUID = uuid_pk()
    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=40)
    channel: str = Field(max_length=16)
    enabled: bool


class NotificationSettings(SQLModel, table=True):
    """Per-user notification settings: quiet hours in the user's own time zone."""

    __tablename__ = "notification_settings"

    user_id: uuid.UUID = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    quiet_start: time | None = None
    quiet_end: time | None = None


class PushSubscription(SQLModel, table=True):
    """A browser (Web Push) or mobile app (FCM) that asked to receive push messages."""

    __tablename__ = "push_subscriptions"

    id: uuid.UUID = uuid_pk()
    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    kind: str = Field(default=WEBPUSH, max_length=16)
    # The Web Push endpoint URL, or the FCM registration token.
    endpoint: str = Field(sa_type=Text)
    endpoint_hash: str = Field(max_length=64, unique=True)
    p256dh: str = Field(default="", max_length=200)
    auth: str = Field(default="", max_length=100)
    user_agent: str = Field(default="", max_length=400)
    created_at: datetime = created_at_field()
    last_used_at: datetime | None = utc_column(default=None)


class DeliveryRead(BaseModel):
    """A delivery as shown to its owner."""

    channel: str
    status: str
    attempts: int
    last_error: str
    deliver_after: UtcDatetime | None
    updated_at: UtcDatetime

    @classmethod
    def of(cls, delivery: NotificationDelivery) -> DeliveryRead:
        """Build the public view of a delivery."""
        return cls(
            channel=delivery.channel,
            status=delivery.status,
            attempts=delivery.attempts,
            last_error=delivery.last_error,
            deliver_after=delivery.deliver_after,
            updated_at=delivery.updated_at,
        )


class NotificationRead(BaseModel):
    """What the UI and the API show about a notification."""

    id: uuid.UUID
    kind: str
    title: str
    body: str
    url: str
    created_at: UtcDatetime
    send_at: UtcDatetime
    read: bool
    deliveries: list[DeliveryRead] = []

    @classmethod
    def of(cls, note: Notification, deliveries: list[NotificationDelivery] | None = None) -> NotificationRead:
        """Build the public view of a notification."""
        return cls(
            id=note.id,
            kind=note.kind,
            title=note.title,
            body=note.body,
            url=note.url,
            created_at=note.created_at,
            send_at=note.send_at,
            read=note.read_at is not None,
            deliveries=[DeliveryRead.of(d) for d in deliveries or []],
        )


class PreferencesRead(BaseModel):
    """A user's whole preference matrix and quiet hours."""

    channels: dict[str, dict[str, bool]]
    quiet_start: str | None
    quiet_end: str | None
    timezone: str


class PreferencesUpdate(BaseModel):
    """A change to preferences: any kind×channel switches, and quiet hours ("HH:MM", or null for none)."""

    channels: dict[str, dict[str, bool]] = {}
    quiet_start: str | None = None
    quiet_end: str | None = None
