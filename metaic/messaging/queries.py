"""What a member sees of their conversations: the list, one conversation, its messages, unread counts.

A message request is visible only to its recipient until it is accepted (see service.request).
"""

from __future__ import annotations

import uuid

from sqlalchemy import and_, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from metaic.auth.models import User
from metaic.core import clock
from metaic.core.errors import NotFound
from metaic.core.ids import parse_id
from metaic.messaging.models import OPEN, REQUESTED, Conversation, ConversationMember, DirectMessage
from metaic.messaging.schemas import ConversationRead, MessageRead

PREVIEW = 140
MAX_PAGE = 200


def _display_name(name: str, email: str) -> str:
    """A user's name, or the local part of their email."""
    return name.strip() or email.split("@")[0]


def _initials(name: str) -> str:
    """Up to two initials for an avatar."""
    words = name.replace(".", " ").replace("_", " ").split()
    return "".join(w[0] for w in words[:2]).upper() or "?"


def preview(text: str) -> str:
    """The message on one line, cut to about PREVIEW characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW else flat[: PREVIEW - 1].rstrip() + "…"


def _page(limit: int) -> int:
    """A page size within bounds."""
    return max(1, min(int(limit), MAX_PAGE))


def _visible(user: User):
    """SQL condition: a conversation the user may see (open, or a request someone else sent them)."""
    incoming = and_(Conversation.status == REQUESTED, Conversation.requested_by != user.id)
    return or_(Conversation.status == OPEN, incoming)


def _reads(
    session: Session, user: User, *, conversation_id: uuid.UUID | None = None, limit: int = 50
) -> list[ConversationRead]:
    """The user's conversations as read models, newest activity first, in one query."""
    me, other = aliased(ConversationMember), aliased(ConversationMember)
    latest = (
        select(DirectMessage)
        .where(DirectMessage.conversation_id == Conversation.id)
        .order_by(DirectMessage.created_at.desc(), DirectMessage.id.desc())
        .limit(1)
    )
    last_body = latest.with_only_columns(func.substr(DirectMessage.body, 1, PREVIEW * 4)).scalar_subquery()
    last_sender = latest.with_only_columns(DirectMessage.sender_id).scalar_subquery()
    unread = (
        select(func.count())
        .select_from(DirectMessage)
        .where(
            DirectMessage.conversation_id == Conversation.id,
            DirectMessage.sender_id != user.id,
            or_(me.last_read_at.is_(None), DirectMessage.created_at > me.last_read_at),
        )
        .scalar_subquery()
    )
    query = (
        select(
            Conversation.id,
            Conversation.last_message_at,
            Conversation.status,
            User.id,
            User.name,
            User.email,
            last_body,
            last_sender,
            unread,
        )
        .join(me, and_(me.conversation_id == Conversation.id, me.user_id == user.id))
        .join(other, and_(other.conversation_id == Conversation.id, other.user_id != user.id))
        .join(User, User.id == other.user_id)
        .where(_visible(user))
    )
    if conversation_id is not None:
        query = query.where(Conversation.id == conversation_id)
    query = query.order_by(
        func.coalesce(Conversation.last_message_at, Conversation.created_at).desc(), Conversation.id
    ).limit(_page(limit))
    return [_conversation_read(user, row) for row in session.exec(query).all()]


def _conversation_read(user: User, row) -> ConversationRead:
    """One row of `_reads` as a read model."""
    conversation_id, last_at, status, other_id, name, email, body, sender_id, unread = row
    other_name = _display_name(name, email)
    return ConversationRead(
        id=conversation_id,
        status=status,
        other_user_id=other_id,
        other_name=other_name,
        other_initials=_initials(other_name),
        last_message=preview(body or ""),
        last_message_mine=sender_id is not None and str(sender_id) == str(user.id),
        last_at=clock.as_utc(last_at) if last_at else None,
        unread=unread or 0,
    )


