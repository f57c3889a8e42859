"""Request dependencies: a database session and the signed-in user (cookie or bearer token)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from fastapi import Depends, Request
from sqlmodel import Session

from metaic.auth import api_keys, api_tokens, sessions
from metaic.auth.models import User
from metaic.config import get_settings
from metaic.core import net
from metaic.core.errors import AuthenticationFailed, PermissionDenied
from metaic.db import read_session_scope, session_scope


def read_db_session() -> Iterator[Session]:
    """A read-only session for dashboards and exports (the replica when DATABASE_REPLICA_URL is set)."""
    with read_session_scope() as session:
        yield session


def db_session() -> Iterator[Session]:
    """One transaction per request.

    Always `Depends(db_session, scope="function")`: FastAPI's default runs the code after `yield` (the
    commit) once the answer is sent, so a commit lost with the connection was answered 201 and never stored.
    """
    with session_scope() as session:
        yield session


def client_ip(request: Request) -> str:
    """The caller's address: the peer, or the client a trusted proxy forwarded for (TRUSTED_PROXIES)."""
    peer = request.client.host if request.client else ""
    return net.client_address(peer, request.headers, get_settings().trusted_proxies)


def _bearer(request: Request) -> str | None:
    """The token of an `Authorization: Bearer` header."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_user(request: Request, session: Session = Depends(db_session, scope="function")) -> User:
    """The user behind a bearer access token, or else the session cookie; 401 otherwise."""
    user = _authenticate(request, session)
    request.state.user_id = user.id  # error reports name the account by its id only (core/error_reports.py)
    return user


def _authenticate(request: Request, session: Session) -> User:
    """Resolve the caller from an API key, an access token or the session cookie."""
    token = _bearer(request)
    if token and api_keys.is_key(token):
        # A personal API key: only the areas and access its scopes name (metaic/auth/api_keys.py).
        return api_keys.user_for_key(session=session, key=token, path=request.url.path, method=request.method)
    if token:
        # Also refuses a token issued before the last password change, reset, sign-out everywhere or MFA change.
        return api_tokens.user_for_access(session=session, token=token)
    found = sessions.resolve(session=session, token=request.cookies.get(sessions.COOKIE_NAME))
    if found is None:
        raise AuthenticationFailed("Sign in first.")
    require_same_origin(request)
    return found[0]


def require_same_origin(request: Request) -> None:
    """Refuse cookie-authenticated writes from other sites (CSRF)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    origin = request.headers.get("origin") or request.headers.get("referer") or ""
    if urlsplit(origin).netloc != request.headers.get("host", ""):
        raise PermissionDenied("Cross-site request refused.")
