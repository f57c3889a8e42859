"""Browser sessions: rows of `user_sessions` in the database, whether Redis is configured or not.

The database is the one authority, so signing in, staying signed in and signing out keep working while
Redis is down, and a revocation can never be undone by a cache coming back with an older copy. Redis
bought nothing here: every lookup reads the user's row from the database anyway, and a primary-key read
of the session beside it costs about what a Redis round trip does. Sessions an older release kept in
Redis are moved into the database the first time they are used (`_adopt_legacy`), so nobody is signed
out by the upgrade; ended sessions are purged by the upkeep loop (`purge_ended`).
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import timedelta

from sqlalchemy import delete, or_
from sqlmodel import Session, select

from metaic.auth.models import SessionRead, User, UserSession
from metaic.config import get_settings
from metaic.core import clock, kv
from metaic.core.errors import AuthenticationFailed, NotFound
from metaic.core.security import hash_token, new_token, sign, tokens_equal, unsign

COOKIE_NAME = "metaic_session"
TICKET_SECONDS = 120
TOUCH_EVERY = timedelta(seconds=60)
LEGACY_PREFIX = "metaic:session:"  # where releases before the database store kept sessions in Redis
log = logging.getLogger(__name__)


class _DbStore:
    """Sessions as rows of `user_sessions`."""

    def __init__(self, session: Session):
        self.session = session

    def save(self, record: UserSession) -> None:
        self.session.add(record)
        self.session.flush()

    def load(self, key: str) -> UserSession | None:
        return self.session.get(UserSession, key) or _adopt_legacy(self.session, key)

    def for_user(self, user_id: uuid.UUID) -> list[UserSession]:
        return list(self.session.exec(select(UserSession).where(UserSession.user_id == user_id)))

    def delete(self, record: UserSession) -> None:
        self.session.delete(record)
        self.session.flush()


def _adopt_legacy(session: Session, key: str) -> UserSession | None:
    """A session an older release kept in Redis, moved into the database; None when there is none (or no Redis)."""
    client = kv.usable_redis()
    if client is None:
        return None
    try:
        raw = client.getdel(LEGACY_PREFIX + key)
    except kv.REDIS_DOWN as exc:
        kv.mark_down(exc)
        return None
    if not raw:
        return None
    record = UserSession.model_validate(json.loads(raw))
    if session.get(User, record.user_id) is None:
        return None
    session.add(record)
    session.flush()
    log.info("moved a sign-in session of user %s from Redis into the database", record.user_id)
    return record


def _store(session: Session) -> _DbStore:
    """The session store (one implementation; kept as a seam for the functions below)."""
    return _DbStore(session)


def create(
    *, session: Session, user: User, remember: bool, ip: str = "", user_agent: str = "", activated: bool = False
) -> str:
    """Start a session; unless `activated`, it is usable once its login ticket is redeemed. Returns its token."""
    settings = get_settings()
    days = settings.remember_days if remember else settings.session_days
    token = new_token()
    now = clock.now()
    record = UserSession(
        id=hash_token(token),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(days=days),
        remember=remember,
        ip=(ip or "")[:64],
        user_agent=(user_agent or "")[:400],
        activated_at=now if activated else None,
    )
    _store(session).save(record)
    user.last_login_at = now
    session.add(user)
    return token


def issue_ticket(token: str, nonce: str) -> str:
    """A short-lived ticket the browser exchanges for the HttpOnly cookie; bound to a nonce cookie."""
    return sign("login-ticket", {"t": token, "n": hash_token(nonce)})


def redeem_ticket(*, session: Session, ticket: str, nonce: str) -> tuple[str, int | None]:
    """Activate the session behind a ticket once; returns (token, cookie max-age or None)."""
    data = unsign("login-ticket", ticket, max_age=TICKET_SECONDS)
    if not isinstance(data, dict) or not tokens_equal(str(data.get("n", "")), hash_token(nonce or "")):
        raise AuthenticationFailed("This sign-in link is not valid here. Sign in again.")
    token = str(data["t"])
    store = _store(session)
    record = store.load(hash_token(token))
    if record is None or record.activated_at is not None or record.revoked_at is not None:
        raise AuthenticationFailed("This sign-in link was already used. Sign in again.")
    record.activated_at = clock.now()
    store.save(record)
    max_age = int((clock.as_utc(record.expires_at) - clock.now()).total_seconds()) if record.remember else None
    return token, max_age


def resolve(*, session: Session, token: str | None) -> tuple[User, UserSession] | None:
    """Return the user and session for a cookie token, or None when invalid, expired or revoked."""
    if not token:
        return None
    store = _store(session)
    record = store.load(hash_token(token))
    if record is None or not _usable(record):
        return None
    user = session.get(User, record.user_id)
    if user is None or not user.is_active:
        return None
    if clock.now() - clock.as_utc(record.last_seen_at) > TOUCH_EVERY:
        record.last_seen_at = clock.now()
        store.save(record)
    return user, record


def _usable(record: UserSession) -> bool:
    """True for an activated, unrevoked, unexpired session."""
    return (
        record.activated_at is not None and record.revoked_at is None and clock.as_utc(record.expires_at) > clock.now()
    )


def list_for_user(*, session: Session, user_id: uuid.UUID, current_token: str | None = None) -> list[SessionRead]:
    """The user's live sessions, most recently seen first."""
    current = hash_token(current_token) if current_token else None
    rows = [r for r in _store(session).for_user(user_id) if _usable(r)]
    rows.sort(key=lambda r: clock.as_utc(r.last_seen_at), reverse=True)
    return [
        SessionRead(
            id=r.id,
            created_at=clock.as_utc(r.created_at),
            last_seen_at=clock.as_utc(r.last_seen_at),
            expires_at=clock.as_utc(r.expires_at),
            ip=r.ip,
            device=describe_device(r.user_agent),
            current=r.id == current,
        )
        for r in rows
    ]


