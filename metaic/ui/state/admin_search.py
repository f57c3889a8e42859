"""The admin view of search: top queries, queries that found nothing, and click-through per result position."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import reflex as rx

from metaic.auth.service import require_admin
from metaic.core import clock
from metaic.core.errors import DomainError
from metaic.db import session_scope
from metaic.search import service as search_service
from metaic.ui.state.session import SessionState

PERIODS = (7, 30, 90)


def _percent(value) -> str:
    """A rate (0..1) as a percentage."""
    return f"{float(value or 0) * 100:.1f}%"


def report_rows(report: dict) -> tuple[list[dict[str, str]], list[dict[str, str]], list[dict[str, str]]]:
    """The service's report as strings for the three tables."""
    top = [
        {"query": r["query"], "count": str(r["count"]), "avg_results": f"{float(r.get('avg_results') or 0):.1f}"}
        for r in report.get("top", [])
    ]
    empty = [{"query": r["query"], "count": str(r["count"])} for r in report.get("no_results", [])]
    ctr = [
        {
            "position": str(r["position"]),
            "impressions": str(r["impressions"]),
            "clicks": str(r["clicks"]),
            "ctr": _percent(r.get("ctr")),
            # The bar's width in the page, as a CSS length.
            "bar": f"{min(100.0, float(r.get('ctr') or 0) * 100):.1f}%",
        }
        for r in report.get("ctr_by_position", [])
        if r.get("impressions")  # positions no search reached say nothing
    ]
    return top, empty, ctr


class AdminSearchState(SessionState):
    """Rows for /admin/search; the role is checked on every load (the report carries no user ids)."""

    days: int = 7
    top: list[dict[str, str]] = []
    no_results: list[dict[str, str]] = []
    ctr: list[dict[str, str]] = []
    denied: bool = False

    def _report(self):
        """Check the role, then read the report of the chosen period (in a worker thread)."""
        try:
            with session_scope() as session:
                actor = self._load_user(session)
                if actor is None:
                    return rx.redirect("/login?next=/admin/search")
                require_admin(actor)
                until = clock.now()
                report = search_service.query_report(
                    session=session, since=until - timedelta(days=self.days), until=until, limit=50
                )
        except DomainError as exc:
            self.denied = exc.status == 403
            self.top, self.no_results, self.ctr = [], [], []
            return None if self.denied else rx.toast.error(exc.message)
        self.top, self.no_results, self.ctr = report_rows(report)
        self.denied = False
        return None

    @rx.event
    async def load(self):
        """on_load: the period in the address (?days=30), else the last 7 days."""
        wanted = str(self.router.url.query_parameters.get("days", ""))
        self.days = int(wanted) if wanted.isdigit() and int(wanted) in PERIODS else PERIODS[0]
        return await asyncio.to_thread(self._report)

    @rx.event
    async def set_period(self, days: str | list[str]):
        """Show another period (7, 30 or 90 days)."""
        days = days if isinstance(days, str) else "".join(days[:1])
        self.days = int(days) if days.isdigit() and int(days) in PERIODS else PERIODS[0]
        refused = await asyncio.to_thread(self._report)
        address = f"/admin/search?days={self.days}"
        return refused or rx.call_script(f"window.history.replaceState(window.history.state, '', {address!r})")
