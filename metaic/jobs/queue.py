"""Every background job goes through `enqueue` (or `enqueue_at` / `enqueue_in`): RQ with Redis, a thread without.

When Redis is configured but unreachable, a job is not lost: it runs in this process on the same
in-process worker used without Redis (metaic/jobs/local.py), with the same retries, and a copy is
written to the job outbox table until it has run (metaic/jobs/outbox_store.py): should this process
die first, another one takes the job over, into RQ once Redis answers (metaic/jobs/outbox.py); should
it live on, it hands the jobs that have not started yet to RQ itself once Redis answers (`hand_back`,
an upkeep task every 15 s). Jobs already in Redis wait there and the workers drain them when it is
back; new jobs go to RQ again as soon as Redis answers (tried again a few seconds after each failure,
metaic/core/kv.py). Without REDIS_URL (the embedded default) jobs live in this process's memory only,
with no outbox.

Each job gets a title and the ids it works on (shown to admins), a queue (`high`, `default`,
`low`), and retries with backoff for transient errors (metaic/jobs/policy.py). Job functions take
ids, not objects, open their own `session_scope()`, and must be idempotent: a job can run twice
(a retry after a worker died mid-job, an admin's retry), so it checks what is already done.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import redis
from rq import Callback, Queue, Retry
from rq.job import Job

from metaic.config import get_settings
from metaic.core import clock, kv, metrics
from metaic.core.request_context import current_request_id
from metaic.jobs import outbox_store
from metaic.jobs.local import LocalJob, drain_local, local_worker
from metaic.jobs.policy import BACKOFF, DEFAULT_RETRIES, FAILURE_TTL, QUEUES, RESULT_TTL, retry_intervals

__all__ = ["QUEUES", "LocalJob", "drain_local", "enqueue", "enqueue_at", "enqueue_in", "rq_connection"]


@lru_cache
def rq_connection(url: str) -> redis.Redis:
    """A binary-safe Redis connection for RQ (it pickles job data)."""
    return redis.Redis.from_url(url)


def enqueue(
    func: Callable,
    *args,
    title: str,
    queue_name: str = "default",
    ids: Iterable | None = None,
    retries: int = DEFAULT_RETRIES,
    backoff: Sequence[int] = BACKOFF,
    job_timeout: int | None = None,
    **kwargs,
) -> Job | LocalJob:
    """Run `func(*args, **kwargs)` in the background; returns the RQ job (with Redis) or a LocalJob.

    `title` says what the job does ("welcome email to user 7"); `ids` lists what it works on and
    defaults to every UUID (or UUID string) among the arguments. Transient errors are retried
    `retries` times, the n-th retry after `backoff[n]` seconds; a DomainError is not retried.
    `job_timeout` (RQ only) bounds one run (RQ's default is 180 s). These option names are
    therefore not available as keyword arguments of job functions.
    """
    return _submit(
        func,
        args,
        kwargs,
        delay=0.0,
        title=title,
        queue_name=queue_name,
        ids=ids,
        retries=retries,
        backoff=backoff,
        job_timeout=job_timeout,
    )


def enqueue_at(
    when: datetime,
    func: Callable,
    *args,
    title: str,
    queue_name: str = "default",
    ids: Iterable | None = None,
    retries: int = DEFAULT_RETRIES,
    backoff: Sequence[int] = BACKOFF,
    job_timeout: int | None = None,
    **kwargs,
) -> Job | LocalJob:
    """Like `enqueue`, but run at `when` (a naive datetime counts as UTC; a past one runs now).

    With Redis the job waits in RQ's scheduled registry, so it survives app and worker restarts; while
    Redis is down it waits on a timer here and in the job outbox, from which another process takes it
    over if this one ends. Without Redis it waits on a timer inside this process and is gone when the process ends:
    durable schedules (reminders) must be stored in the database by their domain and scheduled
    again on start; never rely on a timer alone.
    """
    delay = (clock.as_utc(when) - clock.now()).total_seconds()
    return _submit(
        func,
        args,
        kwargs,
        delay=delay,
        title=title,
        queue_name=queue_name,
        ids=ids,
        retries=retries,
        backoff=backoff,
        job_timeout=job_timeout,
    )


def enqueue_in(
    delta: timedelta,
    func: Callable,
    *args,
    title: str,
    queue_name: str = "default",
    ids: Iterable | None = None,
    retries: int = DEFAULT_RETRIES,
    backoff: Sequence[int] = BACKOFF,
    job_timeout: int | None = None,
    **kwargs,
) -> Job | LocalJob:
    """Like `enqueue`, but run after `delta` (same durability rules as `enqueue_at`)."""
    return _submit(
        func,
        args,
        kwargs,
        delay=delta.total_seconds(),
        title=title,
        queue_name=queue_name,
        ids=ids,
        retries=retries,
        backoff=backoff,
        job_timeout=job_timeout,
    )


def job_ids_of(args: Sequence, kwargs: dict) -> list[str]:
    """The ids among a job's arguments, in order, without repeats: UUIDs and UUID strings, also inside lists.

    Plain numbers are not taken for ids (a width or a count is a number too): pass `ids=` for those.
    """
    found: list[str] = []
    for value in [*args, *kwargs.values()]:
        items = value if isinstance(value, list | tuple | set | frozenset) else [value]
        found.extend(found_id for found_id in map(_as_id, items) if found_id)
    return list(dict.fromkeys(found))


def _as_id(value: object) -> str | None:
    """A UUID, or a string holding exactly one, in canonical form; else None."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str) and len(value) == 36:
        try:
            return str(uuid.UUID(value))
        except ValueError:
            return None
    return None


def _submit(
    func: Callable,
    args: tuple,
    kwargs: dict,
    *,
    delay: float,
    title: str,
    queue_name: str,
    ids: Iterable | None,
    retries: int,
    backoff: Sequence[int],
    job_timeout: int | None,
) -> Job | LocalJob:
    """Check the options, then hand the job to RQ, or to the in-process worker without (or while without) Redis."""
    if queue_name not in QUEUES:
        raise ValueError(f"unknown queue {queue_name!r}")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("every background job needs a title")
    title = title.strip()
    intervals = retry_intervals(retries, backoff)
    job_ids = [str(item) for item in ids] if ids is not None else job_ids_of(args, kwargs)
    url = get_settings().redis_url
    if url and kv.usable_redis() is not None:
        try:
            found = submit_rq(
                url, func, args, kwargs, delay, title, queue_name, job_ids, intervals, retries, job_timeout
            )
        except kv.REDIS_DOWN as exc:
            kv.mark_down(exc)
        else:
            kv.mark_up()
            metrics.JOBS.labels(queue_name, "enqueued").inc()
            return found
    job = LocalJob(
        title=title,
        func=func,
        args=args,
        kwargs=kwargs,
        queue=queue_name,
        ids=job_ids,
        intervals=intervals,
        retries_left=retries,
    )
    if url:  # Redis is configured but down: keep a durable copy until the job has run
        outbox_store.hold(job, delay=delay, job_timeout=job_timeout)
    local_worker().submit(job, delay)
    metrics.JOBS.labels(queue_name, "enqueued").inc()
    return job


def submit_rq(
    url: str,
    func: Callable | str,
    args: tuple,
    kwargs: dict,
    delay: float,
    title: str,
    queue_name: str,
    job_ids: list[str],
    intervals: list[int],
    retries: int,
    job_timeout: int | None,
    *,
    job_id: str | None = None,
    request_id: str | None = None,
) -> Job:
    """Hand a job to RQ (raises a Redis connection error when Redis cannot be reached).

    `func` may be an import path (a job taken over from the outbox); `request_id` defaults to the current one.
    """
    queue = Queue(queue_name, connection=rq_connection(url))
    job = queue.create_job(
        func,
        args=args,
        kwargs=kwargs,
        timeout=job_timeout,
        result_ttl=RESULT_TTL,
        failure_ttl=FAILURE_TTL,
        description=title,
        job_id=job_id,
        meta={"title": title, "ids": job_ids, "request_id": request_id or current_request_id()},
        retry=Retry(max=retries, interval=intervals) if retries else None,
        on_failure=Callback("metaic.jobs.policy.on_failure"),
    )
    if delay > 0:
        # RQ's scheduler compares with the real wall clock, never the (test-shiftable) app clock.
        return queue.schedule_job(job, datetime.now(UTC) + timedelta(seconds=delay))
    return queue.enqueue_job(job)
