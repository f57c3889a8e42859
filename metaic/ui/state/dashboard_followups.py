"""The dashboard's note of follow-up plans waiting for a decision, with the newest few contacts."""

from __future__ import annotations

import reflex as rx

from metaic.ai import followups
from metaic.ui.state.auth import FormState

SHOWN = 3


class FollowUpPlansState(FormState):
    """How many plans wait, and links to the newest ones; read when the dashboard shows it."""

    plans_waiting: int = 0
    plan_links: list[dict[str, str]] = []

    def _read(self, session, user) -> None:
        """One count and the newest few plans."""
        self.plans_waiting = followups.proposed_count(session=session, owner=user)
        newest = followups.list_plans(session=session, owner=user, limit=SHOWN) if self.plans_waiting else []
        self.plan_links = [
            {"name": p.contact_name or "A contact", "href": f"/contacts/view?id={p.contact_id}"} for p in newest
        ]

    @rx.event
    async def load(self):
        """When the dashboard shows: the count and the newest plans."""
        return await self._transact_off_loop(self._read, back="/dashboard")
