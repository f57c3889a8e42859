"""Delivering one notification on one channel: claim it, send it outside any transaction, record the outcome."""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from metaic.adapters.email import OutgoingEmail, get_email_sender
from metaic.adapters.errors import ProviderError, RecipientGone
from metaic.adapters.push import FcmSender, PushMessage, WebPushSender, WebPushTarget
from metaic.adapters.sms import get_sms_sender
from metaic.adapters.whatsapp import get_whatsapp_sender
from metaic.auth.models import User
from metaic.config import get_settings
from metaic.core import clock, links
from metaic.notifications import emails, preferences, subscriptions
from metaic.notifications.models import (
    CANCELED,
    EMAIL,
    FAILED,
    FCM,
    HELD,
    PUSH,
    QUEUED,
    SENDING,
    SENT,
    SMS,
    WHATSAPP,
    Notification,
    NotificationDelivery,
    PushSubscription,
)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))
# A claim older than this is taken to belong to a worker that died mid-send.
STALE_CLAIM = timedelta(minutes=10)
# A queued delivery whose job was queued this long ago and never ran is queued again.
REQUEUE_AFTER = timedelta(minutes=5)


@dataclass
class Plan:
    """Everything needed to send one delivery, read inside the claiming transaction."""

    delivery_id: uuid.UUID
    channel: str
    email: OutgoingEmail | None = None
    phone: str = ""
    text: str = ""
    push: PushMessage | None = None
    push_targets: list[tuple[uuid.UUID, str, str, str, str]] = field(default_factory=list)


@dataclass
class Outcome:
    """What happened when sending: a provider message id, or an error; push subscriptions found dead."""

    provider: str = ""
    message_id: str = ""
    error: str = ""
    permanent: bool = False
    gone: list[uuid.UUID] = field(default_factory=list)


def reachable(user: User, channel: str, push_count: int) -> str:
    """Why a channel cannot reach the user ("" when it can)."""
    if not user.is_active:
        return "the account is not active"
    if channel == EMAIL and user.email_verified_at is None:
        return "the email address is not verified"
    if channel in (SMS, WHATSAPP) and not (user.phone and user.phone_verified_at):
        return "no verified phone number"
    if channel == PUSH and push_count == 0:
        return "no device subscribed to push"
    return ""


def _set(session: Session, delivery: NotificationDelivery, **values) -> None:
    """Change a delivery and stamp updated_at."""
    for key, value in values.items():
        setattr(delivery, key, value)
    delivery.updated_at = clock.now()
    session.add(delivery)
    session.flush()


