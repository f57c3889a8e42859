"""What searches answer with: plain dataclasses the UI and the API render (highlights as text segments)."""

from __future__ import annotations

from dataclasses import dataclass, field

from metaic.contacts.models import SavedContact


@dataclass
class Hit:
    """One result: what it is, where it opens, and its title and snippet as `{"text", "hit"}` segments."""

    kind: str
    id: str
    title: str
    subtitle: str
    url: str
    title_parts: list[dict] = field(default_factory=list)
    snippet_parts: list[dict] = field(default_factory=list)


@dataclass
class Group:
    """The hits of one kind ("contact", "card", "message", "template") under its label."""

    kind: str
    label: str
    hits: list[Hit] = field(default_factory=list)


@dataclass
class SearchResults:
    """The grouped answer of the global search box; `query_id` ties clicks to this search."""

    query_id: str
    groups: list[Group] = field(default_factory=list)


@dataclass
class ContactSearchPage:
    """A page of the owner's contacts (database rows), the total, and facet counts."""

    items: list[SavedContact]
    total: int
    facets: dict[str, list[dict]]
    query_id: str = ""
