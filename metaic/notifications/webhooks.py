"""Provider status callbacks (SendGrid events, Twilio message status) applied to delivery rows."""

from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from collections.abc import Mapping

from sqlmodel import Session, select

from metaic.auth.models import User
from metaic.core import clock
from metaic.core.kv import get_redis
from metaic.notifications import preferences
from metaic.notifications.models import (
    DELIVERED,
    EMAIL,
    FAILED,
    HELD,
    QUEUED,
    SENDING,
    SENT,
    Notification,
    NotificationDelivery,
)

log = logging.getLogger(__name__)

# A status only moves forward: a late "sent" never hides "delivered" or "failed".
_RANK = {QUEUED: 0, HELD: 0, SENDING: 0, SENT: 1, DELIVERED: 2, FAILED: 2}

SENDGRID_STATUS = {
    "processed": SENT,
    "deferred": SENT,
    "delivered": DELIVERED,
    "open": DELIVERED,
    "click": DELIVERED,
    "bounce": FAILED,
    "dropped": FAILED,
    "blocked": FAILED,
}
TWILIO_STATUS = {
    "accepted": SENT,
    "queued": SENT,
    "sending": SENT,
    "sent": SENT,
    "scheduled": SENT,
    "delivered": DELIVERED,
    "read": DELIVERED,
    "undelivered": FAILED,
    "failed": FAILED,
    "canceled": FAILED,
}


# A signed SendGrid batch is accepted for 5 minutes after its timestamp (and 30 s early, for clock skew);
# within that window each batch is accepted once, so a captured request cannot be replayed.
SENDGRID_MAX_AGE = 300
SENDGRID_MAX_AHEAD = 30
FRESH, STALE, REPLAYED = "fresh", "stale", "replayed"

_seen_lock = threading.Lock()
_seen: dict[str, float] = {}


def _claim(key: str, ttl: int) -> bool:
    """Remember `key` for `ttl` seconds; False when it was already remembered (Redis when set, else memory)."""
    client = get_redis()
    if client is not None:
        return bool(client.set(f"metaic:seen:{key}", "1", nx=True, ex=ttl))
    now = clock.now().timestamp()
    with _seen_lock:
        for old in [k for k, until in _seen.items() if until <= now]:
            del _seen[old]
        if key in _seen:
            return False
        _seen[key] = now + ttl
    return True


def _batch_key(timestamp: str, payload: bytes) -> str:
    """What identifies a signed batch: its signed bytes, not the signature.

    An ECDSA signature is malleable ((r, s) and (r, n - s) both verify), so a replay can carry different
    signature bytes over the very same timestamp and body.
    """
    return "sendgrid:" + hashlib.sha256(timestamp.encode() + b"\0" + payload).hexdigest()


def claim_sendgrid_batch(*, timestamp: str, payload: bytes) -> str:
    """A verified batch: FRESH the first time within its window, REPLAYED after that, STALE out of the window."""
    try:
        signed_at = int(timestamp.strip())
    except ValueError:
        return STALE
    now = clock.now().timestamp()
    if not now - SENDGRID_MAX_AGE <= signed_at <= now + SENDGRID_MAX_AHEAD:
        return STALE
    ttl = SENDGRID_MAX_AGE + SENDGRID_MAX_AHEAD
    return FRESH if _claim(_batch_key(timestamp, payload), ttl) else REPLAYED


def release_sendgrid_batch(*, timestamp: str, payload: bytes) -> None:
    """Forget a claimed batch whose events could not be applied, so SendGrid's retry is not taken for a replay."""
    key = _batch_key(timestamp, payload)
    client = get_redis()
    if client is not None:
        client.delete(f"metaic:seen:{key}")
    with _seen_lock:
        _seen.pop(key, None)


def _advance(session: Session, delivery: NotificationDelivery, status: str, error: str = "") -> bool:
    """Move a delivery to `status` if that is progress; True when it changed."""
    if _RANK.get(status, -1) <= _RANK.get(delivery.status, 3):
        return False
    delivery.status = status
    if error:
        delivery.last_error = error[:500]
    delivery.updated_at = clock.now()
    session.add(delivery)
    return True


def _by_provider_id(session: Session, message_id: str) -> NotificationDelivery | None:
    """The delivery a provider message id belongs to."""
    if not message_id:
        return None
    query = select(NotificationDelivery).where(NotificationDelivery.provider_message_id == message_id[:200])
    return session.exec(query).first()


def _sendgrid_delivery(session: Session, event: Mapping) -> NotificationDelivery | None:
    """Find an event's delivery: our custom arg first, else SendGrid's message id (before its first dot)."""
    raw = event.get("delivery_id")
    if raw:
        try:
            found = session.get(NotificationDelivery, uuid.UUID(str(raw)))
        except ValueError:
            found = None
        if found is not None and found.channel == EMAIL:
            return found
    sg_id = str(event.get("sg_message_id") or "")
    # sg_message_id is SendGrid's X-Message-Id followed by ".filter…" routing details.
    return _by_provider_id(session, sg_id.split(".")[0]) or _by_provider_id(session, sg_id)


def apply_sendgrid_events(*, session: Session, events: list) -> int:
    """Apply a batch of SendGrid Event Webhook events; returns how many deliveries changed."""
    changed = 0
    for event in events:
        if not isinstance(event, Mapping):
            continue
        delivery = _sendgrid_delivery(session, event)
        if delivery is None:
            continue
        name = str(event.get("event") or "")
        if name in ("unsubscribe", "spamreport", "group_unsubscribe"):
            _turn_off_email(session, delivery)
            continue
        status = SENDGRID_STATUS.get(name)
        error = str(event.get("reason") or event.get("response") or "") if status == FAILED else ""
        if status and _advance(session, delivery, status, error):
            changed += 1
    session.flush()
    return changed


def _turn_off_email(session: Session, delivery: NotificationDelivery) -> None:
    """The recipient unsubscribed (or reported spam) at the provider: stop emailing them this kind."""
    note = session.get(Notification, delivery.notification_id)
    user = session.get(User, note.user_id) if note else None
    if note is not None and user is not None:
        preferences.set_channel(session=session, user=user, kind=note.kind, channel=EMAIL, enabled=False)


def apply_twilio_status(*, session: Session, params: Mapping[str, str]) -> bool:
    """Apply one Twilio message status callback; True when a delivery changed."""
    delivery = _by_provider_id(session, str(params.get("MessageSid") or params.get("SmsSid") or ""))
    if delivery is None:
        return False
    status = TWILIO_STATUS.get(str(params.get("MessageStatus") or params.get("SmsStatus") or "").lower())
    error = f"Twilio error {params.get('ErrorCode')}" if params.get("ErrorCode") else ""
    changed = bool(status) and _advance(session, delivery, status, error)
    session.flush()
    return changed
