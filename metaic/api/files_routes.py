"""`/api/v1/files` (upload, read, delete images) and `/files/{key}` (serve stored image objects)."""

from __future__ import annotations

import hashlib
import uuid

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from metaic.api import uploads
from metaic.api.deps import current_user, db_session
from metaic.api.idempotency import IDEMPOTENT
from metaic.auth.models import User
from metaic.config import get_settings
from metaic.core import cdn
from metaic.core.errors import ValidationError
from metaic.files import service as file_service
from metaic.files.images import FileTooLarge
from metaic.files.models import PURPOSES, FileRead

router = APIRouter(tags=["files"])

# Room for the multipart envelope (boundaries, part headers, the purpose field) on top of the file.
ENVELOPE_BYTES = 1_000_000
IMMUTABLE = cdn.IMMUTABLE
LEGACY_CACHE = "public, max-age=86400"

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "purpose"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "JPEG, PNG, WebP or GIF"},
                        "purpose": {"type": "string", "enum": list(PURPOSES)},
                    },
                }
            }
        },
    },
}


class Usage(BaseModel):
    """How much of the storage quota a user has used."""

    used_bytes: int
    quota_bytes: int


def _too_large(limit_mb: int) -> FileTooLarge:
    """The refusal for a body over the limit."""
    return FileTooLarge(f"This file is larger than the {limit_mb} MB limit. Choose a smaller image.", field="file")


@router.post(
    "/api/v1/files",
    status_code=201,
    response_model=FileRead,
    openapi_extra=_UPLOAD_BODY,
    dependencies=[IDEMPOTENT],
)
async def upload_file(
    request: Request,
    response: Response,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> FileRead:
    """Upload an image (multipart fields `file` and `purpose`); variants are made in the background."""
    limit_mb = get_settings().max_upload_mb
    body = await uploads.read_capped(request, limit_mb * 1_000_000 + ENVELOPE_BYTES, lambda: _too_large(limit_mb))
    form = await uploads.form_of(request, body)
    try:
        upload, purpose = form.get("file"), form.get("purpose")
        errors = {}
        if not isinstance(upload, UploadFile):
            errors["file"] = "Attach the image as the multipart field `file`."
        if not isinstance(purpose, str) or not purpose:
            errors["purpose"] = f"Say what the image is for: {', '.join(PURPOSES)}."
        if errors:
            raise ValidationError("Some fields are not valid.", errors=errors)
        data = await upload.read()
        result = await run_in_threadpool(
            lambda: file_service.upload(
                session=session, owner=user, purpose=purpose, filename=upload.filename or "", data=data
            )
        )
    finally:
        await form.close()
    response.headers["Location"] = f"/api/v1/files/{result.id}"
    return result


@router.get("/api/v1/files", response_model=list[FileRead])
def list_files(
    purpose: str | None = None,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> list[FileRead]:
    """The caller's images, newest first."""
    return file_service.list_(session=session, owner=user, purpose=purpose)


@router.get("/api/v1/files/usage", response_model=Usage)
def storage_usage(
    user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> Usage:
    """Bytes used and allowed."""
    used, quota = file_service.usage(session=session, owner=user)
    return Usage(used_bytes=used, quota_bytes=quota)


@router.get("/api/v1/files/{file_id}", response_model=FileRead)
def get_file(
    file_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> FileRead:
    """One of the caller's images, with its variant addresses once ready."""
    return file_service.get(session=session, owner=user, file_id=file_id)


@router.delete("/api/v1/files/{file_id}", status_code=204)
def delete_file(
    file_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> Response:
    """Delete one of the caller's images and its stored variants."""
    file_service.delete(session=session, owner=user, file_id=file_id)
    return Response(status_code=204)


@router.api_route("/files/{key:path}", methods=["GET", "HEAD"], include_in_schema=False)
def serve_object(key: str, request: Request) -> Response:
    """Serve a stored image (public card assets at unguessable addresses) with long cache headers."""
    data, content_type = file_service.read_object(key=key)
    etag = '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'
    headers = {
        # A content-hashed name never changes content; an older name is still answered, cached for a day.
        "Cache-Control": IMMUTABLE if file_service.is_content_hashed(key) else LEGACY_CACHE,
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(content=data, media_type=content_type, headers=headers)
