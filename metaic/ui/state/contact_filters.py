"""The contact list's filters: what the address says, what the search service gets, and the facet counts shown."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from metaic.contacts.models import SOURCES, STAGES

PAGE_SIZE = 25
# "relevance" ("Best match") is the default order while a search is typed; "name" otherwise.
SORTS = ("relevance", "name", "-created", "-last_contacted")
# The list's filters as they appear in the address (/contacts?q=ada&stage=warm), so a reload shows the same.
FILTER_PARAMS = {"q": "query", "event": "event", "stage": "stage", "source": "source", "tag": "tag_id"}
SOURCE_LABELS = {
    "card": "Saved card",
    "share_back": "Shared back",
    "import": "Imported",
    "scan": "Scanned card",
    "manual": "Added by hand",
}


def _counts(facets: dict, key: str) -> dict[str, int]:
    """A facet's counts by value ({} when the service gave none)."""
    return {str(f.get("value", "")): int(f.get("count", 0)) for f in facets.get(key) or []}


def _label(name: str, count: int | None) -> str:
    """An option with its count: "Warm (3)"."""
    return name if count is None else f"{name} ({count})"


class ContactListFilters(rx.State, mixin=True):
    """Search, filters, sort and page of the contact list, kept equal to the address, with facet counts."""

    page: int = 0
    query: str = ""
    event: str = ""
    stage: str = ""
    source: str = ""
    tag_id: str = ""
    due_only: bool = False
    sort: str = "name"
    # Keys the filter form: bumped when filters come from the address (a load), not when the user applies
    # them, so a search typed while the last one is applied is never wiped by a redraw.
    filters_drawn: int = 0
    # Options with their counts among the contacts the other filters leave: {value, label}.
    stage_options: list[dict[str, str]] = []
    source_options: list[dict[str, str]] = []
    event_options: list[dict[str, str]] = []
    tag_options: list[dict[str, str]] = []
    due_label: str = "Reminder due"

    def _default_sort(self) -> str:
        """Best match while there is a search, name otherwise."""
        return "relevance" if self.query else "name"

    def _filters(self) -> dict:
        """The filters as the contacts search takes them."""
        return {
            "query": self.query,
            "event": self.event,
            "stage": self.stage or None,
            "source": self.source or None,
            "tag_id": self.tag_id or None,
            "reminder_due": self.due_only,
        }

    def _from_address(self) -> None:
        """Filters, sort and page from the address: what the page shows always matches the URL."""
        params = self.router.url.query_parameters
        before = self._drawn()
        for key, name in FILTER_PARAMS.items():
            setattr(self, name, str(params.get(key, "")))
        self.stage = self.stage if self.stage in STAGES else ""
        self.source = self.source if self.source in SOURCES else ""
        self.due_only = params.get("due", "") == "1"
        sort = str(params.get("sort", ""))
        self.sort = sort if sort in SORTS else self._default_sort()
        page = str(params.get("page", ""))
        self.page = int(page) - 1 if page.isdigit() and int(page) > 0 else 0
        if self._drawn() != before:
            # Redraw the form only when the address says something else: a load run again for the same address
            # (a reconnect re-runs on_load) must not wipe what the user is typing in the search box.
            self.filters_drawn += 1

    def _drawn(self) -> tuple:
        """What the filter form shows: the filters and the sort."""
        return (*(getattr(self, name) for name in FILTER_PARAMS.values()), self.due_only, self.sort)

    def _from_form(self, form: dict) -> None:
        """The submitted filter form; a newly typed search sorts by best match, a cleared one by name."""
        had_query = bool(self.query)
        self.query, self.event = str(form.get("query", "")).strip(), str(form.get("event", "")).strip()
        self.stage, self.source = str(form.get("stage", "")), str(form.get("source", ""))
        self.tag_id, self.due_only = str(form.get("tag_id", "")), bool(form.get("due_only"))
        sort = str(form.get("sort", "")) or self._default_sort()
        if self.query and not had_query and sort == "name":
            sort = "relevance"
        self.sort, self.page = ("name" if sort == "relevance" and not self.query else sort), 0

    def _address(self) -> str:
        """The address of the current filters, sort and page (empty ones and the default sort left out)."""
        params = {key: getattr(self, name) for key, name in FILTER_PARAMS.items() if getattr(self, name)}
        params |= {"due": "1"} if self.due_only else {}
        params |= {"sort": self.sort} if self.sort != self._default_sort() else {}
        params |= {"page": str(self.page + 1)} if self.page else {}
        return "/contacts" + (f"?{urlencode(params)}" if params else "")

    @rx.event
    def choose_sort(self, value: str):
        """The sort menu (applied with the other filters)."""
        self.sort = value if value in SORTS else self._default_sort()

    def _show_address(self, _result=None):
        """Put the filters in the address bar without a new page load, so a reload keeps them."""
        return rx.call_script(f"window.history.replaceState(window.history.state, '', {self._address()!r})")

    def _show_facets(self, facets: dict, tags: list) -> None:
        """Every option with its count (a chosen one stays listed even when nothing matches it)."""
        stages, sources, tag_counts = _counts(facets, "stage"), _counts(facets, "source"), _counts(facets, "tag")
        self.stage_options = [{"value": s, "label": _label(s.title(), stages.get(s, 0))} for s in STAGES]
        self.source_options = [
            {"value": s, "label": _label(SOURCE_LABELS.get(s, s), sources.get(s, 0))} for s in SOURCES
        ]
        self.tag_options = [
            {"id": str(t.id), "name": t.name, "label": _label(t.name, tag_counts.get(str(t.id), 0))} for t in tags
        ]
        self.event_options = [
            {"value": str(f.get("value", "")), "label": _label(str(f.get("label") or f.get("value")), f.get("count"))}
            for f in facets.get("event") or []
            if f.get("value")
        ]
        self.due_label = _label("Reminder due", _counts(facets, "reminder_due").get("true", 0))
