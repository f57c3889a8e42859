"""Stored answers to create requests sent with an `Idempotency-Key`, so a retried request is not done twice."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from metaic.core.models import created_at_field, utc_column, uuid_pk


class IdempotencyKey(SQLModel, table=True):
    """One key of one owner: the request it was first used with and, once done, the answer given."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("owner_id", "key", name="uq_idempotency_keys_owner_key"),
        Index("ix_idempotency_keys_expires_at", "expires_at"),
    )

    id: uuid.UUID = uuid_pk()
    owner_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    key: str = Field(max_length=255)
    request_hash: str = Field(max_length=64)  # SHA-256 of method, path and body
    status_code: int | None = None  # None while the first request is still running
    response_body: str = Field(default="", sa_type=Text)
    response_headers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = created_at_field()
    expires_at: datetime = utc_column()
