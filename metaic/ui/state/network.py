"""/network: who to meet (contacts and directory cards, with reasons), introductions to make, the weekly digest.

Every handler reads or writes in a worker thread (`_transact_off_loop`): ranking a thousand contacts or
saving a card never runs on the event loop. Drafts go to the contact page's compose (network_draft.py).
"""

from __future__ import annotations

import uuid

import reflex as rx

from metaic.ai import digest, insights, introductions, network, networking
from metaic.contacts import enrichment
from metaic.core.errors import DomainError, ValidationError
from metaic.ui.state.auth import FormState
from metaic.ui.state.network_draft import ComposeHandoffState

STATUS_LABELS = {
    "asking_first": "Waiting for {first}",
    "asking_second": "{first} said yes · waiting for {second}",
    "introduced": "Introduced",
}
SECTION_TITLES = {"follow_up": "To follow up", "quiet": "Gone quiet", "returning": "Came back to your card"}


def _initials(name: str) -> str:
    """Two letters for an avatar."""
    parts = [p for p in name.split() if p[:1].isalnum()]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


def suggestion_row(s) -> dict[str, str]:
    """A NetworkSuggestion as the page shows it."""
    key = str(s.contact_id or s.card_id)
    return {
        "key": f"{s.kind}:{key}",
        "kind": s.kind,
        "name": s.name or "Someone",
        "initials": _initials(s.name or "?"),
        "headline": s.headline,
        "reason": s.reason,
        "contact_id": str(s.contact_id or ""),
        "card_id": str(s.card_id or ""),
        "slug": s.slug,
    }


def intro_row(i) -> dict[str, str]:
    """An IntroductionRead as the page shows it."""
    label = STATUS_LABELS.get(i.status, "").format(first=i.first_name, second=i.second_name)
    return {
        "id": str(i.id or ""),
        "first_id": str(i.first_id),
        "second_id": str(i.second_id),
        "first_name": i.first_name or "Contact",
        "second_name": i.second_name or "Contact",
        "status": i.status,
        "status_label": label,
        "reason": i.reason,
    }


