"""Push subscriptions: browsers (Web Push endpoint + keys) and mobile apps (FCM registration tokens)."""

from __future__ import annotations

import base64
import binascii
import ipaddress
from urllib.parse import urlsplit

from sqlmodel import Session, select

from metaic.adapters.push import UnsafeEndpoint, resolve
from metaic.auth.models import User
from metaic.config import get_settings
from metaic.core import clock
from metaic.core.errors import NotFound, ValidationError
from metaic.core.security import hash_token
from metaic.notifications.models import FCM, WEBPUSH, PushSubscription

MAX_PER_USER = 20


def _b64url_bytes(value: str, *, field: str) -> bytes:
    """Decode an unpadded base64url key or raise ValidationError."""
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValidationError("Not a base64url value.", field=field) from exc


def _is_ip_or_local(host: str) -> bool:
    """True for IP literals and localhost: the server would POST there, so they are refused (SSRF)."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host == "localhost" or host.endswith(".localhost")
    return True


def _check_webpush(endpoint: str, p256dh: str, auth: str) -> None:
    """A Web Push subscription must name an https push service and carry a P-256 key and a 16-byte secret."""
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    # Outside production a local push endpoint is allowed, so tests can stand in for the push service.
    local_ok = not get_settings().is_production and host in ("127.0.0.1", "localhost")
    if not host or (parts.scheme != "https" and not local_ok) or (_is_ip_or_local(host) and not local_ok):
        raise ValidationError("The push endpoint must be an https URL of a push service.", field="endpoint")
    if get_settings().is_production:
        # A public-looking name can point at 10.0.0.5 or 169.254.169.254: check what it resolves to.
        # The sender checks again and dials only the checked address, so a later DNS change cannot slip past.
        try:
            resolve(host, parts.port or 443)
        except (UnsafeEndpoint, ValueError):
            raise ValidationError(
                "The push endpoint must be an https URL of a push service.", field="endpoint"
            ) from None
    key = _b64url_bytes(p256dh, field="p256dh")
    if len(key) != 65 or key[0] != 4:
        raise ValidationError("p256dh must be an uncompressed P-256 public key.", field="p256dh")
    if len(_b64url_bytes(auth, field="auth")) != 16:
        raise ValidationError("auth must be a 16-byte secret.", field="auth")


def subscribe(
    *,
    session: Session,
    user: User,
    kind: str = WEBPUSH,
    endpoint: str,
    p256dh: str = "",
    auth: str = "",
    user_agent: str = "",
) -> PushSubscription:
    """Add (or move to this user) a browser subscription or an FCM device token."""
    endpoint = (endpoint or "").strip()
    if kind not in (WEBPUSH, FCM):
        raise ValidationError("Unknown subscription type.", field="type")
    if not endpoint or len(endpoint) > 2000:
        raise ValidationError("Give the endpoint (or the FCM token).", field="endpoint")
    if kind == WEBPUSH:
        _check_webpush(endpoint, p256dh, auth)
    digest = hash_token(f"{kind}:{endpoint}")
    row = session.exec(select(PushSubscription).where(PushSubscription.endpoint_hash == digest)).first()
    if row is None:
        if len(list_for_user(session=session, user=user)) >= MAX_PER_USER:
            raise ValidationError(f"At most {MAX_PER_USER} devices can receive push messages.", field="endpoint")
        row = PushSubscription(user_id=user.id, kind=kind, endpoint=endpoint, endpoint_hash=digest)
    # A browser that signs in as someone else now belongs to them: the endpoint is the device, not the person.
    row.user_id, row.p256dh, row.auth = user.id, p256dh, auth
    row.user_agent = (user_agent or "")[:400]
    session.add(row)
    session.flush()
    return row


def unsubscribe(*, session: Session, user: User, endpoint: str, kind: str = WEBPUSH) -> None:
    """Remove one of the user's subscriptions."""
    digest = hash_token(f"{kind}:{(endpoint or '').strip()}")
    row = session.exec(select(PushSubscription).where(PushSubscription.endpoint_hash == digest)).first()
    if row is None or row.user_id != user.id:
        raise NotFound("Subscription not found.")
    session.delete(row)
    session.flush()


def list_for_user(*, session: Session, user: User) -> list[PushSubscription]:
    """The user's push subscriptions, oldest first."""
    query = select(PushSubscription).where(PushSubscription.user_id == user.id)
    return list(session.exec(query.order_by(PushSubscription.created_at)))


def touch(*, session: Session, subscription: PushSubscription) -> None:
    """Record a successful push."""
    subscription.last_used_at = clock.now()
    session.add(subscription)


def forget(*, session: Session, subscription: PushSubscription) -> None:
    """Drop a subscription the push service says is gone."""
    session.delete(subscription)
    session.flush()
