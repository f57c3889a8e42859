"""The card list: create, duplicate, delete, bulk publish/unpublish/delete."""

from __future__ import annotations

import asyncio
import uuid

import reflex as rx

from metaic.cards import flows as card_flows
from metaic.cards import service as card_service
from metaic.config import get_settings
from metaic.ui.state.auth import FormState


class CardsState(FormState):
    """Rows of the signed-in user's cards and the current selection."""

    cards: list[dict[str, str]] = []
    selected: list[str] = []
    creating: bool = False
    delete_target: str = ""

    def _reload(self, session, user) -> None:
        """Refresh the rows from the database."""
        base = get_settings().public_base_url
        self.cards = [
            {
                "id": str(c.id),
                "name": c.name or "Untitled card",
                "slug": c.slug,
                "status": c.status,
                "visibility": c.visibility,
                "views": str(c.view_count),
                "updated": c.updated_at.strftime("%d %b %Y") if c.updated_at else "",
                "url": f"{base}/c/{c.slug}",
            }
            for c in card_service.list_(session=session, owner=user)
        ]
        ids = {c["id"] for c in self.cards}
        self.selected = [i for i in self.selected if i in ids]

    def _run(self, action, success: str = ""):
        """Run `action(session, user)` in one transaction, then reload the list."""
        return self._transact(action, back="/cards", success=success, refresh=self._reload)

    async def _act(self, action, success: str = ""):
        """`_run` in a worker thread: publishing 200 cards must not stall every other tab on the event loop."""
        return await asyncio.to_thread(self._run, action, success)

    @rx.event
    async def load(self):
        """on_load: list the cards."""
        self.selected, self.creating, self.delete_target = [], False, ""
        return await self._act(lambda s, u: None)

    @rx.event
    def toggle(self, card_id: str, checked: bool):
        """Select or unselect one card."""
        self.selected = [i for i in self.selected if i != card_id] + ([card_id] if checked else [])

    @rx.event
    def toggle_all(self, checked: bool):
        """Select or unselect every card."""
        self.selected = [c["id"] for c in self.cards] if checked else []

    @rx.event
    def set_creating(self, value: bool):
        """Open or close the new-card dialog."""
        self.creating, self.errors = value, {}

    @rx.event
    async def create(self, form: dict):
        """Create a card and open it in the builder."""

        def action(s, u):
            card = card_service.create(session=s, owner=u, name=str(form.get("name", "")))
            self.creating = False
            return rx.redirect(f"/cards/edit?id={card.id}")

        return await self._act(action)

    @rx.event
    async def duplicate(self, card_id: str):
        """Copy a card as a new draft."""

        def action(s, u):
            card_service.duplicate(session=s, owner=u, card_id=uuid.UUID(card_id))

        return await self._act(action, "Card duplicated as a new draft.")

    @rx.event
    def ask_delete(self, card_id: str):
        """Open the delete confirmation for one card ('' closes it)."""
        self.delete_target = card_id

    @rx.event
    async def confirm_delete(self):
        """Delete the card being confirmed."""
        target, self.delete_target = self.delete_target, ""
        return await self._act(
            lambda s, u: card_service.delete(session=s, owner=u, card_id=uuid.UUID(target)), "Card deleted."
        )

    @rx.event
    async def bulk(self, action: str):
        """Publish, unpublish or delete every selected card, all or nothing (publishing goes through the cards flow)."""
        ids = [uuid.UUID(i) for i in self.selected]
        words = {"publish": "published", "unpublish": "unpublished", "delete": "deleted"}

        def run(s, u):
            count = card_flows.bulk(session=s, owner=u, card_ids=ids, action=action)
            self.selected = []
            return rx.toast.success(f"{count} card{'s' if count != 1 else ''} {words[action]}.")

        return await self._act(run)
