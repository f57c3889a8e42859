"""Shared test data for the contacts tests: accounts, published cards, counting queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlmodel import select

from metaic.auth import service as user_service
from metaic.auth.models import User
from metaic.cards import flows as card_flows
from metaic.cards import service as card_service
from metaic.cards.models import Card
from metaic.notifications.models import Notification

PASSWORD = "Correct-Horse-42"


def make_user(session, email: str = "owner@example.com", name: str = "Owner") -> User:
    """A verified account."""
    return user_service.create(session=session, email=email, password=PASSWORD, name=name, verified=True)


def card_doc(
    name: str = "Grace Hopper",
    email: str = "grace@navy.example.com",
    phone: str = "+1 202 555 0143",
    company: str = "US Navy",
    headline: str = "Rear Admiral",
) -> dict:
    """A card document with the fields contacts take from a card."""
    return {
        "name": name,
        "headline": headline,
        "business": {"name": company, "website": "navy.example.com"},
        "contacts": [
            {"kind": "email", "label": "Work", "value": email, "preferred": True},
            {"kind": "phone", "label": "Mobile", "value": phone},
        ],
        "socials": [{"kind": "linkedin", "url": "https://www.linkedin.com/in/grace"}],
    }


def publish_card(session, owner: User, doc: dict | None = None) -> Card:
    """A published card of `owner` with `doc` as its content."""
    doc = doc or card_doc()
    card = card_service.create(session=session, owner=owner, name=doc["name"])
    card_service.save_draft(session=session, owner=owner, card_id=card.id, content=doc)
    card_flows.publish(session=session, owner=owner, card_id=card.id)
    return card


def notifications(session, user: User, kind: str) -> list[Notification]:
    """The user's notifications of a kind."""
    return list(
        session.exec(select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)).all()
    )


@contextmanager
def count_queries(session) -> Iterator[list[str]]:
    """Collect the SQL statements run on the session's connection (not other threads' on the same engine:
    a background heartbeat or job of an earlier test in this process must not count here)."""
    statements: list[str] = []
    engine = session.get_bind()
    own = session.connection()

    def _record(conn, cursor, statement, parameters, context, executemany):
        if conn is own:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _record)
