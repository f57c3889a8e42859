"""Enqueue background work on RQ, or on an in-process worker thread without Redis."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import redis
from rq import Queue, Retry

from metaic.config import get_settings

log = logging.getLogger(__name__)

QUEUES = ("high", "default", "low")


@dataclass
class LocalJob:
    """A job run by the in-process worker; `done` is set when it has finished."""

    title: str
    func: Callable
    args: tuple
    kwargs: dict
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


@lru_cache
def rq_connection(url: str) -> redis.Redis:
    """A binary-safe Redis connection for RQ (it pickles job data)."""
    return redis.Redis.from_url(url)


def enqueue(func: Callable, *args, title: str, queue_name: str = "default", retries: int = 3, **kwargs):
    """Run `func(*args, **kwargs)` in the background; returns the RQ job or a LocalJob."""
    if queue_name not in QUEUES:
        raise ValueError(f"unknown queue {queue_name!r}")
    url = get_settings().redis_url
    if url:
        q = Queue(queue_name, connection=rq_connection(url))
        return q.enqueue(
            func, *args, **kwargs,
            description=title,
            retry=Retry(max=retries, interval=[5, 30, 120][:retries]) if retries else None,
        )
    job = LocalJob(title=title, func=func, args=args, kwargs=kwargs)
    _local_worker().put(job)
    return job


class _LocalWorker:
    """One daemon thread draining an unbounded queue, so no job is ever dropped."""

    def __init__(self):
        self.jobs: queue.Queue[LocalJob] = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="metaic-local-worker", daemon=True)
        self.thread.start()

    def put(self, job: LocalJob) -> None:
        """Add a job."""
        self.jobs.put(job)

    def _run(self) -> None:
        """Run jobs one after another; log failures and carry on."""
        while True:
            job = self.jobs.get()
            try:
                job.func(*job.args, **job.kwargs)
            except BaseException as exc:
                job.error = exc
                log.exception("background job %r failed", job.title)
            finally:
                job.done.set()
                self.jobs.task_done()

    def drain(self, timeout: float = 30) -> None:
        """Wait until every queued job has run (tests, shutdown)."""
        done = threading.Event()
        self.jobs.put(LocalJob(title="drain", func=done.set, args=(), kwargs={}))
        done.wait(timeout)


_worker: _LocalWorker | None = None
_worker_lock = threading.Lock()


def _local_worker() -> _LocalWorker:
    """Start the in-process worker on first use."""
    global _worker
    with _worker_lock:
        if _worker is None:
            _worker = _LocalWorker()
        return _worker


def drain_local(timeout: float = 30) -> None:
    """Wait for the in-process worker to finish queued jobs."""
    if _worker is not None:
        _worker.drain(timeout)
