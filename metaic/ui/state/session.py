"""The signed-in user as seen by every Reflex page; rebuilt from the HttpOnly cookie on load."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import TypeVar

import reflex as rx
from sqlmodel import Session

from metaic.auth import sessions
from metaic.auth.models import User
from metaic.config import get_settings
from metaic.core import kv
from metaic.core.errors import AuthenticationFailed, DomainError
from metaic.core.net import client_address
from metaic.db import session_scope

T = TypeVar("T")


def cookie_token(raw_cookie_header: str) -> str | None:
    """Read the session token out of a Cookie header."""
    jar = SimpleCookie()
    try:
        jar.load(raw_cookie_header or "")
    except Exception:  # a malformed header means no session
        return None
    morsel = jar.get(sessions.COOKIE_NAME)
    return morsel.value if morsel else None


def as_token_user(token: str | None, action: Callable[[Session, User], T]) -> T | None:
    """Run `action(session, user)` for the user behind a session cookie token (background tasks have no
    handler context); None when the token is signed out or revoked."""
    with session_scope() as session:
        found = sessions.resolve(session=session, token=token)
        return action(session, found[0]) if found is not None else None


def go_to(url: str) -> rx.event.EventSpec:
    """A full page load (not client routing), needed for HTTP routes that set cookies."""
    return rx.call_script(f"window.location.assign({json.dumps(url)})")


class SessionState(rx.State):
    """Who is signed in; every handler that acts re-checks the cookie against the session store."""

    signed_in: bool = False
    user_name: str = ""
    user_email: str = ""
    is_admin: bool = False
    email_verified: bool = True
    loaded: bool = False
    # Redis is unreachable: the app works on (metaic/ui/resilient_state.py) and says so in a notice.
    degraded: bool = False

    def _token(self) -> str | None:
        """The session token from the websocket's cookie header."""
        return cookie_token(self.router.headers.cookie)

    def _client_ip(self) -> str:
        """The browser's address: the websocket's peer, or the client a trusted proxy forwarded for."""
        # session.client_ip is the socket peer Reflex saw; raw_headers are the websocket upgrade request's headers.
        peer = self.router.session.client_ip
        return client_address(peer, self.router.headers.raw_headers, get_settings().trusted_proxies)

    def _load_user(self, session) -> User | None:
        """Resolve the current user inside an open DB session, refreshing the shown fields."""
        found = sessions.resolve(session=session, token=self._token())
        user = found[0] if found else None
        self.signed_in = user is not None
        self.user_name = user.name if user else ""
        self.user_email = user.email if user else ""
        self.is_admin = bool(user and user.role == "admin")
        self.email_verified = bool(user is None or user.email_verified_at)
        self.loaded = True
        if self.degraded != (down := kv.outage()):
            self.degraded = down
        return user

    def _owner(self, session) -> User:
        """The signed-in user, or raise AuthenticationFailed so the handler sends the browser to sign in."""
        user = self._load_user(session)
        if user is None:
            raise AuthenticationFailed("Your session has ended. Sign in again.")
        return user

    @rx.var
    def display_name(self) -> str:
        """Name to greet the user with."""
        return self.user_name or self.user_email.split("@")[0]

    @rx.var
    def initials(self) -> str:
        """Avatar initials."""
        words = (self.user_name or self.user_email).replace("@", " ").split()
        return "".join(w[0] for w in words[:2]).upper() or "?"

    def _resolve(self) -> User | None:
        """Look the cookie up in one transaction (run in a worker thread by the handlers below)."""
        with session_scope() as session:
            return self._load_user(session)

    @rx.event
    async def load_public(self):
        """on_load for public pages: just learn whether someone is signed in."""
        await asyncio.to_thread(self._resolve)

    @rx.event
    async def require_user(self):
        """on_load for private pages: send anonymous visitors to sign in."""
        if await asyncio.to_thread(self._resolve) is None:
            return rx.redirect(f"/login?next={self.router.url.path}")
        return None

    @rx.event
    async def redirect_if_signed_in(self):
        """on_load for sign-in/up pages: a signed-in user goes straight to the dashboard."""
        if await asyncio.to_thread(self._resolve) is not None:
            return rx.redirect("/dashboard")
        return None

    @rx.event
    async def sign_out(self):
        """Revoke this browser's session, then let the server clear the cookie."""
        await asyncio.to_thread(_revoke, self._token())
        self.signed_in = False
        return go_to("/auth/signed-out")


def _revoke(token: str | None) -> None:
    """Revoke a session token (an unknown or already revoked one is fine)."""
    try:
        with session_scope() as session:
            sessions.revoke_token(session=session, token=token)
    except DomainError:
        pass
