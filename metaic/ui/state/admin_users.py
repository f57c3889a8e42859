"""/admin/users: search and filter accounts, select some, and act on them after a confirmation (admins only)."""

from __future__ import annotations

from datetime import datetime

import reflex as rx
from sqlmodel import Session

from metaic.admin import user_actions, users
from metaic.auth.models import User
from metaic.ui.state.admin import AdminPage, fmt_bytes
from metaic.ui.state.analytics_shape import fmt_int

PAGE_SIZE = 25
ALL = "all"
FILTERS = {"role": users.ROLES, "status": users.STATUSES, "mfa": users.YES_NO, "verified": users.YES_NO}
# What each bulk action is called on its button and in its confirmation.
BULK_LABELS = {
    "suspend": "Suspend",
    "reactivate": "Reactivate",
    "sign_out": "Sign out everywhere",
    "resend_verification": "Resend verification",
    "make_admin": "Make admin",
    "make_user": "Remove admin",
    "erase": "Erase",
}
BULK_WARNINGS = {
    "suspend": "They are signed out everywhere, their API tokens stop working and their cards go offline.",
    "reactivate": "They can sign in again and their published cards come back online.",
    "sign_out": "Every browser session and API token of these accounts ends.",
    "resend_verification": "Accounts not verified yet get a new verification link by email.",
    "make_admin": "They get full access to this console.",
    "make_user": "They lose access to this console. At least one admin always stays.",
    "erase": "Their accounts, cards, contacts and files are deleted for good. This cannot be undone.",
}


def when(moment: datetime | None) -> str:
    """A date and time for a table cell ("—" for never)."""
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"


def row_view(row: users.UserRow) -> dict[str, str]:
    """An account row as the table shows it."""
    return {
        "id": str(row.id),
        "email": row.email,
        "name": row.name or row.email.split("@")[0],
        "role": row.role,
        "status": "active" if row.active else "suspended",
        "verified": "yes" if row.verified else "no",
        "mfa": "on" if row.mfa else "off",
        "cards": f"{row.published}/{row.cards}",
        "contacts": fmt_int(row.contacts),
        "storage": fmt_bytes(row.storage_bytes),
        "joined": when(row.created_at)[:10],
        "last_seen": when(row.last_seen),
    }


def _choice(value: str | list[str], allowed: tuple[str, ...]) -> str:
    """A select's value as a filter ("" for all or anything unknown)."""
    value = value if isinstance(value, str) else (value[0] if value else "")
    return value if value in allowed else ""


class AdminUsersState(AdminPage):
    """The accounts list: text search, four filters, paging, selection and confirmed bulk actions."""

    query: str = ""
    role: str = ""
    status: str = ""
    mfa: str = ""
    verified: str = ""
    page: int = 0
    total: int = 0
    rows: list[dict[str, str]] = []
    selected: list[str] = []
    pending: str = ""
    reason: str = ""

    @rx.var
    def page_label(self) -> str:
        """ "1–25 of 130", or nothing when nothing matches."""
        if not self.total:
            return ""
        first = self.page * PAGE_SIZE + 1
        return f"{first}–{min(self.total, first + PAGE_SIZE - 1)} of {self.total}"

    @rx.var
    def has_next(self) -> bool:
        """Whether another page follows."""
        return (self.page + 1) * PAGE_SIZE < self.total

    @rx.var
    def filtered(self) -> bool:
        """Whether any search or filter is on."""
        return bool(self.query or self.role or self.status or self.mfa or self.verified)

    @rx.var
    def all_selected(self) -> bool:
        """Whether every row on the page is selected."""
        return bool(self.rows) and all(r["id"] in self.selected for r in self.rows)

    @rx.var
    def pending_label(self) -> str:
        """The confirmation dialog's action name."""
        return BULK_LABELS.get(self.pending, "")

    @rx.var
    def pending_warning(self) -> str:
        """What the confirmed action will do."""
        return BULK_WARNINGS.get(self.pending, "")

    def _search(self, session: Session, admin: User) -> users.UserPage:
        """The current page of matching accounts."""
        return users.search(
            session=session,
            actor=admin,
            query=self.query,
            role=self.role,
            status=self.status,
            mfa_on=self.mfa,
            verified=self.verified,
            limit=PAGE_SIZE,
            offset=self.page * PAGE_SIZE,
        )

    async def _refresh(self):
        """Read the page; keep only selections still on it."""
        self.loading, self.failed = True, ""
        found, refused = await self._run(self._search, "/admin/users")
        if found is None:
            return refused
        self.rows, self.total = [row_view(r) for r in found.rows], found.total
        ids = {r["id"] for r in self.rows}
        self.selected = [i for i in self.selected if i in ids]
        self.denied, self.loading = False, False
        return None

    @rx.event
    async def load(self):
        """on_load: the first page, with `?q=` as the search text."""
        self.query = self.router.url.query_parameters.get("q", "")[:200]
        self.page, self.selected, self.pending = 0, [], ""
        return await self._refresh()

    @rx.event
    async def search(self, form: dict):
        """Search by email, name or account id."""
        self.query, self.page = str(form.get("q", "")).strip()[:200], 0
        return await self._refresh()

    @rx.event
    async def set_filter(self, name: str, value: str | list[str]):
        """Set one of role / status / mfa / verified ("all" clears it)."""
        if name not in FILTERS:
            return None
        setattr(self, name, _choice(value, FILTERS[name]))
        self.page = 0
        return await self._refresh()

    @rx.event
    async def clear(self):
        """Drop the search text and every filter."""
        self.query, self.role, self.status, self.mfa, self.verified, self.page = "", "", "", "", "", 0
        return await self._refresh()

    @rx.event
    async def turn(self, step: int):
        """Go to the next (1) or previous (-1) page."""
        self.page = max(0, self.page + (1 if step > 0 else -1))
        return await self._refresh()

    @rx.event
    def toggle(self, user_id: str, checked: bool):
        """Select or unselect one account."""
        self.selected = [i for i in self.selected if i != user_id] + ([user_id] if checked else [])

    @rx.event
    def toggle_page(self, checked: bool):
        """Select or unselect every account on the page."""
        self.selected = [r["id"] for r in self.rows] if checked else []

    @rx.event
    def ask(self, action: str):
        """Open the confirmation for a bulk action on the selection."""
        if action in BULK_LABELS and self.selected:
            self.pending, self.reason = action, ""

    @rx.event
    def set_reason(self, value: str):
        """The reason kept with a suspension."""
        self.reason = value[:300]

    @rx.event
    def cancel(self):
        """Close the confirmation without acting."""
        self.pending = ""

    @rx.event
    async def confirm(self):
        """Run the confirmed action on every selected account; say what was done and what was refused."""
        action, ids, reason, ip = self.pending, list(self.selected), self.reason, self._client_ip()
        self.pending = ""

        def work(session: Session, admin: User) -> user_actions.BulkResult:
            """The bulk action as the admin."""
            return user_actions.bulk(session=session, actor=admin, action=action, user_ids=ids, reason=reason, ip=ip)

        result, refused = await self._run(work, "/admin/users")
        if result is None:
            return refused
        self.selected = []
        await self._refresh()
        label = BULK_LABELS[action]
        if result.failed:
            return rx.toast.warning(
                f"{label}: {len(result.done)} done, {len(result.failed)} refused — "
                + next(iter(result.failed.values()))
            )
        return rx.toast.success(f"{label}: done for {len(result.done)} account(s).")