class NetworkState(FormState):
    """The Network page's lists and actions."""

    loading: bool = True
    load_error: str = ""
    needs_ask: bool = False
    wants: str = ""
    show: str = "all"
    contact_matches: list[dict[str, str]] = []
    directory_matches: list[dict[str, str]] = []
    intro_suggestions: list[dict[str, str]] = []
    intros_open: list[dict[str, str]] = []
    digest_items: list[dict[str, str]] = []
    digest_email: bool = False

    def _read(self, session, user) -> None:
        """Everything the page shows, in one transaction."""
        self.load_error, self.needs_ask = "", False
        try:
            self.wants = networking.owner_wants(session, user, None)
            found = network.suggest(session=session, owner=user, limit=12)
        except ValidationError as exc:
            found, self.wants = [], ""
            self.needs_ask = exc.field == "looking_for"
            self.load_error = "" if self.needs_ask else exc.message
        rows = [suggestion_row(s) for s in found]
        self.contact_matches = [r for r in rows if r["kind"] == "contact"]
        self.directory_matches = [r for r in rows if r["kind"] == "directory"]
        self.intro_suggestions = [intro_row(i) for i in introductions.suggest(session=session, owner=user)]
        self.intros_open = [intro_row(i) for i in introductions.list_open(session=session, owner=user)]
        week = insights.compose(session=session, owner=user)
        self.digest_items = [
            {**item.model_dump(mode="json"), "title": SECTION_TITLES[item.section]}
            for item in (*week.follow_up, *week.quiet, *week.returning)
        ]
        self.digest_email = digest.email_on(session=session, user=user)

    @rx.event
    async def load(self):
        """on_load: show the skeleton, then the lists (signed-out visitors go to sign in)."""
        self.loading, self.load_error = True, ""
        yield
        result = await self._transact_off_loop(self._read, back="/network")
        self.loading = False
        if self.errors.get("form"):
            self.load_error = self.errors["form"]
        yield result

    @rx.event
    def set_show(self, value: str | list[str]):
        """Show everyone, only contacts, or only directory cards."""
        value = value if isinstance(value, str) else "".join(value[:1])
        self.show = value if value in ("all", "contacts", "directory") else "all"

    async def _to_compose(self, make_draft, success: str = ""):
        """Run `make_draft(session, user)` off the loop and open its draft in the contact's compose."""
        drafts = []

        def action(session, user):
            drafts.append(make_draft(session, user))

        result = await self._transact_off_loop(action, back="/network", success=success)
        if not drafts:
            return result
        handoff = await self.get_state(ComposeHandoffState)
        return rx.redirect(handoff.hand_over(drafts[0]))

    @rx.event
    async def message_contact(self, contact_id: str):
        """Write to a suggested contact: compose opens with a drafted first message."""
        cid = uuid.UUID(contact_id)
        return await self._to_compose(lambda s, u: network.reach_out_draft(session=s, owner=u, contact_id=cid))

    @rx.event
    async def save_card(self, slug: str):
        """Save a directory card to the contacts (its public details only), then refresh the lists."""

        def action(session, user):
            enrichment.save_from_card(session=session, saver=user, slug=slug)
            self._read(session, user)

        return await self._transact_off_loop(action, back="/network", success="Card saved to your contacts.")

    @rx.event
    async def message_card(self, slug: str):
        """Write to a directory member: save their card as a contact, then open compose with a draft."""

        def make(session, user):
            saved = enrichment.save_from_card(session=session, saver=user, slug=slug)
            return network.reach_out_draft(session=session, owner=user, contact_id=saved.id)

        return await self._to_compose(make)

    @rx.event
    async def start_intro(self, first_id: str, second_id: str):
        """Begin an introduction: compose opens with the question to the first contact."""
        first, second = uuid.UUID(first_id), uuid.UUID(second_id)
        return await self._to_compose(
            lambda s, u: introductions.start(session=s, owner=u, first_id=first, second_id=second).compose
        )

    @rx.event
    async def dismiss_intro(self, first_id: str, second_id: str):
        """Set a suggested pair aside."""
        first, second = uuid.UUID(first_id), uuid.UUID(second_id)

        def action(session, user):
            introductions.dismiss(session=session, owner=user, first_id=first, second_id=second)
            self._read(session, user)

        return await self._transact_off_loop(action, back="/network", success="Suggestion dismissed.")

    @rx.event
    async def answer_intro(self, intro_id: str, agreed: bool):
        """The asked contact answered: a yes opens the next draft, a no closes the introduction."""
        iid = uuid.UUID(intro_id)
        if agreed:
            return await self._to_compose(
                lambda s, u: introductions.answer(session=s, owner=u, intro_id=iid, agreed=True).compose
            )

        def action(session, user):
            introductions.answer(session=session, owner=user, intro_id=iid, agreed=False)
            self._read(session, user)

        return await self._transact_off_loop(action, back="/network", success="Introduction closed.")

    @rx.event
    async def write_intro(self, intro_id: str, step: str):
        """Open one step's message again in compose."""
        iid = uuid.UUID(intro_id)
        return await self._to_compose(
            lambda s, u: introductions.draft(session=s, owner=u, intro_id=iid, step=step).compose
        )

    @rx.event
    async def set_digest_email(self, enabled: bool):
        """Switch the weekly digest email on or off."""

        def action(session, user):
            digest.set_email(session=session, user=user, enabled=enabled)
            self.digest_email = digest.email_on(session=session, user=user)

        word = "on" if enabled else "off"
        return await self._transact_off_loop(action, back="/network", success=f"Weekly digest email {word}.")

    def _error_event(self, exc: DomainError):
        """Refusals show as a toast."""
        return rx.toast.error(exc.message)
