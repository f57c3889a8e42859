"""The SearchBackend protocol: what the search service needs from an engine (Whoosh today).

An OpenSearch or Meilisearch adapter implements these methods over the same plain documents
(metaic/search/documents.py) and the same parsed queries (metaic/search/analyzers.py), and
metaic/search/engine.py picks it from SEARCH_BACKEND. The service never sees engine objects: it gets ids,
scores and facet counts, and loads rows from the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from metaic.search.analyzers import ParsedQuery

INDEXES = ("cards", "contacts", "messages")


@dataclass(frozen=True)
class Found:
    """One matching document: its id, its score and the stored fields the backend keeps (kind, ref)."""

    id: str
    score: float
    stored: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Shape:
    """How to match: the words as typed, or also with typos and a prefix on the last word."""

    fuzzy: bool = False
    prefix: bool = True
    field: str = "text"  # the field every word must match ("name" for autocomplete)


class Unavailable(RuntimeError):
    """The index cannot be used right now (missing, corrupt, being rebuilt for the first time)."""

    def __init__(self, index: str, reason: str):
        """Remember which index failed, so the service can queue its repair."""
        super().__init__(reason)
        self.index = index
        FAILED.add(index)


# Indexes that failed since the service last looked (the service queues their repair, then clears this).
FAILED: set[str] = set()


class SearchBackend(Protocol):
    """Search and maintain the three indexes: cards (the directory), contacts, messages (with notes)."""

    def search(
        self, index: str, parsed: ParsedQuery, *, filters: dict[str, str], limit: int, shape: Shape
    ) -> list[Found]:
        """The best `limit` matches of `parsed` among documents whose fields equal `filters`."""
        ...

    def facets(
        self, index: str, parsed: ParsedQuery, *, filters: dict[str, str], fields: tuple[str, ...], shape: Shape
    ) -> tuple[int, dict[str, dict[str, int]]]:
        """(number of matches, counts per value of each facet field) for the matches."""
        ...

    def complete(self, index: str, field_name: str, prefix: str, *, limit: int) -> list[str]:
        """Values of a keyword field starting with `prefix` (folded), most common first."""
        ...

    def upsert(self, index: str, docs: list[dict]) -> bool:
        """Add or replace documents by id; False when the index does not exist (a rebuild is needed)."""
        ...

    def remove(self, index: str, ids: list[str], *, field_name: str = "id") -> bool:
        """Delete documents whose `field_name` is one of `ids`; False when the index does not exist."""
        ...

    def rebuild(self, index: str, docs: Iterable[dict], progress: Callable[[int], None] | None = None) -> int:
        """Build a fresh index from `docs` and swap it in atomically; returns how many were written."""
        ...

    def status(self, index: str) -> dict:
        """{"exists", "documents", "last_change" (epoch seconds or None), "readable"} for one index."""
        ...
