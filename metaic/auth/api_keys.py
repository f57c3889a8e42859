"""Personal API keys with scopes: read-only or read-write per area of the API, shown once, revocable.

A key is `mk_` + 40 random characters; only its SHA-256 is stored. The area of a request is the first
path segment after `/api/v1/` (contacts, cards, ...) and its access is `read` for GET/HEAD and `write`
otherwise; `write` includes `read`. Account, authentication and admin routes never accept a key: a
leaked key cannot change a password, mint tokens, export everything or act as an admin.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlmodel import Session, func, select

from metaic.audit import service as audit
from metaic.auth.models import ApiKey, User
from metaic.core import clock
from metaic.core.errors import AuthenticationFailed, NotFound, PermissionDenied, ValidationError
from metaic.core.security import hash_token, new_token

PREFIX = "mk_"
AREAS = (  # the first path segment after /api/v1/ of every route a key may reach
    "cards",
    "contacts",
    "templates",
    "messages",
    "conversations",
    "notifications",
    "push",
    "files",
    "analytics",
    "search",
    "directory",
    "ai",
    "webhooks",
)
ACCESS = ("read", "write")
MAX_KEYS = 20
LAST_USED_EVERY = timedelta(minutes=1)  # last use is written at most this often per key


def scopes_from(requested: list[str]) -> str:
    """The stored scope list; ValidationError naming what is unknown."""
    chosen = sorted(set(requested or []))
    bad = [s for s in chosen if s.partition(":")[0] not in AREAS or s.partition(":")[2] not in ACCESS]
    if bad or not chosen:
        raise ValidationError(f"Scopes are <area>:read or <area>:write, with areas {', '.join(AREAS)}.", field="scopes")
    return ",".join(chosen)


def create(*, session: Session, owner: User, name: str, scopes: list[str]) -> tuple[ApiKey, str]:
    """A new key; returns (row, the key itself), the only time the key is known."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationError("Give the key a name (up to 80 characters).", field="name")
    live = select(func.count()).where(ApiKey.owner_id == owner.id, ApiKey.revoked_at.is_(None))
    if session.exec(live).one() >= MAX_KEYS:
        raise ValidationError(f"You can have up to {MAX_KEYS} API keys; revoke one first.", field="name")
    key = PREFIX + new_token(30)[:40]
    row = ApiKey(owner_id=owner.id, name=name, prefix=key[:10], key_hash=hash_token(key), scopes=scopes_from(scopes))
    session.add(row)
    session.flush()
    audit.record(session=session, action="api_key.created", subject_id=owner.id, actor_id=owner.id, detail=name)
    return row, key


def list_(*, session: Session, owner: User) -> list[ApiKey]:
    """The owner's keys, newest first (revoked ones included, marked)."""
    query = select(ApiKey).where(ApiKey.owner_id == owner.id).order_by(ApiKey.created_at.desc())
    return list(session.exec(query))


def revoke(*, session: Session, owner: User, key_id: uuid.UUID) -> ApiKey:
    """Stop a key working at once."""
    row = session.get(ApiKey, key_id)
    if row is None or row.owner_id != owner.id:
        raise NotFound("No such API key.")
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        session.add(row)
        audit.record(session=session, action="api_key.revoked", subject_id=owner.id, actor_id=owner.id, detail=row.name)
    return row


def is_key(token: str) -> bool:
    """True when a bearer token is a personal API key rather than an access token."""
    return token.startswith(PREFIX)


def user_for_key(*, session: Session, key: str, path: str, method: str) -> User:
    """The owner of a live key allowed to make this request; AuthenticationFailed or PermissionDenied otherwise."""
    row = session.exec(select(ApiKey).where(ApiKey.key_hash == hash_token(key))).first()
    if row is None or row.revoked_at is not None:
        raise AuthenticationFailed("The API key is not valid or was revoked.")
    owner = session.get(User, row.owner_id)
    if owner is None or not owner.is_active:
        raise AuthenticationFailed("The account of this API key is not active.")
    needed = required_scope(path, method)
    granted = row.scopes.split(",")
    if needed is None or not (needed in granted or needed.replace(":read", ":write") in granted):
        raise PermissionDenied(f"This API key cannot {'do this' if needed is None else 'use ' + needed}.")
    now = clock.now()
    if row.last_used_at is None or now - clock.as_utc(row.last_used_at) > LAST_USED_EVERY:
        row.last_used_at = now
        session.add(row)
    return owner


def required_scope(path: str, method: str) -> str | None:
    """`<area>:read|write` a request needs, or None when no key may make it (account, auth, admin routes)."""
    segments = path.removeprefix("/api/v1/").split("/")
    rest = segments[0]
    if rest not in AREAS or "admin" in segments:
        return None
    return f"{rest}:{'read' if method.upper() in ('GET', 'HEAD') else 'write'}"
