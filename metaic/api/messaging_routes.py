"""`/api/v1/conversations`: in-app messages between MetaIC users, and message requests to anyone else."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field, model_validator
from sqlmodel import Session

from metaic.api.deps import current_user, db_session
from metaic.api.idempotency import IDEMPOTENT
from metaic.auth.models import User
from metaic.messaging import service
from metaic.messaging.schemas import ConversationRead, MessageRead

router = APIRouter(prefix="/api/v1/conversations", tags=["messaging"])


class StartBody(BaseModel):
    """Whom to talk to: a MetaIC user, or one of the caller's saved contacts who is on MetaIC."""

    user_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> StartBody:
        """Refuse a body with neither or both."""
        if (self.user_id is None) == (self.contact_id is None):
            raise ValueError("Give either user_id or contact_id.")
        return self


class RequestBody(StartBody):
    """A message request: whom to ask (a user or one of the caller's contacts) and one intro message."""

    body: str = Field(max_length=service.MAX_BODY * 2)


class RequestSent(BaseModel):
    """The answer to every message request, whoever is (or is not) behind it."""

    status: Literal["sent"] = "sent"
    detail: str = service.REQUEST_SENT


class MessageBody(BaseModel):
    """The text of a message (the service trims it and checks its length)."""

    body: str = Field(max_length=service.MAX_BODY * 2)


class UnreadCount(BaseModel):
    """How many messages the caller has not read."""

    unread: int


@router.get("")
def list_conversations(
    limit: int = Query(50, ge=1, le=service.MAX_PAGE),
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> list[ConversationRead]:
    """The caller's conversations, newest activity first."""
    return service.list_conversations(session=session, user=user, limit=limit)


@router.post(
    "",
    status_code=201,
    dependencies=[IDEMPOTENT],
    responses={
        403: {"description": "Not linked yet: send a message request"},
        404: {"description": "The contact or user to write to was not found."},
    },
)
def start(
    body: StartBody,
    response: Response,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> ConversationRead:
    """Open the conversation with a user or a contact's account who has the caller in their contacts.

    Anyone else (or no one: the answer is the same) is 403: send a message request instead.
    """
    if body.user_id is not None:
        found = service.start_with_user(session=session, user=user, other_user_id=body.user_id)
    else:
        found = service.start_with_contact(session=session, user=user, contact_id=body.contact_id)
    response.headers["Location"] = f"{router.prefix}/{found.id}"
    return found


@router.post(
    "/requests",
    status_code=202,
    dependencies=[IDEMPOTENT],
    responses={404: {"description": "The contact or user to write to was not found."}},
)
def send_request(
    body: RequestBody, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> RequestSent:
    """Ask a user or a contact to talk, with one intro message; the same answer whether or not they are on MetaIC."""
    service.request(session=session, user=user, other_user_id=body.user_id, contact_id=body.contact_id, body=body.body)
    return RequestSent()


@router.post("/{conversation_id}/accept")
def accept(
    conversation_id: uuid.UUID,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> ConversationRead:
    """Accept a message request someone sent the caller: the conversation opens."""
    return service.accept(session=session, user=user, conversation_id=conversation_id)


@router.post("/{conversation_id}/decline", status_code=204)
def decline(
    conversation_id: uuid.UUID,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> Response:
    """Decline a message request: it goes away, and its sender is not told."""
    service.decline(session=session, user=user, conversation_id=conversation_id)
    return Response(status_code=204)


@router.get("/unread")
def unread(user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")) -> UnreadCount:
    """How many messages the caller has not read, across conversations."""
    return UnreadCount(unread=service.unread_total(session=session, user=user))


@router.get("/{conversation_id}")
def get_conversation(
    conversation_id: uuid.UUID,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> ConversationRead:
    """One of the caller's conversations."""
    return service.get(session=session, user=user, conversation_id=conversation_id)


@router.get("/{conversation_id}/messages")
def list_messages(
    conversation_id: uuid.UUID,
    limit: int = Query(50, ge=1, le=service.MAX_PAGE),
    before: uuid.UUID | None = None,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> list[MessageRead]:
    """The latest messages (or those before message `before`), oldest first."""
    return service.messages(session=session, user=user, conversation_id=conversation_id, limit=limit, before=before)


@router.post("/{conversation_id}/messages", status_code=201, dependencies=[IDEMPOTENT])
def send(
    conversation_id: uuid.UUID,
    body: MessageBody,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> MessageRead:
    """Send a message."""
    return service.send(session=session, user=user, conversation_id=conversation_id, body=body.body)


@router.post("/{conversation_id}/read", status_code=204)
def mark_read(
    conversation_id: uuid.UUID,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> Response:
    """Mark the conversation read."""
    service.mark_read(session=session, user=user, conversation_id=conversation_id)
    return Response(status_code=204)
