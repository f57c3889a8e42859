"""Sending webhook deliveries (signed, retried with backoff, auto-disabling dead endpoints) and making them.

Every attempt is a job: a failed attempt schedules the next one (BACKOFF), and the upkeep task
`deliver_due` finds attempts whose timer was lost with a restart. The HTTP call holds no database
transaction: the delivery is read, the session closed, the POST made, then the outcome written.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from datetime import timedelta

import requests
from sqlmodel import Session, func, select

from metaic.adapters.push import UnsafeEndpoint, checked_session
from metaic.analytics.models import AnalyticsEvent
from metaic.cards.models import Card
from metaic.config import get_settings
from metaic.contacts.models import SavedContact
from metaic.core import clock, links, metrics
from metaic.db import session_scope
from metaic.jobs import enqueue, enqueue_in
from metaic.messaging.models import ConversationMember, DirectMessage
from metaic.webhooks import service, signing
from metaic.webhooks.models import FAILED, PENDING, SUCCEEDED, WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)

BACKOFF = (30, 120, 600, 3600, 6 * 3600)  # seconds before attempts 2..6
MAX_ATTEMPTS = len(BACKOFF) + 1
DISABLE_AFTER = 5  # deliveries in a row that finally failed turn the endpoint off
TIMEOUT_SECONDS = 10
VIEW_LAG = timedelta(minutes=1)  # visitor events reach the database within seconds: count up to a minute ago


def send_later(delivery_id: uuid.UUID, delay: float = 0) -> None:
    """Queue an attempt of a delivery (now, or after `delay` seconds)."""
    title = f"webhook delivery {delivery_id}"
    if delay > 0:
        enqueue_in(timedelta(seconds=delay), attempt, str(delivery_id), title=title, retries=0)
    else:
        enqueue(attempt, str(delivery_id), title=title, retries=0)


def attempt(delivery_id: str) -> str:
    """POST one delivery; record the answer; schedule a retry or give up. Returns the delivery's status."""
    with session_scope() as session:
        delivery = session.get(WebhookDelivery, uuid.UUID(delivery_id))
        if delivery is None or delivery.status != PENDING:
            return delivery.status if delivery else "gone"
        endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
        if endpoint is None or not endpoint.enabled:
            delivery.status, delivery.error = FAILED, "the endpoint is turned off"
            session.add(delivery)
            session.commit()
            return FAILED
        url, secret, payload, event = endpoint.url, endpoint.secret, delivery.payload, delivery.event
    code, excerpt, error = _post(url, secret, payload.encode(), event, delivery_id)
    return _record(uuid.UUID(delivery_id), code, excerpt, error)


def _post(url: str, secret: str, body: bytes, event: str, delivery_id: str) -> tuple[int | None, str, str]:
    """Send the signed body; (status code or None, start of the answer, error text)."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "MetaIC-Webhooks/1.0",
        signing.HEADER: signing.sign(secret, body),
        "MetaIC-Event": event,
        "MetaIC-Delivery": delivery_id,
    }
    http = checked_session(allow_private=not get_settings().is_production)
    try:
        answer = http.post(url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False)
        return answer.status_code, answer.text[:300], ""
    except UnsafeEndpoint:
        return None, "", "the host resolves to a private address"
    except requests.RequestException as exc:
        return None, "", type(exc).__name__
    finally:
        http.close()


def _record(delivery_id: uuid.UUID, code: int | None, excerpt: str, error: str) -> str:
    """Write an attempt's outcome; a 2xx succeeds, anything else retries until MAX_ATTEMPTS."""
    with session_scope() as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        endpoint = session.get(WebhookEndpoint, delivery.endpoint_id) if delivery else None
        if delivery is None or endpoint is None:
            return "gone"
        delivery.attempts += 1
        delivery.response_code, delivery.response_excerpt, delivery.error = code, excerpt, error
        now = clock.now()
        if code is not None and 200 <= code < 300:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = SUCCEEDED, now, None
            endpoint.failure_streak, endpoint.last_success_at = 0, now
        elif delivery.attempts < MAX_ATTEMPTS:
            delay = BACKOFF[delivery.attempts - 1]
            delivery.next_attempt_at = now + timedelta(seconds=delay)
        else:
            delivery.status, delivery.next_attempt_at = FAILED, None
            endpoint.failure_streak += 1
            if endpoint.failure_streak >= DISABLE_AFTER and endpoint.enabled:
                endpoint.enabled = False
                endpoint.disabled_reason = f"Turned off after {endpoint.failure_streak} failed deliveries in a row."
                log.warning("webhook endpoint %s turned off after repeated failures", endpoint.id)
        status, retry_at = delivery.status, delivery.next_attempt_at
        session.add_all([delivery, endpoint])
        session.commit()
    metrics.MESSAGES_SENT.labels("webhook").inc()
    if status == PENDING and retry_at is not None:
        send_later(delivery_id, (retry_at - now).total_seconds())
    return status


