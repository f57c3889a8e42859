"""In-app messages between MetaIC users: 1:1 conversations, message requests, unread counts, contact timelines.

Who may write to whom: a conversation opens at once only when the other person has you in their contacts
(they saved your card, or added you themselves). Anyone else gets a message request: one intro message the
other person accepts or declines. A request is answered the same whether or not an account exists behind
the id or email, and the requester sees nothing of it until it is accepted, so the app never tells a
stranger who is on MetaIC.
"""

from __future__ import annotations

import uuid

from sqlalchemy import and_, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from metaic import events
from metaic.auth.models import User
from metaic.cards.models import Card
from metaic.contacts import history
from metaic.contacts import store as contact_store
from metaic.contacts.models import ContactIdentity, SavedContact
from metaic.core import clock, links, ratelimit
from metaic.core.errors import NotFound, PermissionDenied, ValidationError
from metaic.core.ids import parse_id
from metaic.messaging import queries
from metaic.messaging.models import DECLINED, OPEN, REQUESTED, Conversation, ConversationMember, DirectMessage
from metaic.messaging.queries import (  # noqa: F401  (re-exported: the read side is service.get, service.messages, ...)
    MAX_PAGE,
    activity_marker,
    get,
    list_conversations,
    messages,
    unread_total,
)
from metaic.messaging.schemas import ConversationRead, MessageRead
from metaic.notifications import service as notification_service
from metaic.notifications.flows import notify

MAX_BODY = 5000
# Enough for a lively chat, too few for a spam script.
MESSAGES_PER_MINUTE = 30
# Starting conversations and sending requests: plenty for a person, too few to probe or spam the user base.
STARTS_PER_HOUR = 60
REQUESTS_PER_DAY = 20
NOT_CONNECTED = (
    "You can message people who saved your card or have you in their contacts. Send anyone else a message request."
)
REACH_OPEN, REACH_REQUEST = "open", "request"
REQUEST_SENT = "Request sent. If they accept, the conversation appears in Messages."


def conversation_url(conversation_id: uuid.UUID) -> str:
    """Where a conversation opens in the app (notifications link there)."""
    return links.conversation(conversation_id)


def _pair_key(first: uuid.UUID, second: uuid.UUID) -> str:
    """The same text for a pair of users whichever order they come in."""
    return ":".join(sorted((str(first), str(second))))


def _message_note(sender: User, text: str, conversation_id: uuid.UUID) -> dict:
    """What the recipient's "new message" notification says and where it leads."""
    return {
        "sender": sender.name or sender.email,
        "preview": queries.preview(text),
        "url": conversation_url(conversation_id),
    }


def _clean_body(body: str) -> str:
    """The message text with control characters dropped and ends trimmed; 1 to MAX_BODY characters."""
    text = contact_store.clean_multiline(body)
    if not 1 <= len(text) <= MAX_BODY:
        raise ValidationError(f"Enter a message of 1 to {MAX_BODY} characters.", field="body")
    return text


def _find(session: Session, first: uuid.UUID, second: uuid.UUID) -> Conversation | None:
    """The pair's conversation in any state, if there is one."""
    return session.exec(select(Conversation).where(Conversation.pair_key == _pair_key(first, second))).first()


def _get_or_create(session: Session, first: uuid.UUID, second: uuid.UUID, *, status: str = OPEN) -> Conversation:
    """The pair's conversation, created with both members when there is none (`first` asks when it is a request)."""
    key = _pair_key(first, second)
    found = _find(session, first, second)
    if found is not None:
        return found
    try:
        with session.begin_nested():
            asker = first if status == REQUESTED else None
            conversation = Conversation(pair_key=key, status=status, requested_by=asker)
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
        ContactIdentity.value_hash == contact_store.identity_hash(owner_id, "email", target.email),
    )
    return and_(SavedContact.owner_id == owner_id, or_(SavedContact.card_id.in_(cards), SavedContact.id.in_(by_email)))


