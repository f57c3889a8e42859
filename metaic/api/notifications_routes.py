"""Notification routes: the in-app list, preferences, push subscriptions, provider webhooks and unsubscribe."""

from __future__ import annotations

import html
import json
import uuid
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from metaic.adapters import sendgrid as sendgrid_adapter
from metaic.adapters.push import vapid_keys
from metaic.api import hooks
from metaic.api.deps import current_user, db_session
from metaic.api.errors import problem
from metaic.api.idempotency import IDEMPOTENT
from metaic.api.paging import offset_query
from metaic.auth.models import User
from metaic.config import get_settings
from metaic.core.errors import DomainError
from metaic.notifications import kinds, preferences, service, subscriptions, webhooks
from metaic.notifications.models import FCM, WEBPUSH, NotificationRead, PreferencesRead, PreferencesUpdate

router = APIRouter(tags=["notifications"])
MAX_WEBHOOK_BYTES = 1_000_000


class NotificationPage(BaseModel):
    """A page of notifications and the unread count."""

    items: list[NotificationRead]
    unread: int


class UnreadCount(BaseModel):
    """How many notifications are unread."""

    unread: int


class Updated(BaseModel):
    """How many rows changed."""

    updated: int


class SubscriptionKeys(BaseModel):
    """The encryption keys of a browser push subscription."""

    p256dh: str = Field(default="", max_length=200)
    auth: str = Field(default="", max_length=100)


class SubscriptionBody(BaseModel):
    """A browser's PushSubscription.toJSON(), or `{"type": "fcm", "token": ...}` from a mobile app."""

    type: Literal["webpush", "fcm"] = "webpush"
    endpoint: str = Field(default="", max_length=2000)
    token: str = Field(default="", max_length=2000)
    keys: SubscriptionKeys = SubscriptionKeys()


class SubscriptionRead(BaseModel):
    """A stored subscription."""

    id: uuid.UUID
    type: str


