"""Ask MetaIC conversations: list, open, rename, delete; store questions; confirm proposed actions.

Every function takes the owner and loads the conversation with `owner_id = owner`: someone else's
conversation, message or action is NotFound, exactly like one that does not exist. Answers are
written by chat_turn.reply. Questions and prompts are stored as messages, never logged.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, delete, select

from metaic.ai import actions
from metaic.ai.chat_models import AiConversation, AiMessage
from metaic.ai.chat_schemas import (
    ActionRead,
    ChatMessageRead,
    ConversationDetail,
    ConversationRead,
    conversation_read,
    message_read,
)
from metaic.ai.text import shorten
from metaic.auth.models import User
from metaic.core import clock
from metaic.core.errors import Conflict, NotFound, ValidationError

TITLE_LIMIT = 80
QUESTION_LIMIT = 2000
LIST_LIMIT = 200


def _parse(value: uuid.UUID | str, what: str) -> uuid.UUID:
    """An id from a path or a form, or NotFound for anything that is not one."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound(f"{what} not found.") from None


def require(*, session: Session, owner: User, conversation_id: uuid.UUID | str) -> AiConversation:
    """The owner's conversation, or NotFound (also for anyone else's)."""
    found = session.get(AiConversation, _parse(conversation_id, "Conversation"))
    if found is None or found.owner_id != owner.id:
        raise NotFound("Conversation not found.")
    return found


def _title(raw: str) -> str:
    """A conversation title: one line, trimmed, at most TITLE_LIMIT characters."""
    return shorten(" ".join((raw or "").split()), TITLE_LIMIT)


def create(*, session: Session, owner: User, title: str = "") -> ConversationRead:
    """A new, empty conversation (titled by its first question unless a title is given)."""
    row = AiConversation(owner_id=owner.id, title=_title(title))
    session.add(row)
    session.flush()
    return conversation_read(row)


def list_(*, session: Session, owner: User) -> list[ConversationRead]:
    """The owner's conversations, most recently used first."""
    rows = session.exec(
        select(AiConversation)
        .where(AiConversation.owner_id == owner.id)
        .order_by(AiConversation.updated_at.desc(), AiConversation.id)
        .limit(LIST_LIMIT)
    ).all()
    return [conversation_read(r) for r in rows]


def messages_of(session: Session, conversation: AiConversation) -> list[AiMessage]:
    """A conversation's messages, oldest first."""
    return list(
        session.exec(
            select(AiMessage)
            .where(AiMessage.conversation_id == conversation.id, AiMessage.owner_id == conversation.owner_id)
            .order_by(AiMessage.created_at, AiMessage.role.desc())
        )
    )


def get(*, session: Session, owner: User, conversation_id: uuid.UUID | str) -> ConversationDetail:
    """One conversation with its messages."""
    row = require(session=session, owner=owner, conversation_id=conversation_id)
    return ConversationDetail(
        **conversation_read(row).model_dump(), messages=[message_read(m) for m in messages_of(session, row)]
    )


def rename(*, session: Session, owner: User, conversation_id: uuid.UUID | str, title: str) -> ConversationRead:
    """Give a conversation a new title."""
    row = require(session=session, owner=owner, conversation_id=conversation_id)
    cleaned = _title(title)
    if not cleaned:
        raise ValidationError("Enter a title.", field="title")
    row.title = cleaned
    session.add(row)
    session.flush()
    return conversation_read(row)


def delete_(*, session: Session, owner: User, conversation_id: uuid.UUID | str) -> None:
    """Delete a conversation and all its messages."""
    row = require(session=session, owner=owner, conversation_id=conversation_id)
    session.exec(delete(AiMessage).where(AiMessage.conversation_id == row.id))
    session.delete(row)
    session.flush()


def ask(*, session: Session, owner: User, conversation_id: uuid.UUID | str, text: str) -> ChatMessageRead:
    """Store the owner's question (the answer is streamed by chat_turn.reply once this is committed)."""
    row = require(session=session, owner=owner, conversation_id=conversation_id)
    question = (text or "").strip()
    if not question:
        raise ValidationError("Type a question.", field="text")
    if len(question) > QUESTION_LIMIT:
        raise ValidationError(f"Use at most {QUESTION_LIMIT} characters.", field="text")
    message = AiMessage(conversation_id=row.id, owner_id=owner.id, role="user", content=question)
    row.title = row.title or _title(question)
    row.updated_at = message.created_at
    session.add_all([message, row])
    session.flush()
    return message_read(message)


def retry(*, session: Session, owner: User, conversation_id: uuid.UUID | str) -> ChatMessageRead:
    """Forget the answer to the last question (when there is one) so it can be answered again."""
    row = require(session=session, owner=owner, conversation_id=conversation_id)
    history = messages_of(session, row)
    last = next((i for i in range(len(history) - 1, -1, -1) if history[i].role == "user"), None)
    if last is None:
        raise Conflict("Ask a question first.")
    for answer in history[last + 1 :]:
        session.delete(answer)
    row.updated_at = clock.now()
    session.add(row)
    session.flush()
    return message_read(history[last])


def confirm_action(*, session: Session, owner: User, conversation_id: uuid.UUID | str, action_id: str) -> ActionRead:
    """Run a proposed action of the owner's conversation, once; Conflict when it already ran."""
    row = require(session=session, owner=owner, conversation_id=conversation_id)
    for message in messages_of(session, row):
        for index, action in enumerate(message.actions or []):
            if action.get("id") != action_id:
                continue
            if action.get("status") != "proposed":
                raise Conflict("This action was already done.")
            result = actions.run(session=session, owner=owner, action=action)
            done = {**action, "status": "done", "result": result}
            message.actions = [*message.actions[:index], done, *message.actions[index + 1 :]]
            flag_modified(message, "actions")
            session.add(message)
            session.flush()
            return ActionRead(id=done["id"], kind=done["kind"], label=done["label"], status="done", result=result)
    raise NotFound("Action not found.")
