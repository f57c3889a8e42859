"""The audit trail: security events of every account and every admin action, kept apart from the rows they name.

No foreign keys: an entry outlives the account or card it names (an erased account keeps its
"account deleted" entry, naming only its id). No raw addresses: `address_hash` is a keyed hash.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from metaic.core.models import created_at_field, uuid_pk


class AuditEvent(SQLModel, table=True):
    """Who did what to whom, when, from where (hashed), with before/after where it applies."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_subject_created", "subject_id", "created_at"),
        Index("ix_audit_events_action_created", "action", "created_at"),
    )

    id: uuid.UUID = uuid_pk()
    created_at: datetime = created_at_field()
    category: str = Field(max_length=16)  # "security" (the account's own events) or "admin"
    action: str = Field(max_length=48)
    # The account the event is about (shown on its security page), and who acted (the owner, an admin, nobody).
    subject_id: uuid.UUID | None = Field(default=None)
    actor_id: uuid.UUID | None = Field(default=None, index=True)
    target_type: str = Field(default="", max_length=32)
    target_id: str = Field(default="", max_length=64)
    address_hash: str = Field(default="", max_length=16)
    device: str = Field(default="", max_length=80)
    detail: str = Field(default="", max_length=300)
    before: str = Field(default="", sa_type=Text)  # JSON
    after: str = Field(default="", sa_type=Text)  # JSON
    request_id: str = Field(default="", max_length=64)
