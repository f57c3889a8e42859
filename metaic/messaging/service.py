"""In-app messages between MetaIC users: 1:1 conversations, unread counts, and the contacts' timelines."""

from __future__ import annotations

import uuid

from sqlalchemy import and_, func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from metaic.auth.models import User
from metaic.cards.models import Card
from metaic.contacts import history
from metaic.contacts import store as contact_store
from metaic.contacts.models import ContactIdentity, SavedContact
from metaic.core import clock, links, ratelimit
from metaic.core.errors import NotFound, PermissionDenied, ValidationError
from metaic.core.ids import parse_id
from metaic.messaging.models import Conversation, ConversationMember, DirectMessage
from metaic.messaging.schemas import ConversationRead, MessageRead
from metaic.notifications import service as notification_service
from metaic.notifications.flows import notify

MAX_BODY = 5000
PREVIEW = 140
MAX_PAGE = 200
# Enough for a lively chat, too few for a spam script.
MESSAGES_PER_MINUTE = 30


def conversation_url(conversation_id: uuid.UUID) -> str:
    """Where a conversation opens in the app (notifications link there)."""
    return links.conversation(conversation_id)


def _pair_key(first: uuid.UUID, second: uuid.UUID) -> str:
    """The same text for a pair of users whichever order they come in."""
    return ":".join(sorted((str(first), str(second))))


def _display_name(name: str, email: str) -> str:
    """A user's name, or the local part of their email."""
    return name.strip() or email.split("@")[0]


def _initials(name: str) -> str:
    """Up to two initials for an avatar."""
    words = name.replace(".", " ").replace("_", " ").split()
    return "".join(w[0] for w in words[:2]).upper() or "?"


def _preview(text: str) -> str:
    """The message on one line, cut to about PREVIEW characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW else flat[: PREVIEW - 1].rstrip() + "…"


def _page(limit: int) -> int:
    """A page size within bounds."""
    return max(1, min(int(limit), MAX_PAGE))


def _clean_body(body: str) -> str:
    """The message text with control characters dropped and ends trimmed; 1 to MAX_BODY characters."""
    text = contact_store.clean_multiline(body)
    if not 1 <= len(text) <= MAX_BODY:
        raise ValidationError(f"Enter a message of 1 to {MAX_BODY} characters.", field="body")
    return text


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
    )
    if conversation_id is not None:
        query = query.where(Conversation.id == conversation_id)
    query = query.order_by(
        func.coalesce(Conversation.last_message_at, Conversation.created_at).desc(), Conversation.id
    ).limit(_page(limit))
    return [_conversation_read(user, row) for row in session.exec(query).all()]


def _conversation_read(user: User, row) -> ConversationRead:
    """One row of `_reads` as a read model."""
    conversation_id, last_at, other_id, name, email, body, sender_id, unread = row
    other_name = _display_name(name, email)
    return ConversationRead(
        id=conversation_id,
        other_user_id=other_id,
        other_name=other_name,
        other_initials=_initials(other_name),
        last_message=_preview(body or ""),
        last_message_mine=sender_id is not None and str(sender_id) == str(user.id),
        last_at=clock.as_utc(last_at) if last_at else None,
        unread=unread or 0,
    )


def _message_read(message: DirectMessage, viewer_id: uuid.UUID) -> MessageRead:
    """A message as the viewer sees it."""
    return MessageRead(
        id=message.id,
        conversation_id=message.conversation_id,
        sender_id=message.sender_id,
        mine=message.sender_id == viewer_id,
        body=message.body,
        created_at=clock.as_utc(message.created_at),
    )


def _membership(
    session: Session, user: User, conversation_id: uuid.UUID | str
) -> tuple[Conversation, ConversationMember]:
    """The conversation and the user's membership of it; NotFound for anyone else."""
    key = parse_id(conversation_id, "Conversation")
    row = session.exec(
        select(Conversation, ConversationMember)
        .join(ConversationMember, ConversationMember.conversation_id == Conversation.id)
        .where(Conversation.id == key, ConversationMember.user_id == user.id)
    ).first()
    if row is None:
        raise NotFound("Conversation not found.")
    return row[0], row[1]


def _get_or_create(session: Session, first: uuid.UUID, second: uuid.UUID) -> Conversation:
    """The pair's conversation, created with both members when there is none."""
    key = _pair_key(first, second)
    found = session.exec(select(Conversation).where(Conversation.pair_key == key)).first()
    if found is not None:
        return found
    try:
        with session.begin_nested():
            conversation = Conversation(pair_key=key)
            session.add(conversation)
            session.flush()
            session.add_all(
                [ConversationMember(conversation_id=conversation.id, user_id=uid) for uid in (first, second)]
            )
            session.flush()
    except IntegrityError:  # the other person started it at the same moment: use theirs
        return session.exec(select(Conversation).where(Conversation.pair_key == key)).one()
    return conversation


def _contact_user(session: Session, contact: SavedContact) -> uuid.UUID | None:
    """The active account behind a contact: the owner of its card, else a user with one of its emails."""
    if contact.card_id is not None:
        owner = session.exec(
            select(User.id)
            .join(Card, Card.owner_id == User.id)
            .where(Card.id == contact.card_id, User.is_active.is_(True))
        ).first()
        if owner is not None:
            return owner
    emails = sorted({item["value"].lower() for item in contact.emails})
    if not emails:
        return None
    return session.exec(
        select(User.id).where(func.lower(User.email).in_(emails), User.is_active.is_(True)).order_by(User.created_at)
    ).first()


