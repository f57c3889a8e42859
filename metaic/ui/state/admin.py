"""/admin: the platform's last 30 days, account figures, deliveries and system health (admins only).

`AdminPage` is the base of the console's states: every read and action runs in a worker thread as the
signed-in admin (the services check the role again), and a refusal shows the page's "admins only" notice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import reflex as rx
from sqlmodel import Session

from metaic.admin import overview
from metaic.auth.models import User
from metaic.core.errors import AuthenticationFailed, DomainError
from metaic.db import session_scope
from metaic.ui.state.admin_analytics import read_platform
from metaic.ui.state.analytics_shape import fmt_int
from metaic.ui.state.session import SessionState

log = logging.getLogger(__name__)

HEALTH_ORDER = {overview.FAIL: 0, overview.WARN: 1, overview.OK: 2}


def fmt_bytes(size: int) -> str:
    """A byte count as people read it (0 B, 12.3 KB, 4.5 MB, 1.2 GB)."""
    value = float(size or 0)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"


class AdminPage(SessionState):
    """Shared by the admin pages: the refusal flag, loading and failure states, and running as the admin."""

    denied: bool = False
    loading: bool = True
    failed: str = ""

    def _as_admin(self, work: Callable[[Session, User], Any]) -> Any:
        """Run `work(session, admin)` in one transaction (a worker thread calls this)."""
        with session_scope() as session:
            user = self._load_user(session)
            if user is None:
                raise AuthenticationFailed("Your session has ended. Sign in again.")
            return work(session, user)

    async def _run(self, work: Callable[[Session, User], Any], back: str) -> tuple[Any, Any]:
        """`_as_admin` off the event loop: (result, None), or (None, the event telling the browser why not)."""
        try:
            return await asyncio.to_thread(self._as_admin, work), None
        except AuthenticationFailed:
            return None, rx.redirect(f"/login?next={back}")
        except DomainError as exc:
            # A refused action of an admin (the last admin, say) is a toast; a non-admin gets the notice.
            self.denied, self.loading = exc.status == 403 and not self.is_admin, False
            return None, rx.toast.error(exc.message)
        except Exception:
            log.exception("admin page failed")
            self.loading, self.failed = False, "Something went wrong loading this page."
            return None, None


def read_overview(session: Session, admin: User) -> dict[str, Any]:
    """Everything on /admin, shaped for the page (PermissionDenied for non-admins)."""
    platform = read_platform(session, admin, period="30d", start="", end="")
    found = overview.figures(session=session, actor=admin)
    checks = sorted(overview.health(session=session, actor=admin), key=lambda h: HEALTH_ORDER[h.status])
    return {
        "tiles": platform["tiles"],
        "series": platform["series"],
        "active": platform["active"],
        "range": platform["range"],
        "figures": {
            "accounts": fmt_int(found["accounts"]),
            "suspended": fmt_int(found["suspended"]),
            "admins": fmt_int(found["admins"]),
            "storage": fmt_bytes(found["storage_bytes"]),
        },
        "deliveries": [
            {"channel": channel, "status": status, "count": fmt_int(n)} for channel, status, n in found["deliveries"]
        ],
        "health": [{"name": h.name, "status": h.status, "value": h.value, "fix": h.fix} for h in checks],
    }


class AdminOverviewState(AdminPage):
    """The /admin page."""

    tiles: dict[str, dict[str, str]] = {}
    series: list[dict[str, Any]] = []
    active: dict[str, str] = {}
    range_label: str = ""
    figures: dict[str, str] = {}
    deliveries: list[dict[str, str]] = []
    health: list[dict[str, str]] = []

    @rx.var
    def problems(self) -> int:
        """How many health lines are not ok."""
        return sum(1 for h in self.health if h["status"] != overview.OK)

    @rx.event
    async def load(self):
        """on_load and refresh: read everything as the signed-in admin."""
        self.loading, self.failed = True, ""
        found, refused = await self._run(read_overview, "/admin")
        if found is None:
            return refused
        self.tiles, self.series, self.active = found["tiles"], found["series"], found["active"]
        self.range_label, self.figures = found["range"], found["figures"]
        self.deliveries, self.health = found["deliveries"], found["health"]
        self.denied, self.loading = False, False
        return None
