"""Accounts as admins see them: search and filter with counts, and one account's page (admins only).

Read side only; suspending, roles, sign-outs, MFA resets and erasure live in metaic/admin/user_actions.py.
The role is checked here, in the service, so an edge that forgets its own check still cannot list accounts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, func, or_, select

from metaic.audit import service as audit
from metaic.audit.models import AuditEvent
from metaic.auth import mfa, sessions
from metaic.auth.models import ROLE_ADMIN, ROLE_USER, RefreshToken, User
from metaic.auth.service import require_admin
from metaic.cards.models import Card
from metaic.contacts.models import SavedContact
from metaic.core import clock
from metaic.core.errors import NotFound, ValidationError
from metaic.files.models import File

ROLES = (ROLE_USER, ROLE_ADMIN)
STATUSES = ("active", "suspended")
YES_NO = ("yes", "no")
MAX_PAGE = 100


@dataclass
class UserRow:
    """One account in the admin list, with what it owns."""

    id: uuid.UUID
    email: str
    name: str
    role: str
    active: bool
    verified: bool
    mfa: bool
    created_at: datetime
    last_seen: datetime | None
    cards: int = 0
    published: int = 0
    contacts: int = 0
    storage_bytes: int = 0


@dataclass
class UserPage:
    """A page of accounts and how many match in all."""

    rows: list[UserRow]
    total: int


@dataclass
class UserDetail:
    """One account's admin page: its row plus cards, live sessions, tokens and recent audit entries."""

    row: UserRow
    cards: list[dict] = field(default_factory=list)
    sessions: list[dict] = field(default_factory=list)
    recovery_codes_left: int = 0
    live_api_tokens: int = 0
    events: list[AuditEvent] = field(default_factory=list)


def search(
    *,
    session: Session,
    actor: User | None,
    query: str = "",
    role: str = "",
    status: str = "",
    mfa_on: str = "",
    verified: str = "",
    limit: int = 25,
    offset: int = 0,
) -> UserPage:
    """Accounts matching the text (email, name or exact id) and filters, newest first, with counts."""
    require_admin(actor)
    statement = _filtered(select(User), query, role, status, mfa_on, verified)
    total = session.exec(_filtered(select(func.count()).select_from(User), query, role, status, mfa_on, verified)).one()
    page = statement.order_by(User.created_at.desc(), User.id).offset(max(0, offset))
    page = page.limit(min(max(1, limit), MAX_PAGE))
    users = list(session.exec(page))
    return UserPage(rows=_rows(session, users), total=int(total))


def _filtered(statement, query: str, role: str, status: str, mfa_on: str, verified: str):
    """Apply the text search and the filters (ValidationError for an unknown filter value)."""
    for name, value, allowed in (
        ("role", role, ROLES),
        ("status", status, STATUSES),
        ("mfa", mfa_on, YES_NO),
        ("verified", verified, YES_NO),
    ):
        if value and value not in allowed:
            raise ValidationError(f"Unknown {name} filter. Choose one of: {', '.join(allowed)}.", field=name)
    if role:
        statement = statement.where(User.role == role)
    if status:
        statement = statement.where(User.is_active.is_(status == "active"))
    if mfa_on:
        column = User.mfa_enabled_at
        statement = statement.where(column.is_not(None) if mfa_on == "yes" else column.is_(None))
    if verified:
        column = User.email_verified_at
        statement = statement.where(column.is_not(None) if verified == "yes" else column.is_(None))
    text = (query or "").strip().lower()[:200]
    if text:
        like = f"%{_escape_like(text)}%"
        matches = [func.lower(User.email).like(like, escape="\\"), func.lower(User.name).like(like, escape="\\")]
        as_id = _uuid(text)
        if as_id:
            matches.append(User.id == as_id)
        statement = statement.where(or_(*matches))
    return statement


