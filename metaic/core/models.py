"""Shared model pieces: UUID keys, timestamps and case-insensitive name keys."""

from __future__ import annotations

import unicodedata
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


# Longer than any key of an 80-character name in practice (casefold and NFKC rarely expand), short enough
# for a PostgreSQL b-tree entry whatever characters are used.
NAME_KEY_LENGTH = 320


def name_key(name: str) -> str:
    """The key two names share when they differ only in case or Unicode form ("Ölmez", "ÖLMEZ", "Straße"/"STRASSE").

    Computed in Python: SQLite's lower() only folds ASCII, so comparing lower(name) let non-ASCII duplicates
    through to the unique index (a 500).
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return folded[:NAME_KEY_LENGTH]


def name_key_field() -> str:
    """A column holding `name_key(name)`, kept by the service that sets the name."""
    return Field(default="", max_length=NAME_KEY_LENGTH)
