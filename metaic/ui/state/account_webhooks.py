"""The account page's webhooks: add an endpoint (its secret shown once), its status, delivery log, redeliver."""

from __future__ import annotations

import uuid

import reflex as rx

from metaic.core.times import to_utc
from metaic.ui.state.auth import FormState
from metaic.webhooks import jobs as webhook_jobs
from metaic.webhooks import service
from metaic.webhooks.models import EVENTS, SUCCEEDED

BACK = "/account?tab=security"
DELIVERIES_SHOWN = 20
# Each event with the words the page uses for it.
EVENT_LABELS = {
    "card.published": "Card published",
    "card.viewed": "Card views (batched)",
    "contact.created": "Contact added",
    "lead.captured": "Lead captured",
    "message.received": "Message received",
}
_FIELDS = {"url": "webhook_url", "events": "webhook_events", "description": "webhook_description"}


def _when(value) -> str:
    """A stored time as the page shows it."""
    return to_utc(value).strftime("%Y-%m-%d %H:%M UTC") if value else ""


def endpoint_row(endpoint) -> dict[str, str]:
    """What the list shows of an endpoint."""
    return {
        "id": str(endpoint.id),
        "url": endpoint.url,
        "description": endpoint.description,
        "events": ", ".join(EVENT_LABELS.get(e, e) for e in endpoint.events.split(",") if e),
        "enabled": "yes" if endpoint.enabled else "",
        "reason": endpoint.disabled_reason or ("Turned off" if not endpoint.enabled else ""),
        "failures": str(endpoint.failure_streak) if endpoint.failure_streak else "",
        "last_success": _when(endpoint.last_success_at) or "never",
    }


def delivery_row(delivery) -> dict[str, str]:
    """What the log shows of a delivery."""
    return {
        "id": str(delivery.id),
        "event": delivery.event,
        "status": delivery.status,
        "ok": "yes" if delivery.status == SUCCEEDED else "",
        "code": str(delivery.response_code) if delivery.response_code is not None else "—",
        "attempts": str(delivery.attempts),
        "when": _when(delivery.delivered_at or delivery.created_at),
        "error": delivery.error or delivery.response_excerpt[:120],
    }


class WebhooksState(FormState):
    """The signed-in user's webhook endpoints; rebuilt from the database whenever the section opens or acts."""

    endpoints: list[dict[str, str]] = []
    new_secret: str = ""
    open_id: str = ""  # the endpoint whose delivery log is open
    deliveries: list[dict[str, str]] = []
    confirm_delete_id: str = ""
    ready: bool = False

    def _refresh(self, session, user) -> None:
        """Copy the endpoints (and the open delivery log) into the page."""
        found = service.list_(session=session, owner=user)
        self.endpoints = [endpoint_row(e) for e in found]
        if self.open_id and self.open_id not in {row["id"] for row in self.endpoints}:
            self.open_id = ""
        self.deliveries = (
            [
                delivery_row(d)
                for d in service.deliveries(
                    session=session, owner=user, endpoint_id=uuid.UUID(self.open_id), limit=DELIVERIES_SHOWN
                )
            ]
            if self.open_id
            else []
        )
        self.ready = True

    async def _act(self, action, success: str = ""):
        """`action(session, user)` off the event loop, then the list again; refusals by field."""
        event = await self._transact_off_loop(action, back=BACK, success=success, refresh=self._refresh)
        self.errors = {_FIELDS.get(key, key): message for key, message in self.errors.items()}
        return event

    def _error_event(self, exc):
        """Refusals show next to their field (and a toast for actions without one)."""
        return None if exc.errors else rx.toast.error(exc.message)

    @rx.event
    async def load(self):
        """Fill the section (on mount)."""
        self.new_secret, self.confirm_delete_id = "", ""
        return await self._act(lambda session, user: None)

    @rx.event
    async def create(self, form: dict):
        """Add an endpoint from the form; its signing secret is shown this once."""
        events = [event for event in EVENTS if form.get(f"event_{event}")]
        made: list[str] = []

        def action(session, user):
            """Create it and keep the secret for the page."""
            url, note = str(form.get("webhook_url", "")), str(form.get("webhook_description", ""))
            made.append(service.create(session=session, owner=user, url=url, events=events, description=note).secret)

        result = await self._act(action, "Endpoint added.")
        self.new_secret = made[0] if made and not self.errors else ""
        return result

    @rx.event
    def hide_secret(self):
        """Forget the secret shown after adding an endpoint."""
        self.new_secret = ""

    @rx.event
    async def toggle_log(self, endpoint_id: str):
        """Open (or close) an endpoint's delivery log."""
        self.open_id = "" if self.open_id == endpoint_id else endpoint_id
        return await self._act(lambda session, user: None)

    @rx.event
    async def refresh(self):
        """Read the list and the open log again."""
        return await self._act(lambda session, user: None)

    @rx.event
    async def redeliver(self, delivery_id: str):
        """Send a past delivery again (same event id)."""
        ident = uuid.UUID(delivery_id)
        return await self._act(
            lambda s, u: service.redeliver(session=s, owner=u, delivery_id=ident, send=webhook_jobs.send_later),
            "Queued for redelivery.",
        )

    @rx.event
    async def ping(self, endpoint_id: str):
        """Send a test event to an endpoint and open its log."""
        self.open_id = endpoint_id

        def action(session, user):
            """Queue a ping for the owner's endpoint."""
            endpoint = service.get(session=session, owner=user, endpoint_id=uuid.UUID(endpoint_id))
            service.ping(session=session, endpoint=endpoint, send=webhook_jobs.send_later)

        return await self._act(action, "Test event queued.")

    @rx.event
    async def set_enabled(self, endpoint_id: str, enabled: bool):
        """Turn an endpoint back on (clearing its failure streak) or off."""
        ident = uuid.UUID(endpoint_id)
        return await self._act(
            lambda s, u: service.update(session=s, owner=u, endpoint_id=ident, enabled=enabled),
            "Endpoint turned on." if enabled else "Endpoint turned off.",
        )

    @rx.event
    def ask_delete(self, endpoint_id: str):
        """Ask to confirm removing an endpoint ('' cancels)."""
        self.confirm_delete_id = endpoint_id

    @rx.event
    async def delete(self, endpoint_id: str):
        """Remove an endpoint and its delivery log."""
        self.confirm_delete_id = ""
        ident = uuid.UUID(endpoint_id)
        return await self._act(lambda s, u: service.delete(session=s, owner=u, endpoint_id=ident), "Endpoint deleted.")
