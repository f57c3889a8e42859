"""Uploaded images: one row per upload, pointing at the cleaned original and its WebP variants."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import JSON, BigInteger
from sqlmodel import Field, SQLModel

from metaic.core.models import created_at_field, utc_column, uuid_pk
from metaic.core.times import UtcDatetime

# scan: a photographed paper card; contact: a contact's own photo (imported from their vCard)
PURPOSES = ("avatar", "cover", "logo", "work", "scan", "contact")
STATUS_PROCESSING = "processing"
STATUS_READY = "ready"
STATUS_FAILED = "failed"
# Virus scan: `clean` uploads are served; `pending` ones are held (not served, no addresses) until the
# scanner says clean; `infected` ones keep only this row (the owner's record of what was removed).
SCAN_CLEAN = "clean"
SCAN_PENDING = "pending"
SCAN_INFECTED = "infected"


class File(SQLModel, table=True):
    """An image a user uploaded: in the builder (avatar, cover, logo, portfolio work) or a scanned paper card."""

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
    scan_status: str = Field(default=SCAN_CLEAN, max_length=16, index=True)
    # Failed tries to reach the scanner, and when the next try is due (also a lease while a scan job waits).
    scan_attempts: int = Field(default=0)
    scan_retry_at: datetime | None = utc_column(default=None)
    # The signature the scanner named for an infected upload.
    scan_result: str = Field(default="", max_length=200)
    created_at: datetime = created_at_field()


class FileRead(BaseModel):
    """What the UI and the API show about an upload; `urls` maps a variant width to its address."""

    id: uuid.UUID
    purpose: str
    status: str
    # `pending` while the virus scan runs (no addresses yet), `clean` once served, `infected` once removed.
    scan_status: str = SCAN_CLEAN
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
