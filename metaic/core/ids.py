"""Ids from the outside world: a malformed one is simply something that does not exist."""

from __future__ import annotations

import uuid

from metaic.core.errors import NotFound


def parse_id(value: uuid.UUID | str, what: str) -> uuid.UUID:
    """A UUID from an id or its text; NotFound ("Card not found.") for anything malformed."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(f"{what} not found.") from None