def _saved_by(session: Session, user: User, other: User) -> bool:
    """Whether `other` has `user` in their contacts by their own choice (saved their card, added or imported them).

    A contact that arrived through the anonymous share-back form does not count: anyone can fill that form
    with their own email on someone's card, which would let them write to its owner unasked.
    """
    chosen = and_(_resolves_to(other.id, user), SavedContact.source != "share_back")
    return session.exec(select(SavedContact.id).where(chosen).limit(1)).first() is not None


def _may_open(session: Session, user: User, other: User, conversation: Conversation | None) -> bool:
    """Whether `user` may talk to `other` now: an open conversation, a request from them, or they saved `user`."""
    if conversation is not None and conversation.status == OPEN:
        return True
    if conversation is not None and conversation.status == REQUESTED and conversation.requested_by == other.id:
        return True  # answering their request accepts it
    return _saved_by(session, user, other)


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


def _open(session: Session, conversation: Conversation) -> None:
    """Open a requested conversation: it takes messages now, and its intro goes on both sides' timelines."""
    if conversation.status == OPEN:
        return
    conversation.status = OPEN
    session.add(conversation)
    members = session.exec(
        select(User)
        .join(ConversationMember, ConversationMember.user_id == User.id)
        .where(ConversationMember.conversation_id == conversation.id)
    ).all()
    by_id = {m.id: m for m in members}
    intro = session.exec(select(DirectMessage).where(DirectMessage.conversation_id == conversation.id)).all()
    for message in intro:
        recipient = next((m for m in members if m.id != message.sender_id), None)
        if recipient is not None and message.sender_id in by_id:
            _log_history(
                session, sender=by_id[message.sender_id], recipient=recipient, body=message.body, message=message
            )
    session.flush()


def _start(session: Session, user: User, other_id: uuid.UUID | None) -> ConversationRead:
    """The open conversation with another account; one PermissionDenied for "no such account" and "not linked"."""
    other = session.get(User, other_id) if other_id is not None and other_id != user.id else None
    conversation = _find(session, user.id, other.id) if other is not None else None
    if other is None or not other.is_active or not _may_open(session, user, other, conversation):
        raise PermissionDenied(NOT_CONNECTED)
    conversation = conversation or _get_or_create(session, user.id, other.id)
    _open(session, conversation)
    return queries.get(session=session, user=user, conversation_id=conversation.id)


def start_with_user(*, session: Session, user: User, other_user_id: uuid.UUID | str) -> ConversationRead:
    """The conversation with another user, opened when they have the user in their contacts (or asked first).

    PermissionDenied, with the same words, for an unknown, inactive or unlinked account: send a request instead.
    """
    other_id = parse_id(other_user_id, "User")
    if other_id == user.id:
        raise ValidationError("You cannot message yourself.", field="user_id")
    ratelimit.hit(f"chat:start:{user.id}", limit=STARTS_PER_HOUR, window=3600)
    return _start(session, user, other_id)


def start_with_contact(*, session: Session, user: User, contact_id: uuid.UUID | str) -> ConversationRead:
    """The conversation with the MetaIC account behind one of the user's contacts (same rule and answer)."""
    contact = contact_store.require_contact(session=session, owner_id=user.id, contact_id=contact_id)
    ratelimit.hit(f"chat:start:{user.id}", limit=STARTS_PER_HOUR, window=3600)
    return _start(session, user, _contact_user(session, contact))


def contact_reach(*, session: Session, user: User, contact_id: uuid.UUID | str) -> str:
    """How the user can write to a contact in the app: "open", "request", or "" (nothing to reach them by).

    "request" is the answer for every contact with an email or a card that is not open to the user, whether
    or not an account is behind it.
    """
    contact = contact_store.require_contact(session=session, owner_id=user.id, contact_id=contact_id)
    other_id = _contact_user(session, contact)
    other = session.get(User, other_id) if other_id is not None and other_id != user.id else None
    if other is not None and _may_open(session, user, other, _find(session, user.id, other.id)):
        return REACH_OPEN
    return REACH_REQUEST if contact.emails or contact.card_id else ""


