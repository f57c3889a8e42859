"""/analytics: the owner's numbers for one card or all, over a chosen period, against the period before."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from metaic.analytics import labels, reports
from metaic.core.errors import AuthenticationFailed, DomainError, NotFound
from metaic.db import session_scope
from metaic.ui.state import analytics_shape as shape
from metaic.ui.state.auth import FormState
from metaic.ui.state.period_picker import PeriodPicker, parse_day
from metaic.ui.state.session import as_token_user, go_to

log = logging.getLogger(__name__)

ALL = "all"
TILE_KEYS = ("views", "visitors", "scans", "saves", "clicks", "shares", "leads", "wallet")
SERIES_KEYS = ("views", "visitors", "scans", "saves")
TOP_KEYS = ("sources", "links", "devices", "browsers", "countries", "languages")
LIVE_MINUTES = 5
# Served by metaic/api/analytics_routes.py: a plain GET with the session cookie, so a big raw export streams
# from the HTTP server instead of travelling through this tab's websocket.
EXPORT_ROUTE = "/api/v1/analytics/export.csv"


def _card_id(text: str) -> uuid.UUID | None:
    """The chosen card's id (None: all cards, or an unreadable id)."""
    try:
        return uuid.UUID(text) if text and text != ALL else None
    except ValueError:
        return None


def read_dashboard(session, user, *, card: str, period: str, start: str, end: str) -> dict[str, Any]:
    """Everything the page shows, read in one transaction and shaped for the page."""
    chosen = reports.period_from(period, start=parse_day(start), end=parse_day(end))
    card_id = _card_id(card)
    data = reports.owner_dashboard(session=session, owner=user, card_id=card_id, period=chosen)
    live = reports.live_visitors(session=session, owner=user, card_id=card_id, minutes=LIVE_MINUTES)
    totals = data.get("totals", {})
    top = data.get("top", {})
    return {
        "tiles": {
            **shape.tiles(totals, TILE_KEYS),
            "save_rate": shape.rate_tile(totals.get("saves"), totals.get("visitors")),
        },
        "series": shape.series(data.get("series", []), SERIES_KEYS, chosen.granularity),
        "funnel": shape.funnel(data.get("funnel", [])),
        "top": {key: shape.ranked(labels.relabel(key, top.get(key, []))) for key in TOP_KEYS},
        "cards": [{"id": str(c["id"]), "name": str(c.get("name") or c.get("slug") or "Card")} for c in data["cards"]],
        "has_data": any(int((totals.get(k) or {}).get("value") or 0) for k in TILE_KEYS),
        "live": int(live),
        "range": shape.range_text(chosen.start, chosen.end),
        "compare": shape.range_text(chosen.prev_start, chosen.prev_end),
        "start": chosen.start.isoformat()[:10],
        "end": shape.last_day(chosen.end).isoformat(),
    }


def live_count(token: str | None, card: str) -> int | None:
    """Visitors of the last few minutes (None when signed out): one cheap query, run in a worker thread."""
    return as_token_user(
        token,
        lambda session, user: reports.live_visitors(
            session=session, owner=user, card_id=_card_id(card), minutes=LIVE_MINUTES
        ),
    )


class AnalyticsState(PeriodPicker, FormState):
    """The owner's analytics page; rebuilt from the database on every load and every change of choice."""

    card: str = ALL
    cards: list[dict[str, str]] = []
    tiles: dict[str, dict[str, str]] = {}
    series: list[dict[str, Any]] = []
    funnel: list[dict[str, str]] = []
    top: dict[str, list[dict[str, str]]] = {}
    has_data: bool = False
    live: int = 0
    range_label: str = ""
    compare_label: str = ""
    loading: bool = True
    failed: str = ""

    def _apply(self, found: dict[str, Any]) -> None:
        """Show a freshly read dashboard."""
        self.tiles, self.series, self.funnel, self.top = found["tiles"], found["series"], found["funnel"], found["top"]
        self.cards, self.has_data, self.live = found["cards"], found["has_data"], found["live"]
        self.range_label, self.compare_label = found["range"], found["compare"]
        self.start, self.end = found["start"], found["end"]
        if self.card != ALL and self.card not in {c["id"] for c in self.cards}:
            self.card = ALL

    def _read(self) -> dict[str, Any]:
        """Read the dashboard for the signed-in owner (runs in a worker thread)."""
        try:
            with session_scope() as session:
                user = self._owner(session)
                return read_dashboard(session, user, card=self.card, period=self.period, start=self.start, end=self.end)
        except NotFound:
            if self.card == ALL:
                raise
            self.card = ALL  # a card that is gone, or not this owner's: show all of theirs instead
            return self._read()

    async def _fetch(self):
        """Read off the event loop; a bad custom range shows by its fields, anything else as a retry banner."""
        self.loading, self.failed, self.errors = True, "", {}
        yield
        try:
            found = await asyncio.to_thread(self._read)
        except AuthenticationFailed:
            yield rx.redirect("/login?next=/analytics")
            return
        except DomainError as exc:
            self._fail(exc)
            self.loading = False
            return
        except Exception:  # the page stays usable and says so; the log has the details
            log.exception("analytics dashboard failed")
            self.loading, self.failed = False, "We could not load your numbers just now."
            return
        self._apply(found)
        self.loading = False

    @rx.event
    async def load(self):
        """on_load: take the card and period from the address, then read."""
        self._period_from_query()
        self.card = self.router.url.query_parameters.get("card", ALL) or ALL
        async for event in self._fetch():
            yield event

    @rx.event
    async def reload(self):
        """Try again after a failure."""
        async for event in self._fetch():
            yield event

    @rx.event
    async def set_card(self, card: str):
        """Pick one card, or all of them."""
        self.card = card or ALL
        async for event in self._fetch():
            yield event

    @rx.event
    async def tick_live(self, _tick: str = ""):
        """Every few seconds from the page: refresh the live visitors counter only."""
        count = await asyncio.to_thread(live_count, self._token(), self.card)
        if count is not None:
            self.live = int(count)

    def export_url(self, rows: str) -> str:
        """The authenticated CSV route for the chosen card and period (`rows` is "daily" or "raw")."""
        params = {"rows": rows, "period": self.period}
        if _card_id(self.card) is not None:
            params["card_id"] = self.card
        if self.period == "custom":
            params.update(start=self.start, end=self.end)
        return f"{EXPORT_ROUTE}?{urlencode(params)}"

    @rx.event
    def export_period(self):
        """Download the period's daily rows per dimension (the route streams it with this tab's session cookie)."""
        return go_to(self.export_url("daily"))

    @rx.event
    def export_raw(self):
        """Download the period's raw events of the owner's cards, without identifiers."""
        return go_to(self.export_url("raw"))