def _escape_like(text: str) -> str:
    """The text with LIKE's wildcards taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _uuid(text: str) -> uuid.UUID | None:
    """The text as an account id, if it is one."""
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _rows(session: Session, users: list[User]) -> list[UserRow]:
    """Rows for a page of accounts: four grouped counts for the whole page, not four per account."""
    ids = [u.id for u in users]
    if not ids:
        return []
    cards = _grouped(session, Card.owner_id, func.count(), ids)
    published = _grouped(session, Card.owner_id, func.count(), ids, Card.published_version_id.is_not(None))
    contacts = _grouped(session, SavedContact.owner_id, func.count(), ids)
    storage = _grouped(session, File.owner_id, func.coalesce(func.sum(File.total_bytes), 0), ids)
    return [
        UserRow(
            id=u.id,
            email=u.email,
            name=u.name,
            role=u.role,
            active=u.is_active,
            verified=u.email_verified_at is not None,
            mfa=u.mfa_enabled_at is not None,
            created_at=clock.as_utc(u.created_at),
            last_seen=clock.as_utc(u.last_login_at) if u.last_login_at else None,
            cards=cards.get(u.id, 0),
            published=published.get(u.id, 0),
            contacts=contacts.get(u.id, 0),
            storage_bytes=storage.get(u.id, 0),
        )
        for u in users
    ]


def _grouped(session: Session, owner, measure, ids: list[uuid.UUID], *where) -> dict[uuid.UUID, int]:
    """`measure` per owner among `ids`."""
    statement = select(owner, measure).where(owner.in_(ids), *where).group_by(owner)
    return {key: int(value or 0) for key, value in session.exec(statement)}


def get_user(*, session: Session, actor: User | None, user_id: uuid.UUID | str) -> User:
    """The account behind an id (admins only); NotFound for an unknown or malformed id."""
    require_admin(actor)
    found = session.get(User, user_id if isinstance(user_id, uuid.UUID) else _uuid(str(user_id)) or uuid.UUID(int=0))
    if found is None:
        raise NotFound("That account does not exist.")
    return found


def detail(*, session: Session, actor: User | None, user_id: uuid.UUID | str) -> UserDetail:
    """One account's admin page: figures, cards, live sessions (devices, not addresses), tokens, recent audit."""
    user = get_user(session=session, actor=actor, user_id=user_id)
    [row] = _rows(session, [user])
    live = sessions.list_for_user(session=session, user_id=user.id)
    seen = [s.last_seen_at for s in live] + ([row.last_seen] if row.last_seen else [])
    row.last_seen = max(seen) if seen else None
    cards = session.exec(select(Card).where(Card.owner_id == user.id).order_by(Card.created_at)).all()
    tokens = session.exec(
        select(func.count())
        .select_from(RefreshToken)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None), RefreshToken.used_at.is_(None))
    ).one()
    events = session.exec(
        select(AuditEvent)
        .where(or_(AuditEvent.subject_id == user.id, AuditEvent.target_id == str(user.id)))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id)
        .limit(20)
    ).all()
    return UserDetail(
        row=row,
        cards=[_card(c) for c in cards],
        sessions=[{"device": s.device, "last_seen": s.last_seen_at, "created_at": s.created_at} for s in live],
        recovery_codes_left=mfa.remaining_recovery_codes(session=session, user=user) if row.mfa else 0,
        live_api_tokens=int(tokens),
        events=list(events),
    )


def _card(card: Card) -> dict:
    """A card as listed on an account's page."""
    return {
        "id": str(card.id),
        "name": card.name,
        "slug": card.slug,
        "published": card.published_version_id is not None,
        "visibility": card.visibility,
    }


def action_label(action: str) -> str:
    """How an audit action reads on the account's page."""
    return audit.label(action)


def emails(*, session: Session, actor: User | None, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The addresses of the accounts among `ids` that still exist (admins only), to name them in lists."""
    require_admin(actor)
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return dict(session.exec(select(User.id, User.email).where(User.id.in_(wanted))).all())
