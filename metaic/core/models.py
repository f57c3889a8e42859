"""Shared model pieces: UUID keys and timestamps."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime
from sqlmodel import Field

from metaic.core import clock


def uuid_pk() -> uuid.UUID:
    """Field default for UUID primary keys."""
    return Field(default_factory=uuid.uuid4, primary_key=True)


def utc_column(**kwargs) -> datetime:
    """A timezone-aware timestamp column."""
    return Field(sa_type=DateTime(timezone=True), **kwargs)


def created_at_field() -> datetime:
    """A creation timestamp defaulting to now."""
    return Field(default_factory=clock.now, sa_type=DateTime(timezone=True), nullable=False)
