"""Accounts, a published card and reports for the moderation tests."""

from __future__ import annotations

import uuid

from sqlmodel import select

from metaic.audit.models import AuditEvent
from metaic.auth.models import User
from metaic.cards import flows as card_flows
from metaic.cards import service as card_service
from metaic.db import session_scope
from metaic.moderation import reports
from metaic.moderation.models import CardReport
from metaic.notifications.models import Notification
from tests.admin.helpers import make
from tests.cards.helpers import rich


def people() -> tuple[User, User]:
    """An admin and a card owner, committed."""
    return make("root@example.com", role="admin"), make("ada@example.com")


def published(owner: User, **changes) -> tuple[uuid.UUID, str]:
    """A published public card of `owner`: its id and slug."""
    with session_scope() as s:
        user = s.get(User, owner.id)
        card = card_service.create(session=s, owner=user, name="Ada")
        card_service.save_draft(session=s, owner=user, card_id=card.id, content=rich(**changes))
        card_flows.publish(session=s, owner=user, card_id=card.id)
        s.commit()
        return card.id, card.slug


def report(card_id: uuid.UUID, owner: User, slug: str, reason: str = "spam", ip: str = "203.0.113.7") -> CardReport:
    """A visitor's report about the card, committed."""
    with session_scope() as s:
        card = reports.ReportedCard(card_id=card_id, owner_id=owner.id, slug=slug, name="Ada Lovelace")
        row = reports.submit(session=s, card=card, reason=reason, details="Sells fake watches.", ip=ip)
        s.commit()
        s.refresh(row)
        s.expunge(row)
        return row


def entries(action: str) -> list[AuditEvent]:
    """Audit entries of one action."""
    with session_scope() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action)))


def notes(user: User, kind: str = "moderation") -> list[Notification]:
    """The user's notifications of a kind, oldest first."""
    with session_scope() as s:
        query = select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
        return list(s.exec(query.order_by(Notification.created_at)))
