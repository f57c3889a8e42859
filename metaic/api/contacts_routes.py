"""`/api/v1/contacts`: the book, reminders, timeline, duplicates, merges, import, export (tags: contact_tags_routes)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from metaic.api import contact_tags_routes, etags, uploads
from metaic.api.deps import current_user, db_session
from metaic.api.idempotency import IDEMPOTENT
from metaic.api.paging import offset_query
from metaic.auth.models import User
from metaic.contacts import dedupe, formats, history, imports, reminders, search, service
from metaic.contacts import flows as contact_flows
from metaic.contacts.schemas import (
    ContactFilters,
    ContactInput,
    ContactPage,
    ContactRead,
    ContactSource,
    ContactUpdate,
    DuplicatePair,
    HistoryRead,
    ImportReport,
    ReminderRead,
)
from metaic.core.errors import ValidationError
from metaic.core.times import UtcDatetime
from metaic.files.images import FileTooLarge

router = APIRouter(prefix="/api/v1/contacts", tags=["contacts"])
# "/tags..." before "/{contact_id}", which would otherwise take "tags" for a contact id.
router.include_router(contact_tags_routes.router)

# Room for the multipart envelope (boundaries, part headers, the format field) on top of the file.
ENVELOPE_BYTES = 64 * 1024
Stage = Literal["new", "warm", "client", "partner"]
ExportFormat = Literal["vcard", "google", "outlook"]

_IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "vCard, Google or Outlook CSV"},
                        "format": {"type": "string", "enum": ["auto", *formats.FORMATS], "default": "auto"},
                    },
                }
            }
        },
    },
}


class ReminderBody(BaseModel):
    """A follow-up: an explicit time or a quick choice, and an optional note."""

    due_at: datetime | None = None
    quick: Literal["tomorrow", "next_week"] | None = None
    note: str = Field(default="", max_length=500)


class SnoozeBody(BaseModel):
    """When a snoozed reminder fires again: at `until`, or `days` after it was due (from now if that has passed)."""

    until: datetime | None = None
    days: int | None = Field(default=None, ge=1, le=365)


class MergeBody(BaseModel):
    """Merge `drop_id` into `keep_id`; `choices` picks a side per field (`keep` or `drop`)."""

    keep_id: uuid.UUID
    drop_id: uuid.UUID
    choices: dict[str, Literal["keep", "drop"]] = Field(default_factory=dict, max_length=len(dedupe.MERGE_FIELDS))


class MergeResult(BaseModel):
    """The merge (its id undoes it) and the merged contact."""

    merge_id: uuid.UUID
    contact: ContactRead


class UndoResult(BaseModel):
    """Both contacts of an undone merge, as they were before it."""

    kept: ContactRead
    restored: ContactRead


class ImportStarted(BaseModel):
    """A queued import; poll its address for progress and the report."""

    id: uuid.UUID
    status: str


class ImportJobRead(BaseModel):
    """An import's status, progress and row-by-row report."""

    id: uuid.UUID
    filename: str
    format: str
    status: str
    total: int
    processed: int
    error: str
    report: ImportReport | None
    created_at: UtcDatetime
    finished_at: UtcDatetime | None


def filters(
    query: str = Query("", max_length=200),
    tag_id: uuid.UUID | None = None,
    source: ContactSource | None = None,
    stage: Stage | None = None,
    event: str = Query("", max_length=200),
    reminder_due: bool = False,
) -> ContactFilters:
    """The contact-book filters from the query string."""
    return ContactFilters(
        query=query, tag_id=tag_id, source=source, stage=stage, event=event, reminder_due=reminder_due
    )


