"""Shared bounds for page parameters, so a huge `offset` is a 422 and never reaches the database (a 64-bit overflow)."""

from __future__ import annotations

from typing import Any

from fastapi import Query

from metaic.contacts.search import MAX_OFFSET  # the service refuses past it too (a page number in an address)


def offset_query() -> Any:
    """An `offset` query parameter: 0 to MAX_OFFSET."""
    return Query(0, ge=0, le=MAX_OFFSET, description=f"Rows to skip, 0 to {MAX_OFFSET:,}.")