def request(
    *,
    session: Session,
    user: User,
    body: str,
    other_user_id: uuid.UUID | str | None = None,
    contact_id: uuid.UUID | str | None = None,
) -> None:
    """Ask to talk, with one intro message; nothing comes back, whether or not anyone is behind the id or contact.

    An existing open conversation (or one the other side may open) simply gets the message; a request the
    user already sent, or one that was declined, stays as it is; a request from the other side is accepted.
    """
    text = _clean_body(body)
    if contact_id is not None:
        contact = contact_store.require_contact(session=session, owner_id=user.id, contact_id=contact_id)
        other_id = _contact_user(session, contact)
    else:
        other_id = parse_id(other_user_id, "User")
        if other_id == user.id:
            raise ValidationError("You cannot message yourself.", field="user_id")
    ratelimit.hit(f"chat:request:{user.id}", limit=REQUESTS_PER_DAY, window=86400)
    other = session.get(User, other_id) if other_id is not None and other_id != user.id else None
    if other is None or not other.is_active:
        return
    conversation = _find(session, user.id, other.id)
    if _may_open(session, user, other, conversation):
        conversation = conversation or _get_or_create(session, user.id, other.id)
        _open(session, conversation)
        send(session=session, user=user, conversation_id=conversation.id, body=text)
        return
    if conversation is not None:
        return  # one intro per request; a declined request stays declined
    conversation = _get_or_create(session, user.id, other.id, status=REQUESTED)
    if conversation.requested_by != user.id:
        return  # the other side asked at the same moment: theirs stands
    message = DirectMessage(conversation_id=conversation.id, sender_id=user.id, body=text, created_at=clock.now())
    conversation.last_message_at = message.created_at
    session.add_all([message, conversation])
    session.flush()
    events.emit(session, "message.sent", message_id=message.id)
    notify(
        session=session,
        user=other,
        kind="message",
        data=_message_note(user, text, conversation.id),
    )


def _incoming_request(session: Session, user: User, conversation_id: uuid.UUID | str) -> Conversation:
    """A request someone sent the user, still waiting; NotFound otherwise."""
    conversation, _ = queries.membership(session, user, conversation_id)
    if conversation.status != REQUESTED:
        raise NotFound("Message request not found.")
    return conversation


def accept(*, session: Session, user: User, conversation_id: uuid.UUID | str) -> ConversationRead:
    """Accept a message request: the conversation opens for both."""
    conversation = _incoming_request(session, user, conversation_id)
    _open(session, conversation)
    return queries.get(session=session, user=user, conversation_id=conversation.id)


def decline(*, session: Session, user: User, conversation_id: uuid.UUID | str) -> None:
    """Decline a message request: it leaves the user's list, and the sender is never told or let back in."""
    conversation = _incoming_request(session, user, conversation_id)
    conversation.status = DECLINED
    session.add(conversation)
    notification_service.mark_read_for_url(
        session=session, user=user, kind="message", url=conversation_url(conversation.id)
    )
    session.flush()


def send(*, session: Session, user: User, conversation_id: uuid.UUID | str, body: str) -> MessageRead:
    """Send a message: store it, notify the other person, and log it on both sides' contact timelines."""
    conversation, member = queries.membership(session, user, conversation_id)
    text = _clean_body(body)
    if conversation.status != OPEN:
        raise ValidationError("Accept this message request to reply.", field="body")
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
    events.emit(session, "message.sent", message_id=message.id)
    notify(
        session=session,
        user=recipient,
        kind="message",
        data=_message_note(user, text, conversation.id),
    )
    _log_history(session, sender=user, recipient=recipient, body=text, message=message)
    return queries.message_read(message, user.id)


def mark_read(*, session: Session, user: User, conversation_id: uuid.UUID | str) -> None:
    """Mark every message of the conversation read for the user."""
    conversation, member = queries.membership(session, user, conversation_id)
    now = clock.now()
    last = clock.as_utc(conversation.last_message_at) if conversation.last_message_at else now
    member.last_read_at = max(now, last)
    session.add(member)
    # The bell's "new message" notifications for this conversation are read now too.
    notification_service.mark_read_for_url(
        session=session, user=user, kind="message", url=conversation_url(conversation.id)
    )
    session.flush()
