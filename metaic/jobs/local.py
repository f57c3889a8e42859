"""The in-process worker used without Redis: one daemon thread, the three queues, timers and retries.

It follows the same rules as the RQ workers (priority order, retry with backoff on transient errors
only, a failed list an admin can retry from) so the embedded default behaves like production.
Jobs live in this process's memory. While the process runs nothing is dropped: every job is run,
retried or kept in the failed list. When the process exits, queued jobs get a few seconds to finish
and whatever is left (timed jobs, pending retries) is logged by title, never silently lost.

Jobs that fell back here while a configured Redis was down also have a row in the job outbox
(`outbox_id`): the row is checked just before the job runs (another process may have taken it
over), and deleted once the job finished or finally failed (metaic/jobs/outbox_store.py). Once Redis
answers again, such jobs that have not started are withdrawn and handed to RQ (metaic/jobs/outbox.py).

Without Redis, a timed job (`enqueue_at` / `enqueue_in`) lives only as long as this process. Durable
schedules, such as contact reminders, must be stored in the database by their domain and scheduled
again when the app starts; the timer here (and RQ's scheduler) only holds the next wake-up.
"""

from __future__ import annotations

import atexit
import heapq
import itertools
import logging
import os
import threading
import time
import traceback
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from metaic.core import error_reports, metrics, tracing
from metaic.core.errors import NotFound
from metaic.core.request_context import current_request_id, request_id_scope
from metaic.jobs import outbox_store
from metaic.jobs.policy import QUEUES, RESULT_TTL, is_transient, retry_delay, summarize

log = logging.getLogger(__name__)

MAX_FAILED = 1000  # the failed list is capped; the oldest entry is dropped with a warning
MAX_FINISHED_MARKS = 100_000  # finish times kept per queue for the `finished` count
EXIT_GRACE_SECONDS = 10


@dataclass(eq=False)
class LocalJob:
    """A job of the in-process worker; `done` is set once it has finished or finally failed."""

    title: str
    func: Callable
    args: tuple
    kwargs: dict
    queue: str = "default"
    ids: list[str] = field(default_factory=list)
    intervals: list[int] = field(default_factory=list)
    retries_left: int = 0
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    request_id: str | None = field(default_factory=current_request_id)
    status: str = "queued"
    attempts: int = 0
    error: BaseException | None = None
    exc_summary: str = ""
    enqueued_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    run_at: datetime | None = None
    ended_at: datetime | None = None
    done: threading.Event = field(default_factory=threading.Event)
    outbox_id: str | None = None  # its row in the job outbox while it has one


