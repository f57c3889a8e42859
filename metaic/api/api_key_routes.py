"""`/api/v1/me/api-keys`: personal API keys with scopes (managed only by a signed-in session or access token)."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlmodel import Session

from metaic.api.deps import current_user, db_session
from metaic.api.idempotency import IDEMPOTENT
from metaic.auth import api_keys
from metaic.auth.models import ApiKey, User

router = APIRouter(prefix="/api/v1/me/api-keys", tags=["account"])


class ApiKeyCreate(BaseModel):
    """A name to recognise the key by, and what it may do."""

    name: str = Field(max_length=80, examples=["CRM sync"])
    scopes: list[str] = Field(min_length=1, max_length=40, examples=[["contacts:read", "cards:read"]])


class ApiKeyRead(BaseModel):
    """A key as listed: its prefix, never the key (except once, when made)."""

    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    key: str | None = None

    @classmethod
    def of(cls, row: ApiKey, key: str | None = None) -> ApiKeyRead:
        """From the stored row."""
        return cls(
            id=row.id,
            name=row.name,
            prefix=row.prefix,
            scopes=row.scopes.split(","),
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
            key=key,
        )


@router.post("", status_code=201, dependencies=[IDEMPOTENT])
def create_key(
    body: ApiKeyCreate, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> ApiKeyRead:
    """Make a key; the answer holds it once (`key`): store it now, it cannot be shown again."""
    row, key = api_keys.create(session=session, owner=user, name=body.name, scopes=body.scopes)
    return ApiKeyRead.of(row, key)


@router.get("")
def list_keys(
    user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> list[ApiKeyRead]:
    """The account's keys, newest first, with their last use."""
    return [ApiKeyRead.of(row) for row in api_keys.list_(session=session, owner=user)]


@router.delete("/{key_id}")
def revoke_key(
    key_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> ApiKeyRead:
    """Stop a key working at once."""
    return ApiKeyRead.of(api_keys.revoke(session=session, owner=user, key_id=key_id))
