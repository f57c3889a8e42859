"""/admin/reports: reported cards grouped by card, takedowns and appeals, blocked words (admins only)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from sqlmodel import Session

from metaic.admin import users
from metaic.auth.models import User
from metaic.core import clock
from metaic.moderation import flows, queue, service
from metaic.moderation.models import REASONS, RESTORED
from metaic.ui.state.admin import AdminPage
from metaic.ui.state.admin_users import when

# Dialog action -> (title, what it does, the text box's label, whether the text is required, button).
DIALOGS = {
    "take_down": (
        "Take this card down",
        "The card goes offline at once and its owner is notified with your reason. They can appeal.",
        "Reason the owner will read",
        True,
        "Take down",
    ),
    "restore": (
        "Restore this card",
        "The card is online again at once and its owner is told.",
        "Note",
        False,
        "Restore",
    ),
    "uphold": (
        "Keep the card offline",
        "The appeal is refused and the owner reads your answer. The card stays offline.",
        "Answer to the owner",
        True,
        "Refuse appeal",
    ),
    "grant": (
        "Grant the appeal",
        "The card is online again at once and the owner reads your note.",
        "Note",
        False,
        "Restore card",
    ),
}
DONE = {
    "take_down": "Card taken down. Its owner was notified.",
    "restore": "Card restored: it is online again.",
    "uphold": "Appeal refused. The owner was told; the card stays offline.",
    "grant": "Appeal granted: the card is online again.",
}


def case_view(case: queue.Case, emails: dict) -> dict[str, Any]:
    """One card of the queue as the page shows it."""
    takedown = case.takedown
    offline = takedown is not None and takedown.status != RESTORED
    return {
        "card_id": str(case.card_id),
        "name": case.name or case.slug,
        "slug": case.slug,
        "owner": emails.get(case.owner_id, str(case.owner_id)[:8]),
        "owner_id": str(case.owner_id),
        "count": str(len(case.reports)),
        "open": str(case.open_reports),
        "last": when(clock.as_utc(case.last_at) if case.last_at else None),
        "state": "offline" if offline else "online",
        "takedown_id": str(takedown.id) if takedown else "",
        "takedown_reason": takedown.reason if takedown else "",
        "appeal": takedown.appeal_status if takedown else "",
        "appeal_text": takedown.appeal_text if takedown else "",
        "appeal_note": takedown.appeal_note if takedown else "",
        "reasons": ", ".join(dict.fromkeys(REASONS.get(r.reason, r.reason) for r in case.reports)),
        "reports": [
            {
                "reason": REASONS.get(r.reason, r.reason),
                "details": r.details,
                "contact": r.contact_email,
                "when": when(clock.as_utc(r.created_at)),
                "resolution": r.resolution.replace("_", " "),
            }
            for r in case.reports[:20]
        ],
    }


def read_queue(session: Session, admin: User, view: str) -> dict[str, Any]:
    """The queue, its counts and the blocked terms."""
    found = queue.cases(session=session, actor=admin, view=view)
    emails = users.emails(session=session, actor=admin, ids={c.owner_id for c in found})
    return {
        "cases": [case_view(c, emails) for c in found],
        "counts": queue.counts(session=session, actor=admin),
        "terms": [{"id": str(t.id), "kind": t.kind, "term": t.term} for t in service.terms(session=session)],
    }


class AdminReportsState(AdminPage):
    """The moderation queue, read again after every action."""

    view: str = "open"
    cases: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    terms: list[dict[str, str]] = []
    dialog: str = ""
    dialog_card: str = ""
    dialog_takedown: str = ""
    dialog_name: str = ""
    text: str = ""
    term_kind: str = "word"

    @rx.var
    def dialog_info(self) -> list[str]:
        """Title, description, text label and button of the open dialog."""
        title, what, label, _required, button = DIALOGS.get(self.dialog, ("", "", "", False, ""))
        return [title, what, label, button]

    @rx.var
    def can_confirm(self) -> bool:
        """Whether the dialog's required text is long enough."""
        required = DIALOGS.get(self.dialog, ("", "", "", False, ""))[3]
        return not required or len(self.text.strip()) >= flows.MIN_REASON

    async def _refresh(self):
        """Read the queue again."""
        self.loading, self.failed = True, ""
        view = self.view
        found, refused = await self._run(lambda s, admin: read_queue(s, admin, view), "/admin/reports")
        if found is None:
            self.loading = False
            return refused
        self.cases, self.counts, self.terms = found["cases"], found["counts"], found["terms"]
        self.denied, self.loading = False, False
        return None

    @rx.event
    async def load(self):
        """on_load: open reports and appeals (`?view=resolved` for handled ones)."""
        wanted = self.router.url.query_parameters.get("view", "open")
        self.view, self.dialog = wanted if wanted in queue.VIEWS else "open", ""
        return await self._refresh()

    @rx.event
    async def set_view(self, value: str | list[str]):
        """Show open or resolved cases."""
        value = value if isinstance(value, str) else (value[0] if value else "")
        self.view = value if value in queue.VIEWS else "open"
        return await self._refresh()

    @rx.event
    def ask(self, action: str, card_id: str, takedown_id: str, name: str):
        """Open the confirmation of a takedown, restore or appeal decision."""
        if action in DIALOGS:
            self.dialog, self.dialog_card, self.dialog_takedown, self.dialog_name = action, card_id, takedown_id, name
            self.text = ""

    @rx.event
    def set_text(self, value: str):
        """The reason, note or answer typed in the dialog."""
        self.text = value[: flows.MAX_TEXT]

    @rx.event
    def cancel(self):
        """Close the dialog without acting."""
        self.dialog = ""

    async def _act(self, work, done: str):
        """Run `work(session, admin)`, then read the queue again and say what happened."""
        finished, refused = await self._run(lambda s, a: work(s, a) or True, "/admin/reports")
        if finished is None:
            return refused
        await self._refresh()
        return rx.toast.success(done)

    @rx.event
    async def confirm(self):
        """Run the confirmed action as the signed-in admin."""
        action, card_id, takedown_id, text, ip = (
            self.dialog,
            self.dialog_card,
            self.dialog_takedown,
            self.text,
            self._client_ip(),
        )
        self.dialog = ""
        if action == "take_down":
            work = lambda s, a: flows.take_down(session=s, actor=a, card_id=card_id, reason=text, ip=ip)  # noqa: E731
        elif action == "restore":
            work = lambda s, a: flows.restore(session=s, actor=a, card_id=card_id, note=text, ip=ip)  # noqa: E731
        elif action in ("uphold", "grant"):
            grant = action == "grant"

            def work(s, a):
                """Decide the appeal."""
                flows.decide_appeal(session=s, actor=a, takedown_id=takedown_id, grant=grant, note=text, ip=ip)
        else:
            return None
        return await self._act(work, DONE[action])

    @rx.event
    async def dismiss(self, card_id: str):
        """Close a card's open reports without action."""
        ip = self._client_ip()
        return await self._act(
            lambda s, a: flows.dismiss(session=s, actor=a, card_id=card_id, ip=ip), "Reports dismissed."
        )

    @rx.event
    def set_term_kind(self, value: str):
        """Blocked word or reserved address, for the add form."""
        self.term_kind = value if value in ("word", "slug") else "word"

    @rx.event
    async def add_term(self, form: dict):
        """Block a word or reserve an address."""
        term, kind, ip = str(form.get("term", "")), self.term_kind, self._client_ip()
        label = "Address reserved." if kind == "slug" else "Word blocked."
        return await self._act(lambda s, a: service.add_term(session=s, actor=a, term=term, kind=kind, ip=ip), label)

    @rx.event
    async def remove_term(self, term_id: str):
        """Take a word or address off the list."""
        ip = self._client_ip()
        return await self._act(
            lambda s, a: service.remove_term(session=s, actor=a, term_id=term_id, ip=ip), "Removed from the list."
        )
