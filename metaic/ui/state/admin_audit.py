"""/admin/audit: search the audit trail by account, target or request id, action and period; export CSV."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import reflex as rx
from sqlmodel import Session

from metaic.admin import audit_log, users
from metaic.audit import service as audit
from metaic.audit.models import AuditEvent
from metaic.auth.models import User
from metaic.core import clock
from metaic.ui.state.admin import AdminPage
from metaic.ui.state.admin_users import when

PAGE_SIZE = 30
PERIODS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30), "90d": timedelta(days=90)}
ALL = "all"
ACTION_CHOICES = [{"key": ALL, "label": "All actions"}] + [
    {"key": key, "label": label} for key, (_category, label) in sorted(audit.ACTIONS.items(), key=lambda kv: kv[1][1])
]


def changes(before: str, after: str) -> str:
    """Before/after as "role: user → admin; active: true → false" (only what changed)."""
    try:
        old, new = json.loads(before) if before else {}, json.loads(after) if after else {}
    except ValueError:
        return ""
    keys = [k for k in dict.fromkeys([*old, *new]) if old.get(k) != new.get(k)]
    return "; ".join(f"{k}: {json.dumps(old.get(k))} → {json.dumps(new.get(k))}" for k in keys)


def entry_view(event: AuditEvent, names: dict) -> dict[str, str]:
    """One audit entry as a row."""
    return {
        "id": str(event.id),
        "when": when(clock.as_utc(event.created_at)),
        "category": event.category,
        "action": audit.label(event.action),
        "code": event.action,
        "actor": names.get(event.actor_id, str(event.actor_id or "")[:8] or "—"),
        "subject": names.get(event.subject_id, str(event.subject_id or "")[:8]),
        # The account the entry is about is named already; other targets (a card, a token) show their id.
        "target": "" if event.target_id == str(event.subject_id) else f"{event.target_type} {event.target_id}".strip(),
        "detail": event.detail,
        "changes": changes(event.before, event.after),
        "address": event.address_hash,
        "request": event.request_id,
    }


class AdminAuditState(AdminPage):
    """The audit log: one page of entries at a time, newest first."""

    query: str = ""
    action: str = ALL
    period: str = "30d"
    page: int = 0
    rows: list[dict[str, str]] = []
    has_next: bool = False
    actions: list[dict[str, str]] = ACTION_CHOICES

    def _since(self) -> datetime | None:
        """The start of the chosen period (None for all time)."""
        span = PERIODS.get(self.period)
        return clock.now() - span if span else None

    def _read(self, session: Session, admin: User) -> tuple[list[dict[str, str]], bool]:
        """A page of entries (one more than shown, to know whether another page follows)."""
        found = audit_log.search(
            session=session,
            actor=admin,
            query=self.query,
            action="" if self.action == ALL else self.action,
            since=self._since(),
            limit=PAGE_SIZE + 1,
            offset=self.page * PAGE_SIZE,
        )
        ids = {e.actor_id for e in found} | {e.subject_id for e in found}
        names = users.emails(session=session, actor=admin, ids=ids)
        return [entry_view(e, names) for e in found[:PAGE_SIZE]], len(found) > PAGE_SIZE

    async def _refresh(self):
        """Read the page."""
        self.loading, self.failed = True, ""
        found, refused = await self._run(self._read, "/admin/audit")
        if found is None:
            self.loading = False
            return refused
        (self.rows, self.has_next), self.denied, self.loading = found, False, False
        return None

    @rx.event
    async def load(self):
        """on_load: the last 30 days, or `?q=` (an account, target or request id) over all time."""
        self.query = self.router.url.query_parameters.get("q", "")[:200]
        self.page, self.action, self.period = 0, ALL, ALL if self.query else "30d"
        return await self._refresh()

    @rx.event
    async def search(self, form: dict):
        """Search by account id, target id, request id or words of the detail."""
        self.query, self.page = str(form.get("q", "")).strip()[:200], 0
        return await self._refresh()

    @rx.event
    async def set_action(self, value: str):
        """Show one action only ("all" for every action)."""
        self.action, self.page = value if value in audit.ACTIONS else ALL, 0
        return await self._refresh()

    @rx.event
    async def set_period(self, value: str):
        """Show the last day, week, month, quarter or all time."""
        self.period, self.page = value if value in PERIODS else ALL, 0
        return await self._refresh()

    @rx.event
    async def turn(self, step: int):
        """Next (1) or previous (-1) page."""
        self.page = max(0, self.page + (1 if step > 0 else -1))
        return await self._refresh()

    @rx.event
    async def export(self):
        """Download every matching entry as CSV (the export is itself audited)."""
        query, action, since = self.query, "" if self.action == ALL else self.action, self._since()
        data, refused = await self._run(
            lambda s, admin: audit_log.export_csv(session=s, actor=admin, query=query, action=action, since=since),
            "/admin/audit",
        )
        if data is None:
            return refused
        name = f"metaic-audit-{clock.now().date().isoformat()}.csv"
        return rx.download(data=data, filename=name, mime_type="text/csv")
