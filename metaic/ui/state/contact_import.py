"""Importing contacts from the browser: upload, live progress, and the row-by-row report."""

from __future__ import annotations

import asyncio
import uuid

import reflex as rx

from metaic.contacts import flows as contact_flows
from metaic.contacts import imports
from metaic.core.errors import DomainError
from metaic.db import session_scope
from metaic.ui.state.contacts import _ContactBase

POLL_SECONDS = 1.0
POLL_LIMIT = 600


def _line(row: dict) -> dict[str, str] | None:
    """One row of the report as the dialog shows it, or None when there is nothing to say about it."""
    if row["status"] == "refused":
        return {"row": str(row["row"]), "status": "refused", "reason": row.get("reason", "")}
    if row.get("flags"):
        kept = "; ".join(f"{f['value']} kept as written ({f['note']})" for f in row["flags"])
        return {"row": str(row["row"]), "status": "flagged", "reason": kept}
    if row.get("changes"):
        return {"row": str(row["row"]), "status": "changed", "reason": "Merged: " + "; ".join(row["changes"])}
    return None


def report_lines(report: dict, limit: int = 200) -> list[dict[str, str]]:
    """What the import did to rows worth a look: refused ones, values kept as written, and what a merge changed."""
    lines = [line for line in map(_line, report["rows"]) if line is not None]
    order = {"refused": 0, "flagged": 1, "changed": 2}
    return sorted(lines, key=lambda line: order[line["status"]])[:limit]


class ImportState(_ContactBase):
    """The import dialog on /contacts."""

    importing: bool = False
    job_id: str = ""
    status: str = ""
    processed: int = 0
    total: int = 0
    summary: str = ""
    report_rows: list[dict[str, str]] = []
    import_error: str = ""

    @rx.event
    def set_importing(self, value: bool):
        """Open or close the import dialog (closing starts afresh next time)."""
        self.importing = value
        if not value:
            self.job_id, self.status, self.summary, self.report_rows, self.import_error = "", "", "", [], ""

    @rx.event
    async def upload(self, files: list[rx.UploadFile]):
        """Store the file as an import job, then follow its progress."""
        if not files:
            return None
        data = await files[0].read()
        self.import_error, self.report_rows, self.summary = "", [], ""
        try:
            with session_scope() as session:
                owner = self._owner(session)
                job_id = contact_flows.start_import(
                    session=session, owner=owner, filename=files[0].name or "contacts", data=data, format="auto"
                )
        except DomainError as exc:
            self.import_error = exc.message
            return None
        self.job_id, self.status, self.processed, self.total = str(job_id), "queued", 0, 0
        return ImportState.follow

    def _read_job(self) -> tuple[str, int, int, dict | None, str] | None:
        """(status, processed, total, report, error) of the job, or None when it is not ours."""
        with session_scope() as session:
            owner = self._load_user(session)
            if owner is None:
                return None
            job = imports.get_job(session=session, owner=owner, job_id=uuid.UUID(self.job_id))
            return job.status, job.processed, job.total, job.report, job.error

    @rx.event(background=True)
    async def follow(self):
        """Poll the job until it finishes, showing progress, then the report."""
        for _ in range(POLL_LIMIT):
            async with self:
                try:
                    found = self._read_job()
                except DomainError:
                    found = None
                if found is None:
                    return
                status, processed, total, report, error = found
                self.status, self.processed, self.total = status, processed, total
                if status in ("done", "failed"):
                    self._finish(report, error)
                    return
            await asyncio.sleep(POLL_SECONDS)

    def _finish(self, report: dict | None, error: str) -> None:
        """Show the report of a finished job (or why it failed)."""
        if report is None:
            self.import_error = error or "The import failed."
            return
        flagged = report.get("flagged", 0)
        self.summary = f"{report['created']} created, {report['merged']} merged, {report['refused']} refused" + (
            f", {flagged} with values kept as written to check." if flagged else "."
        )
        self.report_rows = report_lines(report)
