"""Contact orchestration: an uploaded file becomes an import job, run in the background by contacts.jobs."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from metaic.auth.models import User
from metaic.contacts import jobs as contact_jobs
from metaic.contacts.formats import FORMATS
from metaic.contacts.imports import MAX_IMPORT_BYTES
from metaic.contacts.models import ImportJob
from metaic.core.errors import ValidationError
from metaic.db import after_commit
from metaic.jobs import enqueue


def start_import(*, session: Session, owner: User, filename: str, data: bytes, format: str) -> uuid.UUID:
    """Store an uploaded file as an import job and queue it; returns the job id."""
    if not data:
        raise ValidationError("The file is empty.", field="file")
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError(f"Import files can be at most {MAX_IMPORT_BYTES // 1024 // 1024} MB.", field="file")
    if format not in ("auto", *FORMATS):
        raise ValidationError(f"Choose one of: auto, {', '.join(FORMATS)}.", field="format")
    job = ImportJob(owner_id=owner.id, filename=(filename or "")[:255], format=format, data=data)
    session.add(job)
    session.flush()
    job_id = job.id
    after_commit(
        session, lambda: enqueue(contact_jobs.run_import, job_id, title=f"contact import {job_id}", queue_name="low")
    )
    return job_id
