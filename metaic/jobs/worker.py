"""The RQ worker entry point: `python -m metaic worker`.

Jobs run inside the worker process, one after another (RQ's SimpleWorker model), not in a child
forked for each job: a fork, and the imports and connections it repays, cost ~25 ms a job here
(30-40 jobs/s), while in-process a short job is done a few ms after it was queued (figures in
bench/README.md). The database engine and the Redis connection pool live as long as the worker.

What the fork gave, and what stands in for it:
- A time limit. RQ's SIGALRM death penalty works in the main thread, so a job past its timeout
  gets a JobTimeoutException as it did in the horse. A job stuck in C code never sees it; the
  forking parent SIGKILLed such a horse 60 s later. Here the watch thread (metaic/jobs/watch.py)
  re-executes the whole worker abandon_after - 2 heartbeat intervals past the timeout (30 s by
  default), before the job's registry entry expires; the stuck job is then retried as abandoned.
- Heartbeats. The forking parent beat for its horse; the watch thread beats for the running job on
  the same timing. (A C extension holding the GIL for longer than abandon_after would silence it
  and the job would be retried elsewhere while still running; no job of ours does that.)
- A clean slate. Each job opens its own `session_scope()`, which rolls back and closes on any
  error, so a job that broke its transaction returns a clean connection to the pool. After every
  job the worker checks that no connection is still checked out (a session a job never closed,
  maybe holding locks): if one is, it starts afresh before the next job (same pid, same command
  line). It does the same when its memory passes `max_memory_mb` or after `max_jobs` jobs.
- Isolation from a job that crashes the interpreter (a segfault in a C extension, os._exit) or
  changes module-level state (caches, settings): not kept. A crash takes the worker down and the
  job is retried as abandoned once a worker runs again (deploy/ restarts it); jobs must not change
  module state. `--fork` runs the forking worker (`ForkingMetaicWorker`) for those who want it.

How a job survives a dying worker. Each running job has an entry in RQ's StartedJobRegistry that
the worker keeps pushing into the future with a heartbeat. When the whole worker dies (SIGKILL,
OOM killer, machine lost), its heartbeats stop; once the entry has expired, any worker's
maintenance pass ("clean registries") treats the job as abandoned and retries it with backoff (or
fails it when no retries are left). In `--fork` mode a killed horse is also seen at once by its
parent, which retries the job. Job functions are idempotent (metaic/jobs/queue.py), so a side
effect that was committed before the kill is not repeated.

`abandon_after` sets how long that takes. Stock RQ waits 60 s past a heartbeat interval of 30 s
and cleans registries every 10 minutes, but an idle worker sits in a blocking dequeue for 405 s
between passes, so an abandoned job could wait ~15 minutes. Here one number drives all four:
heartbeat every abandon_after/3 (at most 30 s), expiry after abandon_after, a maintenance pass at
least every abandon_after seconds (the blocking dequeue is shortened to match). The default of
90 s keeps RQ's own heartbeat timing; tests pass a few seconds.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import time
from datetime import datetime, timedelta

import redis
from rq import Queue, SimpleWorker, Worker
from rq.job import Job
from rq.utils import now
from rq.worker import WorkerStatus

from metaic.config import get_settings
from metaic.core import error_reports, metrics, tracing
from metaic.core.request_context import request_id_scope
from metaic.db import connections_held_by_this_thread, dispose_engines
from metaic.jobs.policy import QUEUES, RESULT_TTL
from metaic.jobs.queue import rq_connection
from metaic.jobs.watch import JobWatch, replace_process, rss_mb

log = logging.getLogger(__name__)

DEFAULT_ABANDON_AFTER = 90
MIN_ABANDON_AFTER = 3
# A worker past this resident size starts afresh between two jobs (it starts at ~200 MiB).
DEFAULT_MAX_MEMORY_MB = 1024
# A worker's own heartbeat (its key's expiry) needs sending no more than once a second.
HEARTBEAT_EVERY = timedelta(seconds=1)
# While Redis does not answer, a worker whose loop quit on the error asks again this often (doubling).
REDIS_RETRY_SECONDS = (1.0, 30.0)


class _AbandonTiming:
    """Heartbeat, expiry and maintenance timings derived from one number, `abandon_after`."""

    def __init__(self, *args, abandon_after: int = DEFAULT_ABANDON_AFTER, **kwargs):
        """Derive the heartbeat, expiry and maintenance timings from `abandon_after`."""
        if abandon_after < MIN_ABANDON_AFTER:
            raise ValueError(f"abandon_after must be at least {MIN_ABANDON_AFTER} seconds")
        interval = max(1, min(30, abandon_after // 3))
        kwargs.setdefault("job_monitoring_interval", interval)
        kwargs.setdefault("maintenance_interval", abandon_after)
        # RQ blocks in dequeue for worker_ttl - 15 s; maintenance only runs between dequeues.
        kwargs.setdefault("worker_ttl", abandon_after + 15)
        kwargs.setdefault("default_result_ttl", RESULT_TTL)
        super().__init__(*args, **kwargs)
        self.abandon_after, self.abandon_grace = abandon_after, abandon_after - interval

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        """How long a running job's registry entry stays valid without a new heartbeat (RQ adds a fixed 60 s).

        Past the job's timeout the entry stops moving: it expires abandon_grace seconds after the
        timeout. Never below 1 s: RQ reads a TTL of -1 as "never expires".
        """
        if job.timeout and job.timeout > 0:
            ttl = int(min(job.timeout - working_time, self.job_monitoring_interval)) + self.abandon_grace
            return max(1, ttl)
        return self.job_monitoring_interval + self.abandon_grace

    def handle_job_success(self, job: Job, queue: Queue, *args, **kwargs):
        """Count the success, then let RQ record it."""
        metrics.JOBS.labels(queue.name, "succeeded").inc()
        return super().handle_job_success(job, queue, *args, **kwargs)

    def handle_exception(self, job: Job, *exc_info):
        """Report the job's error (metaic/core/error_reports.py), then let RQ's handlers log it."""
        if isinstance(exc_info[1], Exception):
            error_reports.report(exc_info[1], where=f"job {job.func_name}")
        return super().handle_exception(job, *exc_info)

    def handle_job_failure(self, job: Job, queue: Queue, *args, **kwargs):
        """Count a failed attempt (`retried` while retries are left, else `failed`), then let RQ record it."""
        metrics.JOBS.labels(queue.name, "retried" if job.retries_left else "failed").inc()
        return super().handle_job_failure(job, queue, *args, **kwargs)


class MetaicWorker(_AbandonTiming, SimpleWorker):
    """Runs jobs in its own process (no fork), beating for each from a watch thread; starts afresh when unclean."""

    # One log line fewer per job: the result TTL is the same for every job (policy.RESULT_TTL).
    log_result_lifespan = False

    def __init__(self, *args, max_jobs: int | None = None, max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB, **kw):
        """`max_jobs` / `max_memory_mb` (None: no limit) make the worker start afresh between two jobs."""
        self._key_expires_at: datetime | None = None  # when the worker's key expires, as last set
        super().__init__(*args, **kw)
        self.max_jobs, self.max_memory_mb = max_jobs, max_memory_mb
        self.jobs_done = 0
        self.recycle_reason: str | None = None
        # Replace a stuck job's process before its registry entry expires (abandon_grace past its
        # timeout), so no other worker retries the job while it still runs here.
        grace = self.abandon_grace - self.job_monitoring_interval
        self.watch = JobWatch(self, grace=grace, on_stuck=self._leave_stuck_job)

    def execute_job(self, job: Job, queue: Queue) -> None:
        """Run the job here, with the watch beating for it; then decide whether to start afresh."""
        execution = self.prepare_execution(job)
        self.watch.follow(job, execution)
        try:
            # The request that enqueued the job, in every log line and on its span.
            rid, name = job.meta.get("request_id"), f"job {job.func_name}"
            with request_id_scope(rid), tracing.span(name, kind="consumer", **{"messaging.destination": queue.name}):
                self.perform_job(job, queue, execution)
        finally:
            self.watch.release()
        self.set_state(WorkerStatus.IDLE)
        self.jobs_done += 1
        self.recycle_reason = self.recycle_reason or self._unclean_after_job(job)
        if self.recycle_reason:
            self._stop_requested = True  # the work loop ends before the next dequeue; run_worker re-executes

    def handle_execution_ended(self, job: Job, queue: Queue, heartbeat_ttl: int) -> None:
        """The job returned or raised: stop beating for it before RQ records the outcome.

        RQ also writes the job's last heartbeat here, one round trip on every job's way to
        "finished"; it is kept in memory instead, and RQ saves it with the job's outcome.
        """
        self.watch.release()
        job.ended_at = job.last_heartbeat = now()

    def heartbeat(self, timeout: int | None = None, pipeline=None) -> None:
        """RQ's worker heartbeat in one round trip, and skipped when the last one, under a second ago, did the same.

        RQ sends it (three commands, three round trips) before and after every job and before every
        dequeue, to push back the expiry of the worker's key to worker_ttl + 60 s. A job's start and
        its heartbeats set a shorter expiry, so the next full heartbeat always goes out after them.
        """
        ttl = timeout or self.worker_ttl + 60
        fresh = self._key_expires_at and self._key_expires_at - now() > timedelta(seconds=ttl) - HEARTBEAT_EVERY
        if pipeline is None and timeout is None and fresh:
            return
        self._key_expires_at = now() + timedelta(seconds=ttl)
        if pipeline is not None:
            super().heartbeat(timeout, pipeline=pipeline)
            return
        with self.connection.pipeline(transaction=False) as own:
            super().heartbeat(timeout, pipeline=own)
            own.execute()

    def set_state(self, state: str, pipeline=None) -> None:
        """Write the worker's state, unless it is what this worker last wrote (RQ writes "idle" twice a job)."""
        if pipeline is None and state == self._state:
            return
        super().set_state(state, pipeline=pipeline)

    def _unclean_after_job(self, job: Job) -> str | None:
        """Why this process should not run another job (a connection left out, memory, job count), or None."""
        if connections_held_by_this_thread():
            gc.collect()  # a session that is merely unreferenced goes back to its pool here
            if leaked := connections_held_by_this_thread():
                return f"job {job.id} ({job.description}) left {leaked} database connection(s) checked out"
        if self.max_memory_mb and (size := rss_mb()) > self.max_memory_mb:
            return f"resident memory {size:.0f} MiB is past --max-memory {self.max_memory_mb}"
        if self.max_jobs and self.jobs_done >= self.max_jobs:
            return f"ran {self.jobs_done} jobs (--max-jobs)"
        return None

    def teardown(self) -> None:
        """RQ's teardown, and the watch thread ends."""
        super().teardown()
        self.watch.close()

    @property
    def should_start_afresh(self) -> bool:
        """True when the work loop ended to replace this process, not on a stop request."""
        return bool(self.recycle_reason) and self._shutdown_requested_date is None

    @property
    def quit_on_error(self) -> bool:
        """True when RQ's loop gave up on an error (Redis lost mid-job), not on a stop request or to start afresh."""
        return not (self._stop_requested or self._shutdown_requested_date or self.recycle_reason)

    def request_force_stop(self, signum, frame) -> None:
        """A second stop signal mid-job: leave the job to be retried as abandoned, as RQ does when it kills a horse."""
        if self._shutdown_requested_date and now() - self._shutdown_requested_date < timedelta(seconds=1):
            return
        if self.watch.busy:
            self.log.warning("Worker %s: cold shut down mid-job; the job will be retried as abandoned", self.name)
            self._quit_now()
            os._exit(1)  # never unwind through the job: its own except clauses could swallow the stop
        super().request_force_stop(signum, frame)

    def _leave_stuck_job(self, reason: str) -> None:
        """Called by the watch thread: the job ignored its timeout, so this process image is replaced."""
        self.log.error("Worker %s: %s; replacing the process, the job will be retried as abandoned", self.name, reason)
        self._quit_now()
        replace_process(reason)

    def _quit_now(self) -> None:
        """Stop the scheduler and say the worker is gone, without waiting for the running job."""
        for step in (self._stop_scheduler_now, self.register_death):
            try:
                step()
            except Exception:
                self.log.warning("Worker %s: %s failed while quitting", self.name, step.__name__, exc_info=True)

    def _stop_scheduler_now(self) -> None:
        """SIGTERM the scheduler process (it releases its locks) and give it a few seconds."""
        process = self.scheduler._process if self.scheduler else None
        if process is not None and process.pid and process.is_alive():
            os.kill(process.pid, signal.SIGTERM)
            process.join(5)