class LocalWorker:
    """One daemon thread taking jobs by queue priority, with a timer heap for delayed jobs and retries."""

    def __init__(self):
        self._cond = threading.Condition()
        self._ready: dict[str, deque[LocalJob]] = {name: deque() for name in QUEUES}
        self._timed: list[tuple[float, int, LocalJob]] = []
        self._order = itertools.count()
        self._running: LocalJob | None = None
        self._failed: dict[str, LocalJob] = {}
        self._finished: dict[str, deque[float]] = {name: deque(maxlen=MAX_FINISHED_MARKS) for name in QUEUES}
        self._thread = threading.Thread(target=self._run, name="metaic-local-worker", daemon=True)
        self._thread.start()

    def submit(self, job: LocalJob, delay: float = 0.0) -> None:
        """Queue a job now, or after `delay` seconds."""
        with self._cond:
            self._place(job, delay)
            self._cond.notify_all()

    def _place(self, job: LocalJob, delay: float) -> None:
        """Put a job on its ready queue or on the timer heap (the lock is held)."""
        if delay > 0:
            job.status = "scheduled"
            job.run_at = datetime.fromtimestamp(time.time() + delay, UTC)
            heapq.heappush(self._timed, (time.monotonic() + delay, next(self._order), job))
        else:
            job.status = "queued"
            job.run_at = None
            self._ready[job.queue].append(job)

    def _run(self) -> None:
        """Take and perform jobs for ever."""
        while True:
            self._perform(self._take())

    def _take(self) -> LocalJob:
        """Wait for the next job: the highest-priority ready one, waking up for timed jobs as they fall due."""
        with self._cond:
            while True:
                now = time.monotonic()
                while self._timed and self._timed[0][0] <= now:
                    self._place(heapq.heappop(self._timed)[2], 0)
                for name in QUEUES:
                    if self._ready[name]:
                        job = self._ready[name].popleft()
                        job.status, job.attempts, self._running = "started", job.attempts + 1, job
                        return job
                self._cond.wait(self._timed[0][0] - now if self._timed else None)

    def _perform(self, job: LocalJob) -> None:
        """Run one job and record how it went."""
        if job.outbox_id and not outbox_store.still_held(job.outbox_id):
            log.warning("background job %r was taken over by another process; not run here", job.title)
            self.moved(job)
            return
        try:
            with request_id_scope(job.request_id), tracing.span(_job_name(job), kind="consumer"):
                job.func(*job.args, **job.kwargs)
        except BaseException as exc:
            if isinstance(exc, Exception):
                with request_id_scope(job.request_id):
                    error_reports.report(exc, where=_job_name(job))
            self._record_failure(job, exc)
        else:
            metrics.JOBS.labels(job.queue, "succeeded").inc()
            _release(job)
            with self._cond:
                job.status, job.error, job.ended_at, self._running = "finished", None, datetime.now(UTC), None
                self._finished[job.queue].append(time.monotonic())
                job.done.set()
                self._cond.notify_all()

    def _record_failure(self, job: LocalJob, exc: BaseException) -> None:
        """Retry a transient failure after its backoff, else move the job to the failed list (log either way)."""
        retry = is_transient(type(exc)) and job.retries_left > 0
        delay = retry_delay(job.intervals, job.retries_left) if retry else 0
        if retry and job.outbox_id:
            outbox_store.note_retry(job.outbox_id, retries_left=job.retries_left - 1, delay=delay)
        elif not retry:
            _release(job)
        with self._cond:
            job.error = exc
            job.exc_summary = summarize("".join(traceback.format_exception_only(type(exc), exc)))
            self._running = None
            metrics.JOBS.labels(job.queue, "retried" if retry else "failed").inc()
            if retry:
                job.retries_left -= 1
                self._place(job, delay)
            else:
                job.status, job.ended_at = "failed", datetime.now(UTC)
                self._failed[job.id] = job
                if len(self._failed) > MAX_FAILED:
                    oldest = self._failed.pop(next(iter(self._failed)))
                    log.warning("forgetting the oldest failed background job %r (%s)", oldest.title, oldest.id)
                job.done.set()
            self._cond.notify_all()
        if retry:
            log.warning(
                "background job %r failed (attempt %d); retrying in %d s", job.title, job.attempts, delay, exc_info=exc
            )
        else:
            log.error("background job %r failed after %d attempt(s)", job.title, job.attempts, exc_info=exc)

    def withdraw(self, job_id: str) -> LocalJob | None:
        """Take a job that has not started off the queues and timers (to hand it elsewhere); None if not waiting."""
        with self._cond:
            for name in QUEUES:
                for job in self._ready[name]:
                    if job.id == job_id:
                        self._ready[name].remove(job)
                        return job
            for index, (_, _, job) in enumerate(self._timed):
                if job.id == job_id:
                    self._timed.pop(index)
                    heapq.heapify(self._timed)
                    return job
            return None

    def put_back(self, job: LocalJob) -> None:
        """Queue a withdrawn job again, at the time it was due."""
        due = (job.run_at - datetime.now(UTC)).total_seconds() if job.run_at else 0.0
        self.submit(job, due)

    def moved(self, job: LocalJob) -> None:
        """The job is another's to run now (another process, or RQ): settle it here without running it."""
        with self._cond:
            job.status, job.outbox_id, job.ended_at = "moved", None, datetime.now(UTC)
            if self._running is job:
                self._running = None
            job.done.set()
            self._cond.notify_all()

    def drain(self, timeout: float = 30) -> bool:
        """Wait until no job is queued or running (timed jobs are not waited for); False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self._running is None and not any(self._ready.values()), timeout)

    def stats(self) -> list[dict]:
        """Per queue: queued, started, failed, scheduled, and finished within the last RESULT_TTL seconds."""
        with self._cond:
            since = time.monotonic() - RESULT_TTL
            return [
                {
                    "queue": name,
                    "queued": len(self._ready[name]),
                    "started": int(self._running is not None and self._running.queue == name),
                    "failed": sum(job.queue == name for job in self._failed.values()),
                    "scheduled": sum(job.queue == name for _, _, job in self._timed),
                    "finished": sum(mark > since for mark in self._finished[name]),
                }
                for name in QUEUES
            ]

    def failed(self, limit: int) -> list[LocalJob]:
        """The failed jobs, newest first."""
        with self._cond:
            return sorted(self._failed.values(), key=lambda job: job.ended_at, reverse=True)[:limit]

    def running(self) -> list[LocalJob]:
        """The job being run, if any."""
        with self._cond:
            return [self._running] if self._running is not None else []

    def pending(self) -> list[LocalJob]:
        """Jobs not run yet: queued ones in priority order, then timed ones by due time."""
        with self._cond:
            ready = [job for name in QUEUES for job in self._ready[name]]
            return ready + [job for _, _, job in sorted(self._timed)]

    def retry(self, job_id: str) -> LocalJob:
        """Queue a failed job again for one more attempt; NotFound when it is not in the failed list."""
        with self._cond:
            job = self._failed.pop(job_id, None)
            if job is None:
                raise NotFound("No failed job with that id.")
            job.retries_left, job.ended_at = 0, None
            job.done.clear()
            self._place(job, 0)
            self._cond.notify_all()
            return job

    def delete(self, job_id: str) -> LocalJob:
        """Remove a job from the failed list; NotFound when it is not there."""
        with self._cond:
            job = self._failed.pop(job_id, None)
            if job is None:
                raise NotFound("No failed job with that id.")
            return job

    def reset(self) -> None:
        """Forget queued, timed, failed and finished jobs (tests)."""
        with self._cond:
            for name in QUEUES:
                self._ready[name].clear()
                self._finished[name].clear()
            self._timed.clear()
            self._failed.clear()
            self._cond.notify_all()


_worker: LocalWorker | None = None
_worker_lock = threading.Lock()


def _job_name(job: LocalJob) -> str:
    """The job's function, as spans and error reports name it (titles may carry user-given text)."""
    func = getattr(job.func, "__func__", job.func)
    return f"job {getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', repr(func))}"


