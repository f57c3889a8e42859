"""`/api/v1/templates` and `/api/v1/contacts/{id}/messages`: message templates, preview, send now or later."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import AwareDatetime, BaseModel, Field
from sqlmodel import Session

from metaic.api.deps import current_user, db_session
from metaic.api.idempotency import IDEMPOTENT
from metaic.auth.models import User
from metaic.communication import flows, service, templates
from metaic.communication.schemas import MessageRead, PreviewRead, TemplateRead

router = APIRouter(tags=["communication"])

Channel = Literal["email", "whatsapp"]
# Generous caps on the wire; the services apply the exact limits with friendlier messages.
NAME_CAP, SUBJECT_CAP, BODY_CAP = 200, 1000, 50000


class TemplateBody(BaseModel):
    """A new template; `subject` and `body` may use `{{ contact.first_name }}`, `{{ me.name }}` and the like."""

    name: str = Field(max_length=NAME_CAP)
    channel: Channel = "email"
    subject: str = Field(default="", max_length=SUBJECT_CAP)
    body: str = Field(max_length=BODY_CAP)


class TemplateChange(BaseModel):
    """The template fields to change; the others stay."""

    name: str | None = Field(default=None, max_length=NAME_CAP)
    channel: Channel | None = None
    subject: str | None = Field(default=None, max_length=SUBJECT_CAP)
    body: str | None = Field(default=None, max_length=BODY_CAP)


class PreviewBody(BaseModel):
    """Preview a saved template (`template_id`) or the given `subject` and `body`."""

    template_id: uuid.UUID | None = None
    subject: str = Field(default="", max_length=SUBJECT_CAP)
    body: str = Field(default="", max_length=BODY_CAP)


class SendBody(BaseModel):
    """A message, plain or with `{{ variables }}` (filled in for the contact as `/preview` shows).

    `send_at` (with a time zone, within a year) schedules it, else it goes now.

    A `send_at` more than a few minutes in the past is refused (422), as the compose dialog refuses it.
    """

    channel: Channel
    subject: str = Field(default="", max_length=SUBJECT_CAP)
    body: str = Field(max_length=BODY_CAP)
    send_at: AwareDatetime | None = None


@router.get("/api/v1/templates")
def list_templates(
    user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> list[TemplateRead]:
    """The caller's templates by name (three defaults appear on first use)."""
    return [TemplateRead.model_validate(t) for t in templates.list_(session=session, owner=user)]


@router.post("/api/v1/templates", status_code=201, dependencies=[IDEMPOTENT])
def create_template(
    body: TemplateBody,
    response: Response,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> TemplateRead:
    """Save a template (409 when the name is taken, 422 when it does not render)."""
    template = templates.create(
        session=session, owner=user, name=body.name, channel=body.channel, subject=body.subject, body=body.body
    )
    response.headers["Location"] = f"/api/v1/templates/{template.id}"
    return TemplateRead.model_validate(template)


@router.get("/api/v1/templates/{template_id}")
def get_template(
    template_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> TemplateRead:
    """One of the caller's templates."""
    return TemplateRead.model_validate(templates.get(session=session, owner=user, template_id=template_id))


@router.patch("/api/v1/templates/{template_id}")
def update_template(
    template_id: uuid.UUID,
    body: TemplateChange,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> TemplateRead:
    """Change the fields given; the others stay."""
    template = templates.update(
        session=session,
        owner=user,
        template_id=template_id,
        name=body.name,
        channel=body.channel,
        subject=body.subject,
        body=body.body,
    )
    return TemplateRead.model_validate(template)


@router.delete("/api/v1/templates/{template_id}", status_code=204)
def delete_template(
    template_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> Response:
    """Delete a template."""
    templates.delete(session=session, owner=user, template_id=template_id)
    return Response(status_code=204)


@router.post("/api/v1/contacts/{contact_id}/messages/preview")
def preview_message(
    contact_id: uuid.UUID,
    body: PreviewBody,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> PreviewRead:
    """The subject and body filled in for this contact, from a template or from the given text."""
    subject, text = templates.preview(
        session=session,
        owner=user,
        contact_id=contact_id,
        template_id=body.template_id,
        subject=body.subject,
        body=body.body,
    )
    return PreviewRead(subject=subject, body=text)


@router.post("/api/v1/contacts/{contact_id}/messages", status_code=201, dependencies=[IDEMPOTENT])
def send_message(
    contact_id: uuid.UUID,
    body: SendBody,
    response: Response,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> MessageRead:
    """Fill the text's `{{ variables }}` for the contact and queue it, now or at `send_at` (as the compose dialog does).

    Poll the Location for the outcome. Text without variables is sent as it is."""
    message = flows.send_from_template(
        session=session,
        owner=user,
        contact_id=contact_id,
        channel=body.channel,
        subject=body.subject,
        body=body.body,
        send_at=body.send_at,
    )
    response.headers["Location"] = f"/api/v1/messages/{message.id}"
    return MessageRead.model_validate(message)


@router.get("/api/v1/contacts/{contact_id}/messages")
def contact_messages(
    contact_id: uuid.UUID,
    limit: int = Query(100, ge=1, le=500),
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> list[MessageRead]:
    """The messages to one contact, newest first."""
    rows = service.list_(session=session, owner=user, contact_id=contact_id, limit=limit)
    return [MessageRead.model_validate(m) for m in rows]


@router.get("/api/v1/messages")
def list_messages(
    limit: int = Query(100, ge=1, le=500),
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> list[MessageRead]:
    """All the caller's messages, newest first."""
    return [MessageRead.model_validate(m) for m in service.list_(session=session, owner=user, limit=limit)]


@router.get("/api/v1/messages/{message_id}")
def get_message(
    message_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> MessageRead:
    """One of the caller's messages and its delivery status."""
    return MessageRead.model_validate(service.get(session=session, owner=user, message_id=message_id))


@router.post("/api/v1/messages/{message_id}/cancel")
def cancel_message(
    message_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> MessageRead:
    """Cancel a message that is still queued (409 once it is being sent or was sent)."""
    return MessageRead.model_validate(service.cancel(session=session, owner=user, message_id=message_id))
