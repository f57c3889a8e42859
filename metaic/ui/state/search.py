"""The global search box in the signed-in top bar: results as you type, grouped by kind, clicks recorded."""

from __future__ import annotations

import asyncio
import dataclasses
import logging

import reflex as rx

from metaic.core.errors import AuthenticationFailed, DomainError
from metaic.db import session_scope
from metaic.search import service as search_service
from metaic.ui.state.session import SessionState

log = logging.getLogger(__name__)
MIN_CHARS = 2
MAX_CHARS = 200
PER_KIND = 5
ICONS = {
    "contact": "user",
    "card": "id-card",
    "message": "message-square",
    "note": "sticky-note",
    "template": "file-text",
}


@dataclasses.dataclass
class Part:
    """A run of text; `hit` runs matched the query and are shown marked."""

    text: str = ""
    hit: bool = False


@dataclasses.dataclass
class HitRow:
    """One result as the box shows it; `position` counts from 1 across all groups (for click-through)."""

    kind: str = ""
    url: str = ""
    position: int = 0
    title_parts: list[Part] = dataclasses.field(default_factory=list)
    snippet_parts: list[Part] = dataclasses.field(default_factory=list)
    subtitle: str = ""


@dataclasses.dataclass
class GroupRow:
    """A kind of result (Contacts, Cards, Messages and notes, Templates) with its hits."""

    kind: str = ""
    label: str = ""
    hits: list[HitRow] = dataclasses.field(default_factory=list)


def _parts(raw) -> list[Part]:
    """Highlight runs from the service (dicts of text/hit) as plain data; text is rendered, never parsed as HTML."""
    return [Part(text=str(p.get("text", "")), hit=bool(p.get("hit"))) for p in raw or [] if p.get("text")]


def rows_of(results) -> list[GroupRow]:
    """The service's SearchResults as rows; empty groups are left out and positions run across groups."""
    groups, position = [], 0
    for group in results.groups:
        hits = []
        for hit in group.hits:
            position += 1
            title = _parts(hit.title_parts) or [Part(text=hit.title or "(untitled)")]
            snippet = _parts(hit.snippet_parts)
            hits.append(HitRow(hit.kind, hit.url, position, title, snippet, hit.subtitle or ""))
        if hits:
            groups.append(GroupRow(kind=group.kind, label=group.label, hits=hits))
    return groups


class SearchState(SessionState):
    """What the top bar's search box shows; the query runs in a worker thread, never on the event loop."""

    query: str = ""
    # The query the shown results belong to (the box may already hold a newer one).
    shown: str = ""
    query_id: str = ""
    groups: list[GroupRow] = []
    loading: bool = False
    is_open: bool = False
    mobile_open: bool = False
    failed: bool = False

    @rx.var
    def hit_count(self) -> int:
        """How many results are shown."""
        return sum(len(g.hits) for g in self.groups)

    @rx.var
    def ready(self) -> bool:
        """Whether the query is long enough to search."""
        return len(self.query.strip()) >= MIN_CHARS

    def _search(self, query: str):
        """Run the search for the signed-in user (in a worker thread); None when signed out."""
        with session_scope() as session:
            owner = self._owner(session)
            return search_service.search_everything(session=session, owner=owner, query=query, limit_per_kind=PER_KIND)

    @rx.event
    async def typed(self, value: str):
        """The box changed (debounced in the browser): search once it holds at least two characters."""
        self.query, self.is_open = value[:MAX_CHARS], True
        wanted = self.query.strip()
        if len(wanted) < MIN_CHARS:
            self.groups, self.shown, self.query_id, self.loading, self.failed = [], "", "", False, False
            return
        self.loading = True
        yield
        try:
            results = await asyncio.to_thread(self._search, wanted)
        except AuthenticationFailed:
            self.loading = False
            yield rx.redirect(f"/login?next={self.router.url.path}")
            return
        except DomainError as exc:
            self.loading, self.failed, self.groups = False, True, []
            yield rx.toast.error(exc.message)
            return
        if self.query.strip() != wanted:
            return  # a newer query is on its way; its results replace these
        self.groups, self.shown, self.query_id = rows_of(results), wanted, results.query_id
        self.loading, self.failed = False, False

    @rx.event
    def open(self):
        """The box got the focus: show the results again."""
        self.is_open = True

    @rx.event
    def close(self):
        """Hide the results (a click outside, Escape)."""
        self.is_open, self.mobile_open = False, False

    @rx.event
    def new_page(self):
        """A page opened: the box starts empty and closed (the tab's state outlives pages)."""
        self.is_open, self.mobile_open, self.loading = False, False, False
        self.query, self.shown, self.groups, self.query_id = "", "", [], ""

    @rx.event
    def open_mobile(self):
        """Phones: the search icon opens the full-width search."""
        self.mobile_open, self.is_open = True, True
        return rx.call_script(
            "setTimeout(function(){var e=document.getElementById('global-search-mobile');if(e){e.focus();}},50)"
        )

    @rx.event
    async def pick(self, position: int, kind: str, url: str):
        """A result was chosen: record the click for the search report, then go to the thing."""
        query_id = self.query_id
        self.is_open, self.mobile_open, self.query, self.shown, self.groups, self.query_id = (
            False,
            False,
            "",
            "",
            [],
            "",
        )
        if query_id:
            await asyncio.to_thread(_record_click, query_id, position, kind)
        return rx.redirect(url)


def _record_click(query_id: str, position: int, kind: str) -> None:
    """Record a click; analytics never stand between the user and the result."""
    try:
        search_service.record_click(query_id=query_id, position=position, kind=kind)
    except Exception:
        log.warning("search click not recorded", exc_info=True)