def deliver_due() -> int:
    """Upkeep: queue pending deliveries whose next attempt is due (a restart lost their timers)."""
    with session_scope() as session:
        due = session.exec(
            select(WebhookDelivery.id).where(
                WebhookDelivery.status == PENDING,
                WebhookDelivery.next_attempt_at <= clock.now() - timedelta(seconds=30),
            )
        ).all()
    for delivery_id in due:
        send_later(delivery_id)
    return len(due)


# --- making deliveries from domain events (wiring.py subscribes these) --------------------------------


def _publish(owner_id: uuid.UUID, event: str, data: dict, session: Session) -> None:
    """Queue `event` for the owner's endpoints and commit."""
    service.queue_event(session=session, owner_id=owner_id, event=event, data=data, send=send_later)
    session.commit()


def on_card_published(card_id: uuid.UUID) -> None:
    """card.published: the card's address and name."""
    with session_scope() as session:
        card = session.get(Card, card_id)
        if card is not None:
            data = {"card_id": str(card.id), "slug": card.slug, "name": card.name}
            _publish(
                card.owner_id, "card.published", data | {"url": links.absolute(links.public_card(card.slug))}, session
            )


def on_contact_saved(contact_id: uuid.UUID, event: str = "contact.created") -> None:
    """contact.created (added by hand or by saving a card) or lead.captured (a visitor shared back)."""
    with session_scope() as session:
        contact = session.get(SavedContact, contact_id)
        if contact is not None:
            data = {
                "contact_id": str(contact.id),
                "name": contact.full_name,
                "company": contact.company,
                "emails": [e.get("value", "") for e in contact.emails],
                "phones": [p.get("value", "") for p in contact.phones],
                "source": contact.source,
                "url": links.absolute(links.contact(contact.id)),
            }
            _publish(contact.owner_id, event, data, session)


def on_lead_captured(contact_id: uuid.UUID) -> None:
    """lead.captured: a visitor of a public card shared their details."""
    on_contact_saved(contact_id, event="lead.captured")


def on_message_sent(message_id: uuid.UUID) -> None:
    """message.received, for every member of the conversation but the sender."""
    with session_scope() as session:
        message = session.get(DirectMessage, message_id)
        if message is None:
            return
        members = session.exec(
            select(ConversationMember.user_id).where(ConversationMember.conversation_id == message.conversation_id)
        ).all()
        data = {"message_id": str(message.id), "conversation_id": str(message.conversation_id)}
        for user_id in members:
            if user_id != message.sender_id:
                service.queue_event(
                    session=session, owner_id=user_id, event="message.received", data=data, send=send_later
                )
        session.commit()


def queue_event_job(handler, **ids) -> None:
    """An event subscription: make the deliveries in a job, never in the request that emitted the event."""
    (value,) = ids.values()
    enqueue(handler, value, title=f"webhooks for {handler.__name__.removeprefix('on_')} {value}")


def batch_card_views() -> int:
    """Upkeep: one card.viewed delivery per subscribed endpoint with the views of its owner's cards since the last."""
    until = clock.now() - VIEW_LAG
    sent = 0
    with session_scope() as session:
        for endpoint in session.exec(select(WebhookEndpoint).where(WebhookEndpoint.enabled)):
            if not endpoint.wants("card.viewed"):
                continue
            since = endpoint.views_counted_until or until
            counts = _views(session, endpoint.owner_id, since, until)
            endpoint.views_counted_until = until
            session.add(endpoint)
            if counts:
                data = {"from": since.isoformat(), "to": until.isoformat(), "cards": counts}
                payload_owner = endpoint.owner_id
                service.queue_event(
                    session=session, owner_id=payload_owner, event="card.viewed", data=data, send=send_later
                )
                sent += 1
        session.commit()
    return sent


def _views(session: Session, owner_id: uuid.UUID, since, until) -> list[dict]:
    """Views and QR scans per card of one owner between two moments."""
    rows = session.exec(
        select(Card.id, Card.slug, AnalyticsEvent.kind, func.count())
        .join(AnalyticsEvent, AnalyticsEvent.card_id == Card.id)
        .where(
            Card.owner_id == owner_id,
            AnalyticsEvent.kind.in_(("view", "qr_scan")),
            AnalyticsEvent.created_at > since,
            AnalyticsEvent.created_at <= until,
        )
        .group_by(Card.id, Card.slug, AnalyticsEvent.kind)
    ).all()
    per_card: dict = defaultdict(lambda: {"views": 0, "qr_scans": 0})
    for card_id, slug, kind, count in rows:
        entry = per_card[(card_id, slug)]
        entry["views"] += int(count)
        if kind == "qr_scan":
            entry["qr_scans"] += int(count)
    return [{"card_id": str(cid), "slug": slug, **counts} for (cid, slug), counts in per_card.items()]