def message_read(message: DirectMessage, viewer_id: uuid.UUID) -> MessageRead:
    """A message as the viewer sees it."""
    return MessageRead(
        id=message.id,
        conversation_id=message.conversation_id,
        sender_id=message.sender_id,
        mine=message.sender_id == viewer_id,
        body=message.body,
        created_at=clock.as_utc(message.created_at),
    )


def membership(
    session: Session, user: User, conversation_id: uuid.UUID | str
) -> tuple[Conversation, ConversationMember]:
    """The conversation and the user's membership of it; NotFound for anyone else (and for a request's sender)."""
    key = parse_id(conversation_id, "Conversation")
    row = session.exec(
        select(Conversation, ConversationMember)
        .join(ConversationMember, ConversationMember.conversation_id == Conversation.id)
        .where(Conversation.id == key, ConversationMember.user_id == user.id, _visible(user))
    ).first()
    if row is None:
        raise NotFound("Conversation not found.")
    return row[0], row[1]


def list_conversations(*, session: Session, user: User, limit: int = 50) -> list[ConversationRead]:
    """The user's conversations, newest activity first (one query however many there are)."""
    return _reads(session, user, limit=limit)


def get(*, session: Session, user: User, conversation_id: uuid.UUID | str) -> ConversationRead:
    """One of the user's conversations; NotFound for anyone else's or a malformed id."""
    found = _reads(session, user, conversation_id=parse_id(conversation_id, "Conversation"), limit=1)
    if not found:
        raise NotFound("Conversation not found.")
    return found[0]


def messages(
    *,
    session: Session,
    user: User,
    conversation_id: uuid.UUID | str,
    limit: int = 50,
    before: uuid.UUID | str | None = None,
) -> list[MessageRead]:
    """The last `limit` messages (or those before message `before`), oldest first."""
    conversation, _ = membership(session, user, conversation_id)
    query = select(DirectMessage).where(DirectMessage.conversation_id == conversation.id)
    if before is not None:
        anchor = session.get(DirectMessage, parse_id(before, "Message"))
        if anchor is None or anchor.conversation_id != conversation.id:
            raise NotFound("Message not found.")
        query = query.where(
            or_(
                DirectMessage.created_at < anchor.created_at,
                and_(DirectMessage.created_at == anchor.created_at, DirectMessage.id < anchor.id),
            )
        )
    rows = session.exec(
        query.order_by(DirectMessage.created_at.desc(), DirectMessage.id.desc()).limit(_page(limit))
    ).all()
    return [message_read(m, user.id) for m in reversed(rows)]


def _unread_query(user: User):
    """SELECT count of messages from others the user has not read."""
    return (
        select(func.count())
        .select_from(DirectMessage)
        .join(
            ConversationMember,
            and_(
                ConversationMember.conversation_id == DirectMessage.conversation_id,
                ConversationMember.user_id == user.id,
            ),
        )
        .join(Conversation, Conversation.id == DirectMessage.conversation_id)
        .where(
            _visible(user),
            DirectMessage.sender_id != user.id,
            or_(ConversationMember.last_read_at.is_(None), DirectMessage.created_at > ConversationMember.last_read_at),
        )
    )


def unread_total(*, session: Session, user: User) -> int:
    """How many messages from others the user has not read, across conversations."""
    return int(session.exec(_unread_query(user)).one())


def activity_marker(*, session: Session, user: User) -> str:
    """A short text that changes when any of the user's conversations starts, gets a message or is read."""
    unread = _unread_query(user).correlate(None).scalar_subquery()
    latest, count, total = session.exec(
        select(func.max(Conversation.last_message_at), func.count(), unread)
        .select_from(ConversationMember)
        .join(Conversation, Conversation.id == ConversationMember.conversation_id)
        .where(ConversationMember.user_id == user.id, _visible(user))
    ).one()
    return f"{latest or ''}|{count}|{total}"
