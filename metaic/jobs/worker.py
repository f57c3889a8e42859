"""The RQ worker entry point: `python -m metaic worker`."""

from __future__ import annotations

from rq import Queue, Worker

from metaic.config import get_settings
from metaic.db import dispose_engines
from metaic.jobs.queue import QUEUES, rq_connection


def run_worker(queues: list[str] | None = None, *, burst: bool = False) -> bool:
    """Run an RQ worker with its scheduler on the given queues (all by default)."""
    url = get_settings().redis_url
    if not url:
        raise SystemExit("REDIS_URL is not set: without Redis, jobs run inside the app process.")
    connection = rq_connection(url)
    # Pooled DB connections must not be shared with the forked work horse.
    dispose_engines()
    worker = Worker([Queue(name, connection=connection) for name in (queues or QUEUES)], connection=connection)
    return worker.work(burst=burst, with_scheduler=True)
