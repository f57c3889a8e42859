"""Accounts, cards and sign-ins for the admin console tests."""

from __future__ import annotations

from metaic.auth import api_tokens, sessions
from metaic.auth import service as user_service
from metaic.auth.models import User
from metaic.cards import flows, service
from metaic.db import session_scope
from tests.cards.helpers import rich

PASSWORD = "Correct-Horse-9-battery"


def make(email: str, role: str = "user", verified: bool = True) -> User:
    """A committed account, detached."""
    with session_scope() as s:
        user = user_service.create(
            session=s, email=email, password=PASSWORD, name=email.split("@")[0].title(), verified=verified
        )
        user.role = role
        s.add(user)
        s.commit()
        s.refresh(user)
        s.expunge(user)
        return user


def publish_card(user: User, name: str = "Ada") -> str:
    """A published public card of `user`; returns its slug."""
    with session_scope() as s:
        owner = s.get(User, user.id)
        card = service.create(session=s, owner=owner, name=name)
        service.save_draft(session=s, owner=owner, card_id=card.id, content=rich())
        flows.publish(session=s, owner=owner, card_id=card.id)
        s.commit()
        return card.slug


def sign_in(user: User) -> tuple[str, str]:
    """A live browser session token and an API access token for `user`."""
    with session_scope() as s:
        owner = s.get(User, user.id)
        token = sessions.create(session=s, user=owner, remember=False, activated=True)
        pair = api_tokens.issue(session=s, user=owner)
        s.commit()
        return token, pair.access_token
