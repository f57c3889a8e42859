"""`/api/v1/contacts/tags`: the caller's contact tags (list, create, rename, recolour, merge, delete)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from metaic.api.deps import current_user, db_session
from metaic.api.idempotency import IDEMPOTENT
from metaic.auth.models import User
from metaic.contacts import tags
from metaic.contacts.schemas import TagRead

# Included by contacts_routes.router (prefix /api/v1/contacts) ahead of its "/{contact_id}" routes.
router = APIRouter()


class TagBody(BaseModel):
    """A new tag."""

    name: str = Field(max_length=100)
    color: str = Field(default="gray", max_length=20)


class TagChange(BaseModel):
    """A rename and/or recolour."""

    name: str | None = Field(default=None, max_length=100)
    color: str | None = Field(default=None, max_length=20)


class TagMergeBody(BaseModel):
    """Move every contact of `drop_id` onto `keep_id`, then delete `drop_id`."""

    keep_id: uuid.UUID
    drop_id: uuid.UUID


@router.get("/tags")
def list_tags(
    user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> list[TagRead]:
    """The caller's tags, by name."""
    return tags.list_tags(session=session, owner=user)


@router.post("/tags", status_code=201, dependencies=[IDEMPOTENT])
def create_tag(
    body: TagBody, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> TagRead:
    """A new tag (409 when the name is taken)."""
    return tags.create_tag(session=session, owner=user, name=body.name, color=body.color)


@router.post("/tags/merge", responses={404: {"description": "A tag to merge is not the caller's."}})
def merge_tags(
    body: TagMergeBody, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> TagRead:
    """Merge one tag into another."""
    return tags.merge_tags(session=session, owner=user, keep_id=body.keep_id, drop_id=body.drop_id)


@router.patch("/tags/{tag_id}")
def update_tag(
    tag_id: uuid.UUID,
    body: TagChange,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> TagRead:
    """Rename or recolour a tag."""
    return tags.update_tag(session=session, owner=user, tag_id=tag_id, name=body.name, color=body.color)


@router.delete("/tags/{tag_id}", status_code=204)
def delete_tag(
    tag_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> Response:
    """Delete a tag; its contacts stay."""
    tags.delete_tag(session=session, owner=user, tag_id=tag_id)
    return Response(status_code=204)
