"""A datetime type for what the UI and the API hand out: always timezone-aware UTC.

SQLite gives stored times back without a zone, so a plain `datetime` field answered "2026-01-01T09:00:00",
which breaks the OpenAPI `date-time` format and leaves clients to guess the zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator

from metaic.core import clock


def to_utc(value: datetime) -> datetime:
    """A stored time as an aware UTC datetime (a naive one is UTC already)."""
    return clock.as_utc(value).astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(to_utc)]
