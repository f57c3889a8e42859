"""Shared bounds for page parameters, so a huge `offset` is a 422 and never reaches the database (a 64-bit overflow)."""

from __future__ import annotations

from typing import Any

from fastapi import Query

# Far beyond any real book or inbox, far below the 2^63 the databases overflow at.
MAX_OFFSET = 10_000_000


def offset_query() -> Any:
    """An `offset` query parameter: 0 to MAX_OFFSET."""
    return Query(0, ge=0, le=MAX_OFFSET, description=f"Rows to skip, 0 to {MAX_OFFSET:,}.")
