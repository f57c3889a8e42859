"""Background jobs on the admin dashboard: the same view as metaic/jobs/monitor.py, admins only.

Every function takes the acting user and checks the role here, in the service, so a UI or API
edge that forgets its own check still cannot show or touch jobs (RBAC lives in services). It sits
in admin/, above auth, because metaic/jobs/ is plumbing below every domain.
"""

from __future__ import annotations

from metaic.auth.models import User
from metaic.auth.service import require_admin
from metaic.jobs import monitor
from metaic.jobs.monitor import JobInfo, QueueStats


def queue_stats(*, actor: User | None) -> list[QueueStats]:
    """Per-queue counts: queued, started, failed, scheduled, finished in the last hour (admins only)."""
    require_admin(actor)
    return monitor.queue_stats()


def running_jobs(*, actor: User | None) -> list[JobInfo]:
    """The jobs being run right now (admins only)."""
    require_admin(actor)
    return monitor.running_jobs()


def failed_jobs(*, actor: User | None, limit: int = 50) -> list[JobInfo]:
    """Failed jobs, newest first, with title, ids, queue, error summary and failure time (admins only)."""
    require_admin(actor)
    return monitor.failed_jobs(limit)


def retry(*, actor: User | None, job_id: str) -> JobInfo:
    """Put a failed job back on its queue for one more attempt (admins only); NotFound for other ids."""
    require_admin(actor)
    return monitor.retry(job_id)


def delete(*, actor: User | None, job_id: str) -> JobInfo:
    """Delete a failed job for good (admins only); NotFound for other ids."""
    require_admin(actor)
    return monitor.delete(job_id)