def _resolves_to(owner_id: uuid.UUID, target: User):
    """SQL condition: a contact of `owner_id` that is `target` (linked to their card, or has their email)."""
    cards = select(Card.id).where(Card.owner_id == target.id)
    by_email = select(ContactIdentity.contact_id).where(
        ContactIdentity.owner_id == owner_id,
        ContactIdentity.kind == "email",
        ContactIdentity.value == target.email.lower(),
    )
    return and_(SavedContact.owner_id == owner_id, or_(SavedContact.card_id.in_(cards), SavedContact.id.in_(by_email)))


def _connected(session: Session, user: User, other: User) -> bool:
    """Whether either of the two has the other in their contacts (a saved card, a shared form, their email)."""
    query = select(SavedContact.id).where(or_(_resolves_to(user.id, other), _resolves_to(other.id, user)))
    return session.exec(query.limit(1)).first() is not None


def _log_history(session: Session, *, sender: User, recipient: User, body: str, message: DirectMessage) -> None:
    """Put the message on the timeline of each side's saved contacts for the other side."""
    sides = {sender.id: (sender, "outbound"), recipient.id: (recipient, "inbound")}
    contacts = session.exec(
        select(SavedContact).where(or_(_resolves_to(sender.id, recipient), _resolves_to(recipient.id, sender)))
    ).all()
    for contact in contacts:
        owner, direction = sides[contact.owner_id]
        history.log(
            session=session,
            owner=owner,
            contact_id=contact.id,
            channel="in_app",
            direction=direction,
            body=body,
            at=message.created_at,
        )


def start_with_user(*, session: Session, user: User, other_user_id: uuid.UUID | str) -> ConversationRead:
    """The conversation with another user, started if needed (only between people linked by a contact).

    NotFound for an unknown or inactive user; PermissionDenied for a stranger, so ids alone cannot be spammed.
    """
    other_id = parse_id(other_user_id, "User")
    if other_id == user.id:
        raise ValidationError("You cannot message yourself.", field="user_id")
    other = session.get(User, other_id)
    if other is None or not other.is_active:
        raise NotFound("User not found.")
    started = session.exec(select(Conversation.id).where(Conversation.pair_key == _pair_key(user.id, other_id)))
    if started.first() is None and not _connected(session, user, other):
        raise PermissionDenied("You can message people in your contacts, and people who saved your card.")
    conversation = _get_or_create(session, user.id, other_id)
    return get(session=session, user=user, conversation_id=conversation.id)


def start_with_contact(*, session: Session, user: User, contact_id: uuid.UUID | str) -> ConversationRead:
    """The conversation with the MetaIC account behind one of the user's contacts."""
    contact = contact_store.require_contact(session=session, owner_id=user.id, contact_id=contact_id)
    other_id = _contact_user(session, contact)
    if other_id is None:
        raise ValidationError("This contact is not on MetaIC yet.", field="contact_id")
    return start_with_user(session=session, user=user, other_user_id=other_id)


def contact_user_id(*, session: Session, user: User, contact_id: uuid.UUID | str) -> uuid.UUID | None:
    """The account a contact can be messaged at (never the user's own), without starting anything."""
    contact = contact_store.require_contact(session=session, owner_id=user.id, contact_id=contact_id)
    found = _contact_user(session, contact)
    return found if found != user.id else None


def send(*, session: Session, user: User, conversation_id: uuid.UUID | str, body: str) -> MessageRead:
    """Send a message: store it, notify the other person, and log it on both sides' contact timelines."""
    conversation, member = _membership(session, user, conversation_id)
    text = _clean_body(body)
    ratelimit.hit(f"chat:{user.id}", limit=MESSAGES_PER_MINUTE, window=60)
    recipient = session.exec(
        select(User)
        .join(ConversationMember, ConversationMember.user_id == User.id)
        .where(ConversationMember.conversation_id == conversation.id, User.id != user.id)
    ).first()
    if recipient is None or not recipient.is_active:
        raise ValidationError("This person can no longer receive messages.", field="body")
    message = DirectMessage(conversation_id=conversation.id, sender_id=user.id, body=text, created_at=clock.now())
    conversation.last_message_at = member.last_read_at = message.created_at
    session.add_all([message, conversation, member])
    session.flush()
    notify(
        session=session,
        user=recipient,
        kind="message",
        data={"sender": user.name or user.email, "preview": _preview(text), "url": conversation_url(conversation.id)},
    )
    _log_history(session, sender=user, recipient=recipient, body=text, message=message)
    return _message_read(message, user.id)


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
    conversation, _ = _membership(session, user, conversation_id)
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
    return [_message_read(m, user.id) for m in reversed(rows)]


def mark_read(*, session: Session, user: User, conversation_id: uuid.UUID | str) -> None:
    """Mark every message of the conversation read for the user."""
    conversation, member = _membership(session, user, conversation_id)
    now = clock.now()
    last = clock.as_utc(conversation.last_message_at) if conversation.last_message_at else now
    member.last_read_at = max(now, last)
    session.add(member)
    # The bell's "new message" notifications for this conversation are read now too.
    notification_service.mark_read_for_url(
        session=session, user=user, kind="message", url=conversation_url(conversation.id)
    )
    session.flush()


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
        .where(
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
        .where(ConversationMember.user_id == user.id)
    ).one()
    return f"{latest or ''}|{count}|{total}"