def _release(job: LocalJob) -> None:
    """The job is done with (finished or finally failed): delete its outbox row."""
    if job.outbox_id:
        outbox_store.release(job.outbox_id)
        job.outbox_id = None


def local_worker() -> LocalWorker:
    """The process's in-process worker, started on first use."""
    global _worker
    with _worker_lock:
        if _worker is None:
            _worker = LocalWorker()
        return _worker


def current_worker() -> LocalWorker | None:
    """The in-process worker if it has been started (reading stats does not start one)."""
    return _worker


def drain_local(timeout: float = 30) -> bool:
    """Wait for the in-process worker to finish queued jobs; True when it did (or there is none)."""
    return _worker.drain(timeout) if _worker is not None else True


def reset_local() -> None:
    """Forget every job the in-process worker holds (tests)."""
    if _worker is not None:
        _worker.reset()


def _forget_after_fork() -> None:
    """A forked child has no worker thread: let it start its own on first use."""
    global _worker, _worker_lock
    _worker, _worker_lock = None, threading.Lock()


def _finish_at_exit() -> None:
    """Give queued jobs a few seconds at interpreter exit, and log any job that will not run."""
    if _worker is None:
        return
    _worker.drain(EXIT_GRACE_SECONDS)
    left = _worker.pending() + _worker.running()
    if left:
        log.warning(
            "%d background job(s) not run because the process is exiting: %s",
            len(left),
            "; ".join(f"{job.title} ({job.status}{', kept in the outbox' if job.outbox_id else ''})" for job in left),
        )
    if any(job.outbox_id for job in left):
        try:  # hand this process's outbox rows over now rather than after the lease runs out
            outbox_store.let_go()
        except Exception as exc:
            log.warning("could not hand over the job outbox rows at exit: %s", type(exc).__name__)


os.register_at_fork(after_in_child=_forget_after_fork)
atexit.register(_finish_at_exit)