class ForkingMetaicWorker(_AbandonTiming, Worker):
    """RQ's forking worker (`--fork`): each job in a child of its own, for full isolation at ~25 ms a job."""


def run_worker(
    queues: list[str] | None = None,
    *,
    burst: bool = False,
    abandon_after: int = DEFAULT_ABANDON_AFTER,
    fork: bool = False,
    max_jobs: int | None = None,
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB,
) -> bool:
    """Run a worker with its scheduler on the given queues (all by default); True if it ran a job.

    Without `fork`, a worker that must start afresh (see MetaicWorker) re-executes itself here.
    """
    url = get_settings().redis_url
    if not url:
        raise SystemExit("REDIS_URL is not set: without Redis, jobs run inside the app process.")
    connection = rq_connection(url)
    # No pooled DB connection from start-up is carried into a job (or, with --fork, a horse).
    dispose_engines()
    queue_objects = [Queue(name, connection=connection) for name in (queues or QUEUES)]
    if fork:
        worker = ForkingMetaicWorker(queue_objects, connection=connection, abandon_after=abandon_after)
        return worker.work(burst=burst, with_scheduler=True)
    worker = MetaicWorker(
        queue_objects,
        connection=connection,
        abandon_after=abandon_after,
        max_jobs=max_jobs,
        max_memory_mb=max_memory_mb,
    )
    try:
        worked = worker.work(burst=burst, with_scheduler=True)
    except redis.exceptions.RedisError:
        if burst:
            raise
        worked = False  # RQ's own teardown could not reach Redis either
    if worker.should_start_afresh:
        dispose_engines()  # say goodbye to the database properly before the image is replaced
        replace_process(worker.recycle_reason or "")
    if not burst and worker.quit_on_error:
        # RQ quits its loop on an error it does not expect, such as Redis going away while a job's outcome is
        # written. Jobs would wait for someone to restart workers: wait for Redis instead, then start afresh.
        _wait_for_redis(connection)
        dispose_engines()
        replace_process("the work loop stopped on an error; Redis answers again")
    return worked


def _wait_for_redis(connection: redis.Redis) -> None:
    """Block until Redis answers a ping, asking again with a doubling pause; a stop signal ends the process."""
    for name in (signal.SIGTERM, signal.SIGINT):
        signal.signal(name, signal.SIG_DFL)  # no job runs now: stopping is safe at any moment
    pause, longest = REDIS_RETRY_SECONDS
    while True:
        try:
            connection.ping()
            return
        except redis.exceptions.RedisError as exc:
            log.warning("worker waits for Redis (%s); asking again in %.0f s", exc, pause)
            time.sleep(pause)
            pause = min(pause * 2, longest)
