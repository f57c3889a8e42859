"""Demo data for `python -m metaic seed-demo`: a verified demo account and, later, what it owns."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlmodel import Session

from metaic.auth import api_tokens, sessions
from metaic.auth import service as user_service
from metaic.auth.models import User
from metaic.cards import demo as card_demo
from metaic.core import clock
from metaic.core.security import password_problem

DEMO_EMAIL = "demo@example.com"
DEMO_NAME = "Demo User"


@dataclass(frozen=True)
class DemoSeed:
    """The demo account, its new password (shown once) and whether it was just created."""

    user: User
    password: str
    created: bool


def new_password() -> str:
    """A random password that passes the strength rule."""
    while True:
        candidate = secrets.token_urlsafe(18)
        if password_problem(candidate, email=DEMO_EMAIL) is None:
            return candidate


def ensure_demo_user(*, session: Session) -> DemoSeed:
    """Create the demo account, or bring it back to its demo state with a fresh password."""
    password = new_password()
    user = user_service.get_by_email(session=session, email=DEMO_EMAIL)
    if user is None:
        user = user_service.create(session=session, email=DEMO_EMAIL, password=password, name=DEMO_NAME, verified=True)
        return DemoSeed(user=user, password=password, created=True)
    user.name = DEMO_NAME
    user.is_active = True
    if user.email_verified_at is None:
        user.email_verified_at = clock.now()
    user_service.set_password(session=session, user=user, new_password=password)
    # Whoever signed in with the old password must not stay signed in.
    sessions.revoke_all(session=session, user_id=user.id)
    api_tokens.revoke_all(session=session, user_id=user.id)
    session.flush()
    return DemoSeed(user=user, password=password, created=False)


def seed_demo_content(*, session: Session, user: User) -> None:
    """The demo account's rich card, published at /c/demo (idempotent)."""
    card_demo.seed(session=session, user=user)


def seed_demo(*, session: Session) -> DemoSeed:
    """Ensure the demo account and its content; safe to run again (one account, new password each time)."""
    seed = ensure_demo_user(session=session)
    seed_demo_content(session=session, user=seed.user)
    return seed
