"""Uploaded images: one row per upload, pointing at the cleaned original and its WebP variants."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import JSON, BigInteger
from sqlmodel import Field, SQLModel

from metaic.core.models import created_at_field, uuid_pk
from metaic.core.times import UtcDatetime

PURPOSES = ("avatar", "cover", "logo", "work")
STATUS_PROCESSING = "processing"
STATUS_READY = "ready"
STATUS_FAILED = "failed"


class File(SQLModel, table=True):
    """An image a user uploaded in the builder (avatar, cover, logo or portfolio work)."""

    __tablename__ = "files"

    id: uuid.UUID = uuid_pk()
    owner_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    purpose: str = Field(max_length=16)
    # Type of the upload as detected from its content (never from the name or the browser's claim).
    content_type: str = Field(max_length=32)
    width: int
    height: int
    # Everything stored for this upload (cleaned original + variants): what counts against the quota.
    total_bytes: int = Field(default=0, sa_type=BigInteger)
    storage_key: str = Field(max_length=255)
    # Variant width (as a string, JSON keys are strings) -> storage key.
    variants: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    status: str = Field(default=STATUS_PROCESSING, max_length=16)
    created_at: datetime = created_at_field()


class FileRead(BaseModel):
    """What the UI and the API show about an upload; `urls` maps a variant width to its address."""

    id: uuid.UUID
    purpose: str
    status: str
    content_type: str
    width: int
    height: int
    total_bytes: int
    urls: dict[int, str]
    original_url: str
    created_at: UtcDatetime

    def best_url(self, width: int) -> str:
        """The smallest ready variant at least `width` wide, else the largest one, else the original."""
        if not self.urls:
            return self.original_url
        sizes = sorted(self.urls)
        fitting = [size for size in sizes if size >= width]
        return self.urls[fitting[0] if fitting else sizes[-1]]
