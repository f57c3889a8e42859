"""`notify()`: the one way to tell a user something, in-app always and on the channels they chose."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlmodel import Session

from metaic.auth.models import User
from metaic.core import clock
from metaic.core.errors import ValidationError
from metaic.db import after_commit
from metaic.jobs import enqueue
from metaic.notifications import jobs as notification_jobs
from metaic.notifications import kinds, preferences, subscriptions
from metaic.notifications.delivery import reachable
from metaic.notifications.models import CHANNELS, HELD, PUSH, QUEUED, Notification, NotificationDelivery

log = logging.getLogger(__name__)

MAX_DATA_BYTES = 8192


def _clean_data(data: dict | None) -> dict:
    """A JSON-safe copy of the caller's data (dates and ids become strings), size-limited."""
    try:
        text = json.dumps(data or {}, default=str, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise ValidationError("Notification data must be a JSON object.", field="data") from exc
    if len(text.encode()) > MAX_DATA_BYTES:
        raise ValidationError("Notification data is too large.", field="data")
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValidationError("Notification data must be a JSON object.", field="data")
    return value


def _safe_url(raw: object) -> str:
    """Keep only a site path ("/contacts") or an http(s) URL, so a link can never run script."""
    url = str(raw or "").strip()
    if len(url) > 500 or any(ord(ch) < 32 for ch in url):
        return ""
    if url.startswith("/") and not url.startswith("//"):
        return url
    return url if url.lower().startswith(("https://", "http://")) else ""


def notify(
    *, session: Session, user: User, kind: str, data: dict | None = None, send_at: datetime | None = None
) -> Notification:
    """Create an in-app notification and queue its deliveries on every channel the user wants for `kind`.

    `data` fills the kind's wording (see kinds.MESSAGES) and may carry `url`, a site path the
    notification links to (built with metaic.core.links; the kind's own page when missing). `send_at`
    delays it ("send later"). Deliveries are queued when the caller's transaction commits, so a job
    never looks for a row that is not there yet.
    """
    found = kinds.require(kind)
    data = _clean_data(data)
    now = clock.now().astimezone(UTC)
    when = clock.schedule(send_at, now, what="notification")
    title, body = kinds.render(kind, user.language, data)
    note = Notification(
        user_id=user.id,
        kind=kind,
        title=title,
        body=body,
        url=_safe_url(data.get("url")) or found.link,
        data=data,
        created_at=now,
        send_at=when,
    )
    session.add(note)
    session.flush()
    wanted = preferences.matrix(session=session, user=user)[kind]
    push_count = len(subscriptions.list_for_user(session=session, user=user)) if wanted[PUSH] else 0
    quiet_end = preferences.quiet_until(session=session, user=user, at=now) if when <= now else None
    immediate = []
    for channel in CHANNELS:
        if not wanted[channel] or reachable(user, channel, push_count):
            continue
        delivery = NotificationDelivery(
            notification_id=note.id, channel=channel, status=QUEUED, deliver_after=when, created_at=now, updated_at=now
        )
        if quiet_end is not None:
            delivery.status, delivery.deliver_after = HELD, quiet_end
        elif when <= now:
            delivery.enqueued_at = now
            immediate.append(delivery)
        session.add(delivery)
    session.flush()
    for delivery in immediate:
        after_commit(session, _enqueue_delivery(delivery))
    return note


def _enqueue_delivery(delivery: NotificationDelivery) -> Callable[[], None]:
    """A callback that queues the job for one delivery."""
    delivery_id, channel = delivery.id, delivery.channel

    def run() -> None:
        """Queue it (the job retries on its own, through the database, so RQ does not retry)."""
        enqueue(
            notification_jobs.deliver,
            delivery_id,
            title=f"{channel} notification delivery {delivery_id}",
            queue_name="high",
            retries=0,
        )

    return run
