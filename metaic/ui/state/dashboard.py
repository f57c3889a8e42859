"""/dashboard: a few numbers that say what needs attention, each linking to where it is handled."""

from __future__ import annotations

import reflex as rx

from metaic.analytics import reports
from metaic.cards import service as card_service
from metaic.contacts import service as contact_service
from metaic.messaging import service as messaging
from metaic.ui.state.analytics_shape import fmt_int
from metaic.ui.state.auth import FormState

SPARK_DAYS = 30


class DashboardState(FormState):
    """Counts for the dashboard tiles."""

    published_cards: int = 0
    card_views: int = 0
    contacts: int = 0
    follow_ups_due: int = 0
    unread_messages: int = 0
    views_30d: str = "0"
    saves_30d: str = "0"
    leads_30d: str = "0"
    spark: list[dict[str, int]] = []

    def _summary(self, session, user) -> None:
        """Read the counts (a handful of cheap queries)."""
        cards = card_service.list_(session=session, owner=user)
        self.published_cards = sum(1 for c in cards if c.status != "draft")
        self.card_views = sum(c.view_count for c in cards)
        self.contacts = contact_service.list_(session=session, owner=user, limit=1).total
        self.follow_ups_due = contact_service.list_(
            session=session, owner=user, limit=1, filters={"reminder_due": True}
        ).total
        self.unread_messages = messaging.unread_total(session=session, user=user)
        recent = reports.sparkline(session=session, owner=user, days=SPARK_DAYS)
        self.views_30d, self.saves_30d = fmt_int(recent["total_views"]), fmt_int(recent["saves"])
        self.leads_30d = fmt_int(recent["leads"])
        self.spark = [{"d": day, "v": int(count)} for day, count in enumerate(recent["views"])]

    @rx.event
    async def load(self):
        """on_load: anonymous visitors go to sign in; everyone else sees their numbers."""
        return await self._transact_off_loop(self._summary, back="/dashboard")