def revoke(*, session: Session, user_id: uuid.UUID, session_id: str) -> None:
    """Revoke one of the user's own sessions."""
    store = _store(session)
    record = store.load(session_id)
    if record is None or record.user_id != user_id:
        raise NotFound("That session does not exist.")
    store.delete(record)


def revoke_token(*, session: Session, token: str | None) -> None:
    """Revoke the session behind a cookie token (sign out)."""
    if not token:
        return
    store = _store(session)
    record = store.load(hash_token(token))
    if record is not None:
        store.delete(record)


def revoke_all(*, session: Session, user_id: uuid.UUID, except_token: str | None = None) -> int:
    """Revoke every session of a user but the current one; returns how many."""
    keep = hash_token(except_token) if except_token else None
    store = _store(session)
    revoked = 0
    for record in store.for_user(user_id):
        if record.id != keep:
            store.delete(record)
            revoked += 1
    return revoked


def purge_ended(*, session: Session) -> int:
    """Delete sessions that expired or were revoked; returns how many (the upkeep loop calls it hourly)."""
    ended = or_(UserSession.expires_at < clock.now(), UserSession.revoked_at.is_not(None))
    return session.execute(delete(UserSession).where(ended)).rowcount or 0


def describe_device(user_agent: str) -> str:
    """A short human description of a user agent ("Chrome on Linux")."""
    ua = user_agent or ""
    browser = next(
        (
            name
            for key, name in (
                ("Edg/", "Edge"),
                ("OPR/", "Opera"),
                ("Firefox/", "Firefox"),
                ("HeadlessChrome", "Headless Chrome"),
                ("Chrome/", "Chrome"),
                ("Safari/", "Safari"),
                ("curl/", "curl"),
                ("python", "Script"),
            )
            if key in ua
        ),
        "Unknown browser",
    )
    system = next(
        (
            name
            for key, name in (
                ("iPhone", "iPhone"),
                ("iPad", "iPad"),
                ("Android", "Android"),
                ("Windows", "Windows"),
                ("Mac OS X", "macOS"),
                ("Linux", "Linux"),
            )
            if key in ua
        ),
        "unknown system",
    )
    return f"{browser} on {system}"
