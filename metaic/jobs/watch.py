"""What the in-process worker does instead of a forked work horse: beat for the job, and start afresh.

`JobWatch` is one daemon thread per worker. While the main thread runs a job it sends that job's
heartbeats (RQ's forking parent did that for its horse), and when a job overstays its timeout by
`grace` seconds (it is stuck in C code, where the SIGALRM death penalty cannot reach it) it
replaces the whole process, as RQ's forking parent SIGKILLs the horse 60 s past the timeout. `replace_process`
re-executes the worker with its own command line (same pid, so a supervisor, `make run` or a test
sees one long-lived process), after closing every inherited file descriptor: a stuck job's
database connection, and the transaction and locks it holds, end with the old process image.
"""

from __future__ import annotations

import logging
import os
import resource
import sys
import threading
import time
from collections.abc import Callable
from typing import NoReturn

from rq.executions import Execution
from rq.job import Job
from rq.queue import Queue

log = logging.getLogger(__name__)


class JobWatch(threading.Thread):
    """Beats for the job the main thread is running, and replaces the process if the job overstays."""

    def __init__(self, worker, *, grace: int, on_stuck: Callable[[str], None]):
        """`worker` sends the heartbeats; `on_stuck(reason)` is called (from this thread) `grace` s past a timeout."""
        super().__init__(name="metaic-job-watch", daemon=True)
        self.worker, self.grace, self.on_stuck = worker, grace, on_stuck
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._current: tuple[Job, Execution, float] | None = None

    def follow(self, job: Job, execution: Execution) -> None:
        """Start beating for `job` (the main thread is about to run it)."""
        with self._lock:
            self._current = (job, execution, time.monotonic())
        if not self.is_alive():
            self.start()

    def release(self) -> None:
        """Stop beating for the current job; returns once no heartbeat for it is in flight."""
        with self._lock:
            self._current = None

    def close(self) -> None:
        """End the thread (the worker is done)."""
        self.release()
        self._closed.set()

    @property
    def busy(self) -> bool:
        """True while a job is followed."""
        return self._current is not None

    def run(self) -> None:
        """Every monitoring interval: beat for the current job, or give up on it past its hard limit."""
        while not self._closed.wait(self.worker.job_monitoring_interval):
            with self._lock:
                if self._current is None:
                    continue
                job, execution, started = self._current
                limit = hard_limit(job, self.grace)
                if limit is not None and time.monotonic() - started > limit:
                    self.on_stuck(f"job {job.id} ({job.description}) ran {limit} s, past its timeout")
                    continue
                try:
                    self.worker.maintain_heartbeats(job, execution)
                except Exception:
                    # A missed beat is not fatal: the job only counts as abandoned after several.
                    log.warning("heartbeat for job %s failed", job.id, exc_info=True)


def hard_limit(job: Job, grace: int) -> int | None:
    """Seconds after which a job that ignored its SIGALRM timeout is given up (None: no timeout)."""
    timeout = job.timeout or Queue.DEFAULT_TIMEOUT
    return None if timeout < 0 else int(timeout) + grace


def rss_mb() -> float:
    """This process's resident memory in MiB (its peak where /proc is missing)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def replace_process(reason: str) -> NoReturn:
    """Re-execute this worker with the same command line, closing every file the old image held."""
    log.warning("worker starts afresh (same pid): %s", reason)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os.closerange(3, _max_fd())
    # Our own interpreter and our own command line: nothing outside comes in.
    os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])  # noqa: S606


def _max_fd() -> int:
    """One past the highest file descriptor this process may hold."""
    try:
        return int(os.sysconf("SC_OPEN_MAX"))
    except (OSError, ValueError):
        return 65536
