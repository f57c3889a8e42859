"""`/api/v1/ai/scans`: photograph a paper business card, review what was read, save it as a contact."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Request, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from metaic.ai import scan
from metaic.api import uploads
from metaic.api.deps import current_user, db_session
from metaic.api.files_routes import ENVELOPE_BYTES
from metaic.api.idempotency import IDEMPOTENT
from metaic.auth.models import User
from metaic.config import get_settings
from metaic.core.errors import ValidationError
from metaic.files.images import FileTooLarge

router = APIRouter(prefix="/api/v1/ai/scans", tags=["ai"])
NOT_FOUND = {404: {"description": "Not the caller's photo (or it does not exist)."}}
_SCAN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary", "description": "JPEG, PNG, WebP"}},
                }
            }
        },
    },
}


def _too_large(limit_mb: int) -> FileTooLarge:
    """The refusal for a body over the upload limit."""
    return FileTooLarge(f"This photo is larger than the {limit_mb} MB limit. Choose a smaller one.", field="file")


@router.post("", status_code=201, response_model=scan.ScanRead, openapi_extra=_SCAN_BODY, dependencies=[IDEMPOTENT])
async def scan_card(
    request: Request, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> scan.ScanRead:
    """Store a card photo (multipart field `file`; type, size and pixels checked) and read its fields."""
    limit_mb = get_settings().max_upload_mb
    body = await uploads.read_capped(request, limit_mb * 1_000_000 + ENVELOPE_BYTES, lambda: _too_large(limit_mb))
    form = await uploads.form_of(request, body)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ValidationError("Attach the photo as the multipart field `file`.", field="file")
        data = await upload.read()
        name = upload.filename or "card.jpg"
        # OCR takes a second or more of CPU: a worker thread, never the event loop.
        return await run_in_threadpool(lambda: scan.scan(session=session, owner=user, filename=name, data=data))
    finally:
        await form.close()


@router.post("/{file_id}/contact", response_model=scan.SaveResult, responses=NOT_FOUND)
def save_scan(
    file_id: uuid.UUID,
    body: scan.SaveScan,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> scan.SaveResult:
    """Save reviewed fields as a contact with the photo; `duplicate` (nothing saved) names a likely match first."""
    return scan.save(session=session, owner=user, file_id=file_id, data=body)


@router.delete("/{file_id}", status_code=204, responses=NOT_FOUND)
def discard_scan(
    file_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> Response:
    """Delete a scan's photo that was not saved."""
    scan.discard(session=session, owner=user, file_id=file_id)
    return Response(status_code=204)
