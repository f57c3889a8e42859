"""A user's webhook endpoints: add (checked against SSRF), change, remove, list deliveries, redeliver.

An endpoint must be an https URL of a public host in production; outside production a local http
address is allowed so tests and development can receive. Deliveries are sent by jobs.py.
"""

from __future__ import annotations

import ipaddress
import json
import secrets
import uuid
from urllib.parse import urlsplit

from sqlmodel import Session, func, select

from metaic.adapters.push import UnsafeEndpoint, resolve
from metaic.auth.models import User
from metaic.config import get_settings
from metaic.core import clock
from metaic.core.errors import NotFound, ValidationError
from metaic.db import after_commit
from metaic.webhooks.models import EVENTS, PENDING, WebhookDelivery, WebhookEndpoint

MAX_ENDPOINTS = 10
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def check_url(url: str) -> str:
    """The URL if we may POST to it; ValidationError (field `url`) otherwise."""
    url = (url or "").strip()
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    production = get_settings().is_production
    local_ok = not production and host in LOCAL_HOSTS
    if len(url) > 500 or not host or parts.username or parts.password:
        raise ValidationError(
            "Give the full https:// address of your endpoint (no user or password in it).", field="url"
        )
    if parts.scheme != "https" and not (local_ok and parts.scheme == "http"):
        raise ValidationError("Webhook endpoints must use https://.", field="url")
    if local_ok:
        return url
    if _is_ip_or_local(host):
        raise ValidationError("Use a public host name, not an IP address or a local name.", field="url")
    if production:
        try:
            resolve(host, parts.port or 443)  # every address it resolves to must be public (checked again on send)
        except UnsafeEndpoint:
            raise ValidationError("This host does not resolve to a public address.", field="url") from None
    return url


def _is_ip_or_local(host: str) -> bool:
    """True for IP literals and local names, which the server must never be told to call."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host == "localhost" or host.endswith((".localhost", ".local", ".internal"))
    return True


def _checked_events(events: list[str]) -> str:
    """The subscribed events as stored; ValidationError for none or an unknown one."""
    chosen = sorted(set(events or []))
    unknown = [e for e in chosen if e not in EVENTS]
    if unknown or not chosen:
        raise ValidationError(f"Choose events among: {', '.join(EVENTS)}.", field="events")
    return ",".join(chosen)


def create(*, session: Session, owner: User, url: str, events: list[str], description: str = "") -> WebhookEndpoint:
    """Add an endpoint with a fresh signing secret (the caller shows it once; it can be rotated)."""
    count = session.exec(select(func.count()).where(WebhookEndpoint.owner_id == owner.id)).one()
    if count >= MAX_ENDPOINTS:
        raise ValidationError(f"You can have up to {MAX_ENDPOINTS} webhook endpoints.", field="url")
    endpoint = WebhookEndpoint(
        owner_id=owner.id,
        url=check_url(url),
        events=_checked_events(events),
        description=(description or "").strip()[:120],
        secret=new_secret(),
        views_counted_until=clock.now(),
    )
    session.add(endpoint)
    session.flush()
    return endpoint


def new_secret() -> str:
    """A signing secret (`whsec_` and 32 random bytes, url-safe)."""
    return "whsec_" + secrets.token_urlsafe(32)


def get(*, session: Session, owner: User, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    """One of the owner's endpoints; NotFound for anyone else's (same answer as a missing one)."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.owner_id != owner.id:
        raise NotFound("No such webhook endpoint.")
    return endpoint


def list_(*, session: Session, owner: User) -> list[WebhookEndpoint]:
    """The owner's endpoints, oldest first."""
    query = select(WebhookEndpoint).where(WebhookEndpoint.owner_id == owner.id).order_by(WebhookEndpoint.created_at)
    return list(session.exec(query))


def update(
    *,
    session: Session,
    owner: User,
    endpoint_id: uuid.UUID,
    url: str | None = None,
    events: list[str] | None = None,
    enabled: bool | None = None,
    description: str | None = None,
) -> WebhookEndpoint:
    """Change an endpoint; turning it back on clears the failure streak and the reason it was off."""
    endpoint = get(session=session, owner=owner, endpoint_id=endpoint_id)
    if url is not None:
        endpoint.url = check_url(url)
    if events is not None:
        endpoint.events = _checked_events(events)
    if description is not None:
        endpoint.description = description.strip()[:120]
    if enabled is not None:
        endpoint.enabled = enabled
        if enabled:
            endpoint.failure_streak, endpoint.disabled_reason = 0, ""
    session.add(endpoint)
    return endpoint


def rotate_secret(*, session: Session, owner: User, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    """A new signing secret; the old one stops working at once."""
    endpoint = get(session=session, owner=owner, endpoint_id=endpoint_id)
    endpoint.secret = new_secret()
    session.add(endpoint)
    return endpoint


def delete(*, session: Session, owner: User, endpoint_id: uuid.UUID) -> None:
    """Remove an endpoint and its delivery log."""
    session.delete(get(session=session, owner=owner, endpoint_id=endpoint_id))


def deliveries(*, session: Session, owner: User, endpoint_id: uuid.UUID, limit: int = 50) -> list[WebhookDelivery]:
    """An endpoint's delivery log, newest first."""
    get(session=session, owner=owner, endpoint_id=endpoint_id)
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint_id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
        .limit(min(max(1, limit), 200))
    )
    return list(session.exec(query))


def queue_event(*, session: Session, owner_id: uuid.UUID, event: str, data: dict, send) -> list[WebhookDelivery]:
    """Queue `event` for each of the owner's endpoints that wants it; `send(delivery_id)` runs after commit."""
    body = {"id": f"evt_{uuid.uuid4().hex}", "type": event, "created": clock.now().isoformat(), "data": data}
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str)
    queued = []
    for endpoint in session.exec(select(WebhookEndpoint).where(WebhookEndpoint.owner_id == owner_id)):
        if endpoint.wants(event):
            queued.append(_queue(session, endpoint.id, event, payload, send))
    return queued


def ping(*, session: Session, endpoint: WebhookEndpoint, send) -> WebhookDelivery:
    """A `ping` delivery to one endpoint, whatever it subscribed to (to test the receiver)."""
    body = {"id": f"evt_{uuid.uuid4().hex}", "type": "ping", "created": clock.now().isoformat(), "data": {}}
    return _queue(session, endpoint.id, "ping", json.dumps(body, separators=(",", ":")), send)


def redeliver(*, session: Session, owner: User, delivery_id: uuid.UUID, send) -> WebhookDelivery:
    """Send a past delivery's exact payload again, as a new delivery (its event id is unchanged)."""
    old = session.get(WebhookDelivery, delivery_id)
    if old is None:
        raise NotFound("No such delivery.")
    endpoint = get(session=session, owner=owner, endpoint_id=old.endpoint_id)
    return _queue(session, endpoint.id, old.event, old.payload, send)


def _queue(session: Session, endpoint_id: uuid.UUID, event: str, payload: str, send) -> WebhookDelivery:
    """A pending delivery, sent once the transaction commits."""
    delivery = WebhookDelivery(
        endpoint_id=endpoint_id, event=event, payload=payload, status=PENDING, next_attempt_at=clock.now()
    )
    session.add(delivery)
    session.flush()
    after_commit(session, lambda: send(delivery.id))
    return delivery
