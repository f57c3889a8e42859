"""Search analytics tables: queries and clicks by hour, with no IP address and no user id."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from metaic.core.models import utc_column, uuid_pk


class SearchQuery(SQLModel, table=True):
    """One search: its normalised text, where it ran, how many results, the hour it ran in."""

    __tablename__ = "search_queries"

    id: uuid.UUID = uuid_pk()
    query_id: str = Field(max_length=32, index=True)
    query: str = Field(max_length=200)
    scope: str = Field(max_length=16)
    results: int = 0
    bucket: datetime = utc_column(index=True)


class SearchClick(SQLModel, table=True):
    """A result opened from a search: which search, at which position, of which kind."""

    __tablename__ = "search_clicks"

    id: uuid.UUID = uuid_pk()
    query_id: str = Field(max_length=32, index=True)
    position: int
    kind: str = Field(max_length=16)
    bucket: datetime = utc_column(index=True)
