"""The signed-in user as seen by every Reflex page; rebuilt from the HttpOnly cookie on load."""

from __future__ import annotations

import json
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import TypeVar

import reflex as rx
from sqlmodel import Session

from metaic.auth import sessions
from metaic.auth.models import User
from metaic.core.errors import AuthenticationFailed, DomainError
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

    def _token(self) -> str | None:
        """The session token from the websocket's cookie header."""
        return cookie_token(self.router.headers.cookie)

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

    @rx.event
    def load_public(self):
        """on_load for public pages: just learn whether someone is signed in."""
        with session_scope() as session:
            self._load_user(session)

    @rx.event
    def require_user(self):
        """on_load for private pages: send anonymous visitors to sign in."""
        with session_scope() as session:
            user = self._load_user(session)
        if user is None:
            return rx.redirect(f"/login?next={self.router.url.path}")
        return None

    @rx.event
    def redirect_if_signed_in(self):
        """on_load for sign-in/up pages: a signed-in user goes straight to the dashboard."""
        with session_scope() as session:
            user = self._load_user(session)
        if user is not None:
            return rx.redirect("/dashboard")
        return None

    @rx.event
    def sign_out(self):
        """Revoke this browser's session, then let the server clear the cookie."""
        try:
            with session_scope() as session:
                sessions.revoke_token(session=session, token=self._token())
        except DomainError:
            pass
        self.signed_in = False
        return go_to("/auth/signed-out")
