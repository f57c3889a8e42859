"""`/api/v1/ai/conversations`: Ask MetaIC conversations, questions answered as Server-Sent Events, actions.

A question is committed before its answer streams (so it is never lost); the answer is stored when the
stream ends. Events: `meta` (sources and proposed actions), `delta` (text pieces in order), `done` (the
stored answer), or `error`. Someone else's conversation is 404.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlmodel import Session

from metaic.ai import chat, chat_turn
from metaic.ai.chat_schemas import ActionRead, ConversationDetail, ConversationRead
from metaic.api.deps import current_user, db_session
from metaic.auth.models import User
from metaic.core.errors import DomainError

router = APIRouter(prefix="/api/v1/ai/conversations", tags=["ai"])
log = logging.getLogger(__name__)
NOT_FOUND = {404: {"description": "Not the caller's (or does not exist)."}}
STREAM = {
    200: {
        "description": "Server-Sent Events: `meta`, then `delta` pieces in order, then `done` with the stored answer.",
        "content": {"text/event-stream": {}},
    },
    **NOT_FOUND,
}
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


class TitleBody(BaseModel):
    """A conversation's title (empty: titled by its first question)."""

    title: str = Field(default="", max_length=200)


class QuestionBody(BaseModel):
    """The owner's question."""

    text: str = Field(min_length=1, max_length=2000)


def _sse(events: Iterator[dict]) -> Iterator[bytes]:
    """Each event as one Server-Sent Event; a failure after the headers went out becomes an `error` event."""
    try:
        for event in events:
            yield f"event: {event['type']}\ndata: {json.dumps(event, ensure_ascii=False)}\n\n".encode()
    except DomainError as exc:
        yield f"event: error\ndata: {json.dumps({'type': 'error', 'message': exc.message})}\n\n".encode()
    except Exception:
        log.exception("the assistant's answer stream failed")  # never the question or the prompt
        message = "The answer could not be finished. Your question is kept: try again."
        yield f"event: error\ndata: {json.dumps({'type': 'error', 'message': message})}\n\n".encode()


def _stream(owner: User, conversation_id: uuid.UUID, question_id: uuid.UUID) -> StreamingResponse:
    """The answer to a committed question, as an event stream."""
    events = chat_turn.reply(owner_id=owner.id, conversation_id=conversation_id, question_id=question_id)
    return StreamingResponse(_sse(events), media_type="text/event-stream", headers=SSE_HEADERS)


@router.get("")
def list_conversations(
    user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> list[ConversationRead]:
    """The caller's conversations, most recently used first."""
    return chat.list_(session=session, owner=user)


@router.post("", status_code=201)
def create_conversation(
    body: TitleBody, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> ConversationRead:
    """Start an empty conversation."""
    return chat.create(session=session, owner=user, title=body.title)


@router.get("/{conversation_id}", responses=NOT_FOUND)
def get_conversation(
    conversation_id: uuid.UUID,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> ConversationDetail:
    """One conversation with its messages, their sources and actions."""
    return chat.get(session=session, owner=user, conversation_id=conversation_id)


@router.patch("/{conversation_id}", responses=NOT_FOUND)
def rename_conversation(
    conversation_id: uuid.UUID,
    body: TitleBody,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> ConversationRead:
    """Rename a conversation."""
    return chat.rename(session=session, owner=user, conversation_id=conversation_id, title=body.title)


@router.delete("/{conversation_id}", status_code=204, responses=NOT_FOUND)
def delete_conversation(
    conversation_id: uuid.UUID,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> None:
    """Delete a conversation and its messages."""
    chat.delete_(session=session, owner=user, conversation_id=conversation_id)


@router.post("/{conversation_id}/messages", responses=STREAM, response_class=StreamingResponse)
def ask(
    conversation_id: uuid.UUID,
    body: QuestionBody,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> StreamingResponse:
    """Store a question and stream its answer (committed before the stream starts)."""
    question = chat.ask(session=session, owner=user, conversation_id=conversation_id, text=body.text)
    return _stream(user, conversation_id, question.id)


@router.post("/{conversation_id}/retry", responses={**STREAM, 409: {"description": "No question yet."}})
def retry(
    conversation_id: uuid.UUID,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> StreamingResponse:
    """Answer the last question again (its previous answer is replaced)."""
    question = chat.retry(session=session, owner=user, conversation_id=conversation_id)
    return _stream(user, conversation_id, question.id)


@router.post(
    "/{conversation_id}/actions/{action_id}/confirm", responses={**NOT_FOUND, 409: {"description": "Already done."}}
)
def confirm_action(
    conversation_id: uuid.UUID,
    action_id: str,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> ActionRead:
    """Run one proposed action (a reminder, a draft for compose, tags); nothing runs without this call."""
    return chat.confirm_action(session=session, owner=user, conversation_id=conversation_id, action_id=action_id)
