"""Background entry points for contacts: take ids, open their own session, call the domain."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy import update

from metaic.auth.models import User
from metaic.contacts import enrichment, formats, imports, reminders
from metaic.contacts.models import ImportJob
from metaic.core import clock, links
from metaic.core.errors import DomainError
from metaic.db import get_engine, session_scope
from metaic.notifications.flows import notify

log = logging.getLogger(__name__)
PROGRESS_EVERY = 50


def fire_due(now: datetime | None = None) -> int:
    """Notify owners of every due reminder (periodic task; safe from several processes)."""
    with session_scope() as session:
        return reminders.fire_due(session=session, now=now)


def refresh_from_card(card_id: uuid.UUID | str) -> int:
    """Refresh the contacts saved from a card after it was published again."""
    with session_scope() as session:
        return enrichment.refresh_from_card(session=session, card_id=uuid.UUID(str(card_id)))


def _set_progress(job_id: uuid.UUID, processed: int, total: int) -> None:
    """Record progress in its own short transaction, so the UI sees it while the import runs.

    SQLite allows one writer at a time and the import holds it, so there progress shows at the end.
    """
    if get_engine().dialect.name == "sqlite":
        return
    with get_engine().begin() as conn:
        conn.execute(update(ImportJob).where(ImportJob.id == job_id).values(processed=processed, total=total))


def run_import(job_id: uuid.UUID | str) -> dict | None:
    """Parse an import job's file and import its rows; the report goes on the job (idempotent by status)."""
    job_id = uuid.UUID(str(job_id))
    with session_scope() as session:
        job = session.get(ImportJob, job_id)
        if job is None or job.status in ("done", "failed"):
            return None
        job.status = "running"
        session.add(job)
        data, fmt, owner_id = job.data or b"", job.format, job.owner_id
    try:
        with session_scope() as session:
            rows = formats.parse(data, fmt)
            _set_progress(job_id, 0, len(rows))
            owner = session.get(User, owner_id)

            def progress(done: int, total: int) -> None:
                """Report every PROGRESS_EVERY rows."""
                if done % PROGRESS_EVERY == 0 or done == total:
                    _set_progress(job_id, done, total)

            report = imports.import_drafts(session=session, owner=owner, rows=rows, progress=progress)
            imports.finish_job(session=session, job_id=job_id, report=report)
            _notify_done(session, owner, report.created, report.merged, report.refused)
            return report.model_dump(mode="json")
    except Exception as exc:
        log.exception("contact import %s failed", job_id)
        with session_scope() as session:
            message = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
            imports.finish_job(session=session, job_id=job_id, report=None, error=message)
        return None


def _notify_done(session, owner, created: int, merged: int, refused: int) -> None:
    """Tell the owner the import finished."""
    notify(
        session=session,
        user=owner,
        kind="job_finished",
        data={
            "job": "Contact import",
            "summary": f"{created} added, {merged} updated, {refused} skipped.",
            "url": links.contacts(),
            "at": clock.now().isoformat(),
        },
    )