@router.get("/api/v1/notifications")
def list_notifications(
    limit: int = Query(20, ge=1, le=100),
    offset: int = offset_query(),
    unread_only: bool = False,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> NotificationPage:
    """The signed-in user's notifications, newest first."""
    items = service.list_(session=session, user=user, limit=limit, offset=offset, unread_only=unread_only)
    return NotificationPage(
        items=[NotificationRead.of(n) for n in items], unread=service.unread_count(session=session, user=user)
    )


@router.get("/api/v1/notifications/unread-count")
def unread_count(
    user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> UnreadCount:
    """How many notifications the signed-in user has not read."""
    return UnreadCount(unread=service.unread_count(session=session, user=user))


@router.post("/api/v1/notifications/read-all")
def read_all(user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")) -> Updated:
    """Mark every notification read."""
    return Updated(updated=service.mark_all_read(session=session, user=user))


@router.get("/api/v1/notifications/preferences")
def get_preferences(
    user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> PreferencesRead:
    """The kind × channel switches and quiet hours."""
    return preferences.read(session=session, user=user)


@router.put("/api/v1/notifications/preferences")
def put_preferences(
    body: PreferencesUpdate,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> PreferencesRead:
    """Change switches (only those given) and quiet hours ("HH:MM" each, or both null for none)."""
    return preferences.update(
        session=session, user=user, channels=body.channels, quiet_start=body.quiet_start, quiet_end=body.quiet_end
    )


@router.get("/api/v1/notifications/{notification_id}")
def get_notification(
    notification_id: uuid.UUID,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> NotificationRead:
    """One notification with the status of each channel's delivery."""
    return service.read_view(session=session, user=user, notification_id=notification_id)


@router.post("/api/v1/notifications/{notification_id}/read")
def read_one(
    notification_id: uuid.UUID,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> NotificationRead:
    """Mark one notification read."""
    return NotificationRead.of(service.mark_read(session=session, user=user, notification_id=notification_id))


@router.get("/api/v1/push/vapid-public-key")
def vapid_public_key() -> dict:
    """The application server key browsers subscribe with (empty when Web Push is off)."""
    keys = vapid_keys(get_settings())
    return {"key": keys[0] if keys else ""}


@router.post("/api/v1/push/subscriptions", status_code=201, dependencies=[IDEMPOTENT])
def add_subscription(
    body: SubscriptionBody,
    request: Request,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> SubscriptionRead:
    """Register this browser (Web Push) or app install (FCM token) for push messages."""
    kind = FCM if body.type == "fcm" else WEBPUSH
    row = subscriptions.subscribe(
        session=session,
        user=user,
        kind=kind,
        endpoint=body.token if kind == FCM else body.endpoint,
        p256dh=body.keys.p256dh,
        auth=body.keys.auth,
        user_agent=request.headers.get("user-agent", ""),
    )
    return SubscriptionRead(id=row.id, type=row.kind)


@router.post(
    "/api/v1/push/subscriptions/delete",
    status_code=204,
    responses={404: {"description": "No such subscription for this account."}},
)
def delete_subscription(
    body: SubscriptionBody, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> Response:
    """Stop push messages to this browser or app install."""
    kind = FCM if body.type == "fcm" else WEBPUSH
    subscriptions.unsubscribe(
        session=session, user=user, kind=kind, endpoint=body.token if kind == FCM else body.endpoint
    )
    return Response(status_code=204)


@router.post("/hooks/sendgrid", include_in_schema=False)
async def sendgrid_hook(request: Request, session: Session = Depends(db_session, scope="function")) -> Response:
    """SendGrid Event Webhook: verify the ECDSA signature over timestamp + raw body, then apply the events."""
    payload = await request.body()
    key = get_settings().sendgrid_webhook_public_key
    signature = request.headers.get(sendgrid_adapter.SIGNATURE_HEADER, "")
    timestamp = request.headers.get(sendgrid_adapter.TIMESTAMP_HEADER, "")
    # The ECDSA check hashes up to a megabyte: off the event loop, like the database work below.
    if len(payload) > MAX_WEBHOOK_BYTES or not await run_in_threadpool(
        sendgrid_adapter.verify_event_signature, key, payload, signature, timestamp
    ):
        return hooks.forbidden("The event signature is missing or wrong.")
    try:
        events = json.loads(payload)
    except ValueError:
        return problem(400, "Bad request", "The body is not JSON.", code="bad_request")
    return await hooks.apply_sendgrid_once(
        timestamp,
        payload,
        lambda: webhooks.apply_sendgrid_events(session=session, events=events if isinstance(events, list) else []),
    )


@router.post("/hooks/twilio", include_in_schema=False)
async def twilio_hook(request: Request, session: Session = Depends(db_session, scope="function")) -> Response:
    """Twilio status callback: verify X-Twilio-Signature against the URL Twilio was given, then apply it."""
    form = await request.form()
    params = {key: str(value) for key, value in form.items()}
    if not hooks.twilio_signed(request, params):
        return hooks.forbidden("The request signature is missing or wrong.")
    await run_in_threadpool(lambda: webhooks.apply_twilio_status(session=session, params=params))
    return Response(status_code=204)


def _unsubscribe_page(title: str, message: str, status: int = 200) -> HTMLResponse:
    """A tiny self-contained page for the unsubscribe link."""
    base = html.escape(get_settings().public_base_url)
    body = (
        f"<!doctype html><html><head><meta charset='utf-8'><meta name='viewport' content='width=device-width'>"
        f"<title>{html.escape(title)} · MetaIC</title></head><body style='font-family:system-ui,sans-serif;"
        f"max-width:520px;margin:64px auto;padding:0 16px;color:#1f2937'><h1 style='font-size:22px'>"
        f"{html.escape(title)}</h1><p>{html.escape(message)}</p><p><a href='{base}/notifications'>"
        f"Notification settings</a></p></body></html>"
    )
    return HTMLResponse(body, status_code=status)


def _unsubscribe(session: Session, token: str) -> HTMLResponse:
    """Switch off what the token names and say so."""
    try:
        user, kind, channel = preferences.unsubscribe(session=session, token=token)
    except DomainError as exc:
        return _unsubscribe_page("Link not valid", exc.message, status=400)
    language = kinds.language_for(user.language)
    label = kinds.KINDS[kind].label(language) if kind in kinds.KINDS else kind
    channel_name = kinds.channel_label(channel, language)
    return _unsubscribe_page(
        "You are unsubscribed",
        f"You will no longer receive “{label}” by {channel_name.lower()}. "
        "You still see them in the app, and can switch them back on in your settings.",
    )


@router.get("/notifications/unsubscribe", include_in_schema=False)
def unsubscribe_link(
    token: str = Query("", max_length=1000), session: Session = Depends(db_session, scope="function")
) -> HTMLResponse:
    """The link in every notification email: switches that kind's emails off."""
    return _unsubscribe(session, token)


@router.post("/notifications/unsubscribe", include_in_schema=False)
def unsubscribe_one_click(
    token: str = Query("", max_length=1000), session: Session = Depends(db_session, scope="function")
) -> HTMLResponse:
    """RFC 8058 one-click unsubscribe (mail clients POST `List-Unsubscribe=One-Click` here)."""
    return _unsubscribe(session, token)
