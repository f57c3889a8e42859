"""A real `python -m metaic worker` that loses Redis in the middle of a job keeps working once Redis is back.

RQ's work loop quits on an error it does not expect (here: the job's outcome cannot be written because the
connection died); the process must not exit with it, or jobs would wait for someone to restart workers.
"""

from __future__ import annotations

import time
from pathlib import Path

import redis
from rq import Queue

from tests import support_jobs
from tests.jobs.processes import WorkerProcesses, wait_for
from tests.resilience import jobs
from tests.resilience.conftest import Proxy


def test_a_worker_that_loses_redis_mid_job_waits_and_takes_the_next_job(redis_server: int, tmp_path: Path):
    """Cut Redis while a job runs: the same process (same pid) starts afresh when Redis answers, and works on."""
    proxy = Proxy(("127.0.0.1", redis_server))
    direct = redis.Redis(port=redis_server)
    queue = Queue("default", connection=direct)
    logs = tmp_path / "logs"
    logs.mkdir()
    workers = WorkerProcesses(f"redis://127.0.0.1:{proxy.port}/0", logs)
    try:
        worker = workers.start("--abandon-after", "4")
        queue.enqueue(support_jobs.slow_first_time, str(tmp_path), 2)
        wait_for(lambda: support_jobs.attempts(tmp_path), 20, "the first job to start")
        proxy.cut()
        wait_for(lambda: (tmp_path / "done").exists(), 10, "the job to finish its work")
        time.sleep(3)  # the worker finds Redis gone when it records the outcome
        proxy.restore()
        record = tmp_path / "after.txt"
        queue.enqueue(jobs.record, str(record), "after the outage")
        wait_for(record.exists, 40, "a job queued after the outage to run:\n" + workers.log_of(worker))
        assert worker.poll() is None, workers.log_of(worker)
        assert "worker starts afresh (same pid)" in workers.log_of(worker)
        assert record.read_text(encoding="utf-8") == "after the outage\n"
    finally:
        workers.stop_all()
        proxy.close()
        direct.close()
