"""Background entry points: deliver one notification on one channel; queue every delivery that is due."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from metaic.core import clock, metrics
from metaic.db import session_scope
from metaic.jobs import enqueue
from metaic.notifications import delivery as delivery_flow
from metaic.notifications.models import NotificationDelivery

log = logging.getLogger(__name__)


def deliver(delivery_id: uuid.UUID | str) -> str:
    """Send one delivery if it is due and not sent yet (safe to run twice); returns its status afterwards."""
    delivery_id = uuid.UUID(str(delivery_id))
    with session_scope() as session:
        plan = delivery_flow.prepare(session=session, delivery_id=delivery_id)
        if plan is None:
            found = session.get(NotificationDelivery, delivery_id)
            return found.status if found else ""
    # The provider call happens outside any transaction: no lock is held while the network is slow.
    outcome = delivery_flow.send(plan)
    with session_scope() as session:
        status = delivery_flow.record(session=session, plan=plan, outcome=outcome)
    metrics.NOTIFICATIONS.labels(plan.channel, status).inc()
    return status


def deliver_due(now: datetime | None = None) -> int:
    """Queue a job for every delivery whose time has come (send later, end of quiet hours, retries).

    Call it every minute (the scheduler); it is cheap when nothing is due and safe to call from
    several processes at once. Returns how many deliveries it queued.
    """
    with session_scope() as session:
        ids = delivery_flow.claim_due(session=session, now=now or clock.now())
    for delivery_id in ids:
        enqueue(deliver, delivery_id, title=f"due notification delivery {delivery_id}", queue_name="high", retries=0)
    if ids:
        log.info("queued %d due notification deliveries", len(ids))
    return len(ids)
