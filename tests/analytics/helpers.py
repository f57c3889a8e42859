"""Helpers for analytics tests: cards to count for, events through the real buffer, a moved clock."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from metaic.analytics import buffer
from metaic.auth.models import User
from metaic.cards import service as card_service
from metaic.core import clock
from metaic.db import session_scope
from tests.cards.fixtures import BROWSER
from tests.cards.helpers import make_user

IPHONE = BROWSER
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


def owner_with_card(email: str = "ada@example.com", name: str = "Ada") -> tuple[User, uuid.UUID]:
    """A committed account and one card of theirs."""
    with session_scope() as s:
        user = make_user(s, email=email, name=name)
        card = card_service.create(session=s, owner=user, name=name)
        s.expunge(user)
        return user, card.id


def visit(card_id: uuid.UUID, kind: str = "view", *, address: str = "203.0.113.7", ua: str = IPHONE, **more) -> None:
    """One visitor event as an edge tracks it (written at the next flush)."""
    more.setdefault("accept_language", "de-CH,de;q=0.9")
    buffer.track(card_id=card_id, kind=kind, user_agent=ua, address=address, **more)


def at(text: str) -> None:
    """Move the clock to a UTC moment ("2026-03-04 10:00")."""
    clock.reset()
    clock.advance(datetime.fromisoformat(text).replace(tzinfo=UTC) - clock.now())
