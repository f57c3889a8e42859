"""What the queues hold, for operators: counts, running and failed jobs, retry and delete.

No permission check here: this is the operator's view, used by the CLI (whoever runs
`python -m metaic` on a server already holds its configuration and database) and, behind
`require_admin`, by metaic/admin/jobs_dashboard.py. With Redis it reads RQ's queues and registries;
without Redis it reads the in-process worker of *this* process (the app's own jobs).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TypedDict

from rq import Queue, Worker
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry

from metaic.config import get_settings
from metaic.core.errors import NotFound
from metaic.jobs.local import LocalJob, current_worker
from metaic.jobs.policy import FAILURE_TTL, QUEUES, summarize
from metaic.jobs.queue import rq_connection


class QueueStats(TypedDict):
    """Job counts of one queue (`finished` counts jobs finished within the last hour)."""

    queue: str
    queued: int
    started: int
    failed: int
    scheduled: int
    finished: int


class JobInfo(TypedDict):
    """One job as shown to operators; `failed_at` and `exc_summary` are set for failed jobs."""

    id: str
    title: str
    ids: list[str]
    queue: str
    status: str
    started_at: datetime | None
    failed_at: datetime | None
    exc_summary: str


def backend() -> str:
    """`redis` when jobs go to RQ, `in-process` otherwise."""
    return "redis" if get_settings().redis_url else "in-process"


def _connection():
    """The RQ connection, or None without Redis."""
    url = get_settings().redis_url
    return rq_connection(url) if url else None


def queue_stats() -> list[QueueStats]:
    """Queued, started, failed, scheduled and recently finished counts for each queue, in priority order."""
    connection = _connection()
    if connection is None:
        worker = current_worker()
        return (
            worker.stats()
            if worker
            else [QueueStats(queue=name, queued=0, started=0, failed=0, scheduled=0, finished=0) for name in QUEUES]
        )
    rows = []
    for name in QUEUES:
        queue = Queue(name, connection=connection)
        rows.append(
            QueueStats(
                queue=name,
                queued=queue.count,
                # cleanup=False: reading the numbers must not move jobs around (workers do that).
                started=queue.started_job_registry.get_job_count(cleanup=False),
                failed=queue.failed_job_registry.get_job_count(cleanup=False),
                scheduled=queue.scheduled_job_registry.get_job_count(cleanup=False),
                finished=queue.finished_job_registry.get_job_count(cleanup=False),
            )
        )
    return rows


def worker_count() -> int:
    """How many workers are registered in Redis (the in-process worker counts as one once started)."""
    connection = _connection()
    if connection is None:
        return int(current_worker() is not None)
    return Worker.count(connection=connection)


def running_jobs() -> list[JobInfo]:
    """The jobs being run right now, in priority order of their queues."""
    connection = _connection()
    if connection is None:
        worker = current_worker()
        return [_local_info(job) for job in worker.running()] if worker else []
    infos = []
    for name in QUEUES:
        registry = Queue(name, connection=connection).started_job_registry
        job_ids = list(dict.fromkeys(registry.get_job_ids(cleanup=False)))
        infos.extend(_rq_info(job) for job in Job.fetch_many(job_ids, connection=connection) if job)
    return infos


def failed_jobs(limit: int = 50) -> list[JobInfo]:
    """The failed jobs of every queue, newest failure first, at most `limit`."""
    limit = max(1, min(limit, 500))
    connection = _connection()
    if connection is None:
        worker = current_worker()
        return [_local_info(job) for job in worker.failed(limit)] if worker else []
    infos = []
    for name in QUEUES:
        job_ids = FailedJobRegistry(name, connection=connection).get_job_ids(0, limit - 1, desc=True, cleanup=False)
        infos.extend(_rq_info(job) for job in Job.fetch_many(job_ids, connection=connection) if job)
    epoch = datetime.fromtimestamp(0, UTC)
    return sorted(infos, key=lambda info: info["failed_at"] or epoch, reverse=True)[:limit]


def retry(job_id: str) -> JobInfo:
    """Put a failed job back on its queue for one more attempt; NotFound unless it is in a failed list."""
    connection = _connection()
    if connection is None:
        worker = current_worker()
        if worker is None:
            raise NotFound("No failed job with that id.")
        return _local_info(worker.retry(job_id))
    job = _fetch(connection, job_id)
    try:
        FailedJobRegistry(job.origin, connection=connection).requeue(job)
    except InvalidJobOperation as exc:
        raise NotFound("No failed job with that id.") from exc
    return _rq_info(Job.fetch(job.id, connection=connection))


def delete(job_id: str) -> JobInfo:
    """Delete a failed job for good; NotFound unless it is in a failed list."""
    connection = _connection()
    if connection is None:
        worker = current_worker()
        if worker is None:
            raise NotFound("No failed job with that id.")
        return _local_info(worker.delete(job_id))
    job = _fetch(connection, job_id)
    registry = FailedJobRegistry(job.origin, connection=connection)
    if job.id not in registry.get_job_ids(cleanup=False):
        raise NotFound("No failed job with that id.")
    info = _rq_info(job)
    registry.remove(job, delete_job=True)
    return info


def _fetch(connection, job_id: str) -> Job:
    """Load an RQ job; NotFound when it does not exist (or has expired)."""
    try:
        return Job.fetch(str(job_id), connection=connection)
    except NoSuchJobError as exc:
        raise NotFound("No failed job with that id.") from exc


def _rq_info(job: Job) -> JobInfo:
    """Describe an RQ job."""
    meta = job.get_meta(refresh=False) or {}
    status = str(getattr(job.get_status(refresh=False), "value", "") or "")
    failed_at, summary = None, ""
    if status == "failed":
        result = job.latest_result()
        if result is not None and result.exc_string:
            failed_at, summary = result.created_at, summarize(result.exc_string)
        else:
            failed_at = job.ended_at or _failed_at_from_registry(job)
    title = meta.get("title") or job.description or job.func_name
    return JobInfo(
        id=job.id,
        title=title,
        ids=list(meta.get("ids", [])),
        queue=job.origin,
        status=status,
        started_at=_aware(job.started_at),
        failed_at=_aware(failed_at),
        exc_summary=summary,
    )


def _failed_at_from_registry(job: Job) -> datetime | None:
    """When a job failed, read back from its failed-registry expiry (score = failure time + failure TTL)."""
    score = job.connection.zscore(FailedJobRegistry(job.origin, connection=job.connection).key, job.id)
    if score is None:
        return None
    return datetime.fromtimestamp(score, UTC) - timedelta(seconds=job.failure_ttl or FAILURE_TTL)


def _aware(value: datetime | None) -> datetime | None:
    """RQ hands back UTC datetimes, some naive: make them timezone-aware."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _local_info(job: LocalJob) -> JobInfo:
    """Describe an in-process job."""
    return JobInfo(
        id=job.id,
        title=job.title,
        ids=list(job.ids),
        queue=job.queue,
        status=job.status,
        started_at=None,
        failed_at=job.ended_at if job.status == "failed" else None,
        exc_summary=job.exc_summary,
    )
