"""The RQ worker entry point: `python -m metaic worker`.

How a job survives a dying worker. Each running job has an entry in RQ's StartedJobRegistry
that the worker keeps pushing into the future with a heartbeat. When the work horse (the forked
child running the job) is killed, e.g. by the OOM killer, the worker sees it at once and retries
the job with backoff. When the whole worker dies, its heartbeats stop; once the entry has
expired, any worker's maintenance pass ("clean registries") treats the job as abandoned and
retries it (or fails it when no retries are left).

`abandon_after` sets how long that takes. Stock RQ waits 60 s past a heartbeat interval of 30 s
and cleans registries every 10 minutes, but an idle worker sits in a blocking dequeue for 405 s
between passes, so an abandoned job could wait ~15 minutes. Here one number drives all four:
heartbeat every abandon_after/3 (at most 30 s), expiry after abandon_after, a maintenance pass at
least every abandon_after seconds (the blocking dequeue is shortened to match). The default of
90 s keeps RQ's own heartbeat timing; tests pass a few seconds.
"""

from __future__ import annotations

from rq import Queue, Worker
from rq.job import Job

from metaic.config import get_settings
from metaic.db import dispose_engines
from metaic.jobs.policy import QUEUES, RESULT_TTL
from metaic.jobs.queue import rq_connection

DEFAULT_ABANDON_AFTER = 90
MIN_ABANDON_AFTER = 3


class MetaicWorker(Worker):
    """RQ's forking worker whose running jobs count as abandoned `abandon_after` seconds after its last heartbeat."""

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
        self.abandon_grace = abandon_after - interval

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        """How long a running job's registry entry stays valid without a new heartbeat (RQ adds a fixed 60 s)."""
        if job.timeout and job.timeout > 0:
            return int(min(job.timeout - working_time, self.job_monitoring_interval)) + self.abandon_grace
        return self.job_monitoring_interval + self.abandon_grace


def run_worker(
    queues: list[str] | None = None, *, burst: bool = False, abandon_after: int = DEFAULT_ABANDON_AFTER
) -> bool:
    """Run an RQ worker with its scheduler on the given queues (all by default); True if it ran a job."""
    url = get_settings().redis_url
    if not url:
        raise SystemExit("REDIS_URL is not set: without Redis, jobs run inside the app process.")
    connection = rq_connection(url)
    # Pooled DB connections must not be shared with the forked work horse.
    dispose_engines()
    worker = MetaicWorker(
        [Queue(name, connection=connection) for name in (queues or QUEUES)],
        connection=connection,
        abandon_after=abandon_after,
    )
    return worker.work(burst=burst, with_scheduler=True)