@router.get("")
def list_contacts(
    where: ContactFilters = Depends(filters),
    sort: str = Query("name", max_length=40),
    limit: int = Query(50, ge=1, le=search.MAX_LIMIT),
    offset: int = offset_query(),
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> ContactPage:
    """A page of the caller's contacts (sort: name, created, last_contacted; `-` for descending)."""
    return service.list_(session=session, owner=user, filters=where, sort=sort, limit=limit, offset=offset)


@router.post("", status_code=201, dependencies=[IDEMPOTENT])
def create_contact(
    body: ContactInput,
    response: Response,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> ContactRead:
    """Add a contact."""
    contact = service.create(session=session, owner=user, data=body)
    response.headers["Location"] = f"/api/v1/contacts/{contact.id}"
    return service.get(session=session, owner=user, contact_id=contact.id)


@router.get("/duplicates")
def duplicates(
    limit: int = Query(50, ge=1, le=200),
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> list[DuplicatePair]:
    """Likely duplicates among the caller's contacts, best first."""
    return dedupe.find_duplicates(session=session, owner=user, limit=limit)


@router.post("/merge", responses={404: {"description": "A contact to merge is not the caller's."}})
def merge_contacts(
    body: MergeBody, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> MergeResult:
    """Merge two of the caller's contacts; the answer's `merge_id` undoes it."""
    record = dedupe.merge(session=session, owner=user, keep_id=body.keep_id, drop_id=body.drop_id, choices=body.choices)
    return MergeResult(merge_id=record.id, contact=service.get(session=session, owner=user, contact_id=record.keep_id))


@router.post("/merges/{merge_id}/undo")
def undo_merge(
    merge_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> UndoResult:
    """Put both contacts of a merge back as they were."""
    kept, restored = dedupe.undo_merge(session=session, owner=user, merge_id=merge_id)
    return UndoResult(
        kept=service.get(session=session, owner=user, contact_id=kept.id),
        restored=service.get(session=session, owner=user, contact_id=restored.id),
    )


@router.post("/reminders/{reminder_id}/done")
def reminder_done(
    reminder_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> ReminderRead:
    """Mark a reminder done."""
    return reminders.done(session=session, owner=user, reminder_id=reminder_id)


@router.post("/reminders/{reminder_id}/snooze")
def reminder_snooze(
    reminder_id: uuid.UUID,
    body: SnoozeBody,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> ReminderRead:
    """Move a reminder to a later time (the same rule as the contact page's Snooze button for `days`)."""
    if (body.until is None) == (body.days is None):
        raise ValidationError("Give either a time (until) or a number of days.", field="until")
    if body.days is not None:
        return reminders.snooze_for(session=session, owner=user, reminder_id=reminder_id, days=body.days)
    return reminders.snooze(session=session, owner=user, reminder_id=reminder_id, until=body.until)


def _too_large() -> FileTooLarge:
    """The refusal for an import file over the limit."""
    return FileTooLarge(f"Import files can be at most {imports.MAX_IMPORT_BYTES // 1024 // 1024} MB.", field="file")


@router.post("/imports", status_code=202, openapi_extra=_IMPORT_BODY, dependencies=[IDEMPOTENT])
async def start_import(
    request: Request,
    response: Response,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> ImportStarted:
    """Upload a contact file (multipart `file`, `format` auto|vcard|google|outlook) to import in the background."""
    body = await uploads.read_capped(request, imports.MAX_IMPORT_BYTES + ENVELOPE_BYTES, _too_large)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ValidationError("Send the file as multipart/form-data.", field="file")
    form = await uploads.form_of(request, body)
    try:
        upload, fmt = form.get("file"), form.get("format") or "auto"
        if not isinstance(upload, UploadFile):
            raise ValidationError("Attach the contact file as the multipart field `file`.", field="file")
        if not isinstance(fmt, str):
            raise ValidationError("Choose auto, vcard, google or outlook.", field="format")
        data = await upload.read()
        if len(data) > imports.MAX_IMPORT_BYTES:
            raise _too_large()
        job_id = await run_in_threadpool(
            lambda: contact_flows.start_import(
                session=session, owner=user, filename=upload.filename or "", data=data, format=fmt.strip().lower()
            )
        )
    finally:
        await form.close()
    response.headers["Location"] = f"/api/v1/contacts/imports/{job_id}"
    return ImportStarted(id=job_id, status="queued")


@router.get("/imports/{job_id}")
def get_import(
    job_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> ImportJobRead:
    """An import's status, progress and report."""
    job = imports.get_job(session=session, owner=user, job_id=job_id)
    return ImportJobRead.model_validate(job, from_attributes=True)


# The body is a file, so the document names its media types (FastAPI alone would promise JSON).
_EXPORT_TYPES = {media.split(";")[0]: {"schema": {"type": "string"}} for media in formats.MEDIA_TYPES.values()}


@router.get("/export", response_class=Response, responses={200: {"content": _EXPORT_TYPES}})
def export_contacts(
    format: ExportFormat = "vcard",
    where: ContactFilters = Depends(filters),
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> Response:
    """Download the caller's contacts (those matching the filters) as vCard, Google CSV or Outlook CSV."""
    drafts = imports.export_drafts(session=session, owner=user, filters=where)
    return Response(
        content=formats.export(drafts, format),
        media_type=formats.MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="contacts.{formats.EXTENSIONS[format]}"'},
    )


@router.get("/{contact_id}", responses=etags.READ_RESPONSES)
def get_contact(
    contact_id: uuid.UUID,
    response: Response,
    if_none_match: etags.IfNoneMatch = None,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> ContactRead:
    """One of the caller's contacts, with an ETag (If-None-Match answers 304 while it is current)."""
    return etags.answer(service.get(session=session, owner=user, contact_id=contact_id), response, if_none_match)


@router.patch("/{contact_id}", responses=etags.WRITE_RESPONSES)
def update_contact(
    contact_id: uuid.UUID,
    body: ContactUpdate,
    response: Response,
    if_match: etags.IfMatch = None,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> ContactRead:
    """Change the fields given; the others stay (If-Match: refused with 412 if the contact changed since)."""
    etags.require(service.get(session=session, owner=user, contact_id=contact_id), if_match)
    service.update(session=session, owner=user, contact_id=contact_id, changes=body)
    return etags.answer(service.get(session=session, owner=user, contact_id=contact_id), response)


@router.delete("/{contact_id}", status_code=204)
def delete_contact(
    contact_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> Response:
    """Delete a contact with its tags, history and reminders."""
    service.delete(session=session, owner=user, contact_id=contact_id)
    return Response(status_code=204)


@router.get("/{contact_id}/timeline")
def timeline(
    contact_id: uuid.UUID,
    limit: int = Query(100, ge=1, le=500),
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> list[HistoryRead]:
    """A contact's communication history, newest first."""
    return history.timeline(session=session, owner=user, contact_id=contact_id, limit=limit)


@router.get("/{contact_id}/reminders")
def list_reminders(
    contact_id: uuid.UUID,
    include_done: bool = False,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> list[ReminderRead]:
    """A contact's reminders, soonest first."""
    return reminders.list_for(session=session, owner=user, contact_id=contact_id, include_done=include_done)


@router.post("/{contact_id}/reminders", status_code=201, dependencies=[IDEMPOTENT])
def set_reminder(
    contact_id: uuid.UUID,
    body: ReminderBody,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> ReminderRead:
    """Remind the caller to follow up (`due_at`, or `quick`: tomorrow | next_week)."""
    return reminders.set_reminder(
        session=session, owner=user, contact_id=contact_id, due_at=body.due_at, quick=body.quick, note=body.note
    )
