"""The admin view of background jobs: queue counts and failed jobs with retry and delete."""

from __future__ import annotations

import asyncio

import reflex as rx

from metaic.admin import jobs_dashboard as jobs_admin
from metaic.core.errors import DomainError
from metaic.db import session_scope
from metaic.jobs import monitor
from metaic.ui.state.session import SessionState


class AdminJobsState(SessionState):
    """Rows for /admin/jobs; every handler re-checks that the user is an admin (the service enforces it)."""

    backend: str = ""
    queues: list[dict[str, str]] = []
    failed: list[dict[str, str]] = []
    denied: bool = False

    def _refresh(self, run=None):
        """Optionally run `run(actor)`, then reload the rows; refusals show as a toast."""
        try:
            with session_scope() as session:
                actor = self._load_user(session)
                if actor is None:
                    return rx.redirect("/login?next=/admin/jobs")
                if run is not None:
                    run(actor)
                self.queues = [{k: str(v) for k, v in q.items()} for q in jobs_admin.queue_stats(actor=actor)]
                self.failed = [
                    {
                        "id": j["id"],
                        "title": j["title"],
                        "queue": j["queue"],
                        "error": j["exc_summary"],
                        "ids": ", ".join(j["ids"]),
                        "failed_at": j["failed_at"].strftime("%Y-%m-%d %H:%M") if j["failed_at"] else "",
                    }
                    for j in jobs_admin.failed_jobs(actor=actor, limit=100)
                ]
                self.backend, self.denied = monitor.backend(), False
        except DomainError as exc:
            self.denied = exc.status == 403
            return rx.toast.error(exc.message)
        return None

    async def _refresh_off_loop(self, run=None):
        """`_refresh` in a worker thread: the database and Redis reads never stall the event loop."""
        return await asyncio.to_thread(self._refresh, run)

    @rx.event
    async def load(self):
        """on_load: fill the page (admins only)."""
        return await self._refresh_off_loop()

    @rx.event
    async def retry(self, job_id: str):
        """Give a failed job one more attempt."""
        refused = await self._refresh_off_loop(lambda actor: jobs_admin.retry(actor=actor, job_id=job_id))
        return refused or rx.toast.success("Job queued again.")

    @rx.event
    async def delete(self, job_id: str):
        """Forget a failed job."""
        refused = await self._refresh_off_loop(lambda actor: jobs_admin.delete(actor=actor, job_id=job_id))
        return refused or rx.toast.success("Job deleted.")