def prepare(*, session: Session, delivery_id: uuid.UUID, now: datetime | None = None) -> Plan | None:
    """Claim a due delivery and build its plan; None when there is nothing to send now (idempotent)."""
    now = now or clock.now()
    delivery = session.get(NotificationDelivery, delivery_id)
    if delivery is None or delivery.status not in (QUEUED, HELD, SENDING):
        return None
    if delivery.status == SENDING and clock.as_utc(delivery.updated_at) > now - STALE_CLAIM:
        return None  # another worker is sending it right now
    if delivery.deliver_after and clock.as_utc(delivery.deliver_after) > now:
        return None
    # Every channel sends the title and body; `data` (encrypted) stays unread, one decrypt per delivery.
    note = session.get(Notification, delivery.notification_id, options=[defer(Notification.data)])
    user = session.get(User, note.user_id) if note else None
    if note is None or user is None:
        return None
    if not preferences.is_enabled(session=session, user=user, kind=note.kind, channel=delivery.channel):
        _set(session, delivery, status=CANCELED, last_error="switched off before delivery")
        return None
    until = preferences.quiet_until(session=session, user=user, at=now)
    if until is not None:
        _set(session, delivery, status=HELD, deliver_after=until, enqueued_at=None)
        return None
    subs = subscriptions.list_for_user(session=session, user=user) if delivery.channel == PUSH else []
    problem = reachable(user, delivery.channel, len(subs))
    if problem:
        _set(session, delivery, status=FAILED, last_error=problem)
        return None
    # Optimistic claim: only one worker moves the row from what we read to "sending".
    claimed = session.exec(
        update(NotificationDelivery)
        .where(
            NotificationDelivery.id == delivery.id,
            NotificationDelivery.status == delivery.status,
            NotificationDelivery.attempts == delivery.attempts,
        )
        .values(status=SENDING, attempts=delivery.attempts + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return None
    return _plan(delivery, note, user, subs)


def _plan(delivery: NotificationDelivery, note: Notification, user: User, subs: list[PushSubscription]) -> Plan:
    """Render what to send on the delivery's channel."""
    plan = Plan(delivery_id=delivery.id, channel=delivery.channel)
    if delivery.channel == EMAIL:
        plan.email = emails.render(note, user, delivery_id=str(delivery.id))
    elif delivery.channel in (SMS, WHATSAPP):
        plan.phone, plan.text = user.phone or "", emails.short_text(note)
    elif delivery.channel == PUSH:
        plan.push = PushMessage(
            title=note.title, body=note.body[:300], url=note.url or links.notifications(), tag=str(note.id)
        )
        plan.push_targets = [(s.id, s.kind, s.endpoint, s.p256dh, s.auth) for s in subs]
    return plan


def send(plan: Plan) -> Outcome:
    """Hand the message to the channel's provider (no database work here)."""
    settings = get_settings()
    try:
        if plan.channel == EMAIL:
            return Outcome(provider=settings.email_backend, message_id=get_email_sender().send(plan.email))
        if plan.channel == SMS:
            return Outcome(provider=settings.sms_backend, message_id=get_sms_sender().send(plan.phone, plan.text))
        if plan.channel == WHATSAPP:
            sender = get_whatsapp_sender()
            return Outcome(provider=settings.whatsapp_backend, message_id=sender.send(plan.phone, plan.text))
        if plan.channel == PUSH:
            return _send_push(plan)
        return Outcome(error=f"unknown channel {plan.channel}", permanent=True)
    except ProviderError as exc:
        return Outcome(error=str(exc), permanent=exc.permanent)
    except smtplib.SMTPRecipientsRefused as exc:
        return Outcome(error=f"recipient refused: {exc}", permanent=True)
    except Exception as exc:  # network trouble, a provider down: worth another try later
        log.warning("delivery %s on %s failed: %s", plan.delivery_id, plan.channel, exc)
        return Outcome(error=f"{type(exc).__name__}: {exc}")


def _send_push(plan: Plan) -> Outcome:
    """Send to every device of the user; success when any device took it."""
    settings = get_settings()
    outcome = Outcome(provider="push")
    errors: list[ProviderError] = []
    ids: list[str] = []
    for sub_id, kind, endpoint, p256dh, auth in plan.push_targets:
        try:
            if kind == FCM:
                ids.append(FcmSender(settings).send(endpoint, plan.push))
            else:
                ids.append(WebPushSender(settings).send(WebPushTarget(endpoint, p256dh, auth), plan.push))
        except RecipientGone as exc:
            outcome.gone.append(sub_id)
            errors.append(exc)
        except ProviderError as exc:
            errors.append(exc)
    if ids:
        outcome.message_id = next((i for i in ids if i), "")[:200]
        return outcome
    outcome.error = "; ".join(str(e) for e in errors)[:500] or "no device took the message"
    outcome.permanent = all(e.permanent for e in errors)
    return outcome


def record(*, session: Session, plan: Plan, outcome: Outcome, now: datetime | None = None) -> str:
    """Store the outcome of a send; a transient failure is retried later with back-off. Returns the new status."""
    now = now or clock.now()
    delivery = session.get(NotificationDelivery, plan.delivery_id)
    for sub_id in outcome.gone:
        sub = session.get(PushSubscription, sub_id)
        if sub is not None:
            subscriptions.forget(session=session, subscription=sub)
    if delivery is None:
        return ""
    if not outcome.error:
        _set(
            session,
            delivery,
            status=SENT,
            provider=outcome.provider[:24],
            last_error="",
            sent_at=now,
            provider_message_id=outcome.message_id or None,
        )
        for sub_id, *_ in plan.push_targets:
            sub = session.get(PushSubscription, sub_id)
            if sub is not None and sub_id not in outcome.gone:
                subscriptions.touch(session=session, subscription=sub)
        return SENT
    if outcome.permanent or delivery.attempts >= MAX_ATTEMPTS:
        _set(session, delivery, status=FAILED, last_error=outcome.error[:500])
        return FAILED
    wait = BACKOFF[min(delivery.attempts, len(BACKOFF)) - 1]
    _set(session, delivery, status=QUEUED, last_error=outcome.error[:500], deliver_after=now + wait, enqueued_at=None)
    return QUEUED


def claim_due(*, session: Session, now: datetime | None = None, limit: int = 500) -> list[uuid.UUID]:
    """Deliveries whose time has come and that no job is queued for; marks them queued-for-a-job."""
    now = now or clock.now()
    due = (NotificationDelivery.deliver_after.is_(None)) | (NotificationDelivery.deliver_after <= now)
    queued_at = NotificationDelivery.enqueued_at
    not_queued = or_(queued_at.is_(None), queued_at <= now - REQUEUE_AFTER)
    waiting = NotificationDelivery.status.in_((QUEUED, HELD)) & due
    stale = (NotificationDelivery.status == SENDING) & (NotificationDelivery.updated_at <= now - STALE_CLAIM)
    candidates = session.exec(
        select(NotificationDelivery.id)
        .where((waiting | stale) & not_queued)
        .order_by(NotificationDelivery.deliver_after)
        .limit(limit)
    ).all()
    claimed = []
    for delivery_id in candidates:
        # Conditional update: when two schedulers race, only one of them queues the job.
        result = session.exec(
            update(NotificationDelivery)
            .where(NotificationDelivery.id == delivery_id, not_queued)
            .values(enqueued_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(delivery_id)
    return claimed
