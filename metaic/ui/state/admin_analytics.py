"""/admin/analytics: the platform's sign-ups, active users, cards, views, messages and failures over time."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
from typing import Any

import reflex as rx

from metaic.analytics import reports
from metaic.auth.service import require_admin
from metaic.core import clock
from metaic.core.errors import AuthenticationFailed, DomainError
from metaic.db import session_scope
from metaic.ui.state import analytics_shape as shape
from metaic.ui.state.auth import FormState
from metaic.ui.state.period_picker import PeriodPicker, parse_day

log = logging.getLogger(__name__)

METRICS = (
    "signups",
    "active_users",
    "cards_published",
    "views",
    "saves",
    "messages",
    "notifications_sent",
    "jobs_failed",
)
OPS_NOTE = (
    "Jobs failed: notification deliveries and scheduled messages that failed, plus background jobs in the "
    "queues' failed lists (kept 30 days)."
)
OPS_NOTE_NO_QUEUE = (
    "Jobs failed: notification deliveries and scheduled messages only; the queues' failed lists could not be "
    "read just now (Redis unreachable)."
)


def platform_csv(rows: list[dict]) -> str:
    """The platform series as CSV: one row per bucket, one column per metric."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["bucket", *METRICS])
    for row in rows:
        writer.writerow([row.get("bucket", ""), *(int(row.get(k) or 0) for k in METRICS)])
    return out.getvalue()


def read_platform(session, user, *, period: str, start: str, end: str) -> dict[str, Any]:
    """The platform dashboard for an admin (PermissionDenied for anyone else), shaped for the page."""
    require_admin(user)
    chosen = reports.period_from(period, start=parse_day(start), end=parse_day(end))
    data = reports.platform_dashboard(session=session, period=chosen)
    active = data.get("active", {})
    return {
        "tiles": shape.tiles(data.get("totals", {}), METRICS),
        "series": shape.series(data.get("series", []), METRICS, chosen.granularity),
        "raw_series": [{k: str(v) for k, v in row.items()} for row in data.get("series", [])],
        "active": {k: shape.fmt_int(active.get(k)) for k in ("daily", "weekly", "monthly")},
        "ops_note": OPS_NOTE if data.get("queue_failures") else OPS_NOTE_NO_QUEUE,
        "range": shape.range_text(chosen.start, chosen.end),
        "compare": shape.range_text(chosen.prev_start, chosen.prev_end),
        "start": chosen.start.isoformat()[:10],
        "end": shape.last_day(chosen.end).isoformat(),
    }


class AdminAnalyticsState(PeriodPicker, FormState):
    """Platform metrics for admins; every read re-checks the role."""

    tiles: dict[str, dict[str, str]] = {}
    series: list[dict[str, Any]] = []
    active: dict[str, str] = {}
    ops_note: str = OPS_NOTE
    range_label: str = ""
    compare_label: str = ""
    denied: bool = False
    loading: bool = True
    failed: str = ""

    def _read(self) -> dict[str, Any]:
        """Read the platform dashboard as the signed-in admin (runs in a worker thread)."""
        with session_scope() as session:
            user = self._owner(session)
            return read_platform(session, user, period=self.period, start=self.start, end=self.end)

    async def _fetch(self):
        """Read off the event loop; refusals and failures show on the page."""
        self.loading, self.failed, self.errors = True, "", {}
        yield
        try:
            found = await asyncio.to_thread(self._read)
        except AuthenticationFailed:
            yield rx.redirect("/login?next=/admin/analytics")
            return
        except DomainError as exc:
            self.denied = exc.status == 403
            if not self.denied:
                self._fail(exc)
            self.loading = False
            return
        except Exception:
            log.exception("platform analytics failed")
            self.loading, self.failed = False, "We could not load the platform numbers just now."
            return
        self.tiles, self.series = found["tiles"], found["series"]
        self.active, self.range_label, self.compare_label = found["active"], found["range"], found["compare"]
        self.ops_note = found["ops_note"]
        self.start, self.end, self.denied, self.loading = found["start"], found["end"], False, False

    @rx.event
    async def load(self):
        """on_load: read the default period (admins only)."""
        self._period_from_query()
        async for event in self._fetch():
            yield event

    @rx.event
    async def reload(self):
        """Try again after a failure."""
        async for event in self._fetch():
            yield event

    def _export(self) -> str:
        """The period's series as CSV, read again as the signed-in admin (runs in a worker thread)."""
        return platform_csv(self._read()["raw_series"])

    @rx.event
    async def export(self):
        """Download the shown period's series as CSV (admins only; built off the event loop)."""
        try:
            data = await asyncio.to_thread(self._export)
        except AuthenticationFailed:
            return rx.redirect("/login?next=/admin/analytics")
        except DomainError as exc:
            return rx.toast.error(exc.message)
        filename = shape.csv_name("metaic-platform", self.period, clock.now().date())
        return rx.download(data=data, filename=filename, mime_type="text/csv")
