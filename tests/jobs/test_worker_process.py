"""Real `python -m metaic worker` processes: killed mid-job they lose nothing, and they run timed jobs.

Two ways a worker dies:
- the work horse (the forked child running the job) is SIGKILLed, as the OOM killer would: the
  worker sees it at once and retries the job after its backoff (its own scheduler requeues it);
- the whole worker (main process, scheduler and horse) is SIGKILLed, as when its machine dies:
  its heartbeats stop, and once the job's started-registry entry expires a restarted worker's
  maintenance pass finds the abandoned job and retries it. `--abandon-after 4` makes that take
  seconds instead of the production 90 s (see metaic/jobs/worker.py).
"""

from __future__ import annotations

import os
import signal
from datetime import timedelta

from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry

from metaic.jobs import enqueue, enqueue_in, monitor
from metaic.jobs.queue import rq_connection
from metaic.jobs.worker import MetaicWorker
from tests import support_jobs
from tests.jobs.processes import wait_for

SLEEP = 30  # the first run sleeps this long; the test kills it well before


def _status(job: Job) -> str:
    """The job's status, read fresh from Redis."""
    return job.get_status(refresh=True)


def test_timings_follow_abandon_after(redis_url):
    """One number sets the heartbeat, the expiry of a silent job, and how often registries are cleaned."""
    connection = rq_connection(redis_url)
    job = Job.create(support_jobs.write_file, args=("x", "y"), connection=connection, timeout=180)
    default = MetaicWorker(["default"], connection=connection)
    fast = MetaicWorker(["default"], connection=connection, abandon_after=4)
    assert (default.job_monitoring_interval, default.maintenance_interval, default.worker_ttl) == (30, 90, 105)
    assert default.get_heartbeat_ttl(job) == 90 and default.get_heartbeat_ttl(job, working_time=170) == 70
    assert (fast.job_monitoring_interval, fast.maintenance_interval, fast.dequeue_timeout) == (1, 4, 4)
    assert fast.get_heartbeat_ttl(job) == 4


def test_killed_work_horse_is_retried_by_the_same_worker(workers, redis_url, tmp_path):
    """SIGKILL the child running the job: the job runs again after its backoff and finishes."""
    job = enqueue(support_jobs.slow_first_time, str(tmp_path), SLEEP, title="slow render", backoff=(1,))
    worker = workers.start("--abandon-after", "4")
    [horse] = wait_for(lambda: support_jobs.attempts(tmp_path), 20, "the first attempt to start")
    assert _status(job) == JobStatus.STARTED
    assert [(row["id"], row["title"]) for row in monitor.running_jobs()] == [(job.id, "slow render")]
    assert monitor.queue_stats()[1]["started"] == 1

    os.kill(horse, signal.SIGKILL)
    wait_for(lambda: (tmp_path / "done").exists(), 20, "the retried job to finish")
    wait_for(lambda: _status(job) == JobStatus.FINISHED, 10, "the job to be marked finished")
    pids = support_jobs.attempts(tmp_path)
    assert len(pids) == 2 and pids[1] != horse
    assert worker.poll() is None, workers.log_of(worker)
    log = workers.log_of(worker)
    assert "Work-horse terminated unexpectedly" in log and "(signal 9)" in log, log


def test_whole_worker_killed_mid_job_is_picked_up_by_a_restarted_worker(workers, redis_url, tmp_path):
    """SIGKILL the worker, its scheduler and its horse: a new worker finds the abandoned job and finishes it.

    backoff=(0,): a dead worker's scheduler lock stays in Redis for 60 s, so a retry that needs the
    scheduler would outlast this test; the pick-up of the abandoned job is what is tested here
    (retry-after-backoff through the scheduler is the previous test).
    """
    job = enqueue(support_jobs.slow_first_time, str(tmp_path), SLEEP, title="slow import", backoff=(0,))
    first = workers.start("--abandon-after", "4")
    [horse] = wait_for(lambda: support_jobs.attempts(tmp_path), 20, "the first attempt to start")
    os.killpg(first.pid, signal.SIGKILL)  # the worker and its scheduler share a process group
    os.kill(horse, signal.SIGKILL)  # the horse has a group of its own
    first.wait(10)
    started = StartedJobRegistry("default", connection=rq_connection(redis_url))
    assert _status(job) == JobStatus.STARTED and job.id in started.get_job_ids(cleanup=False)
    assert not (tmp_path / "done").exists()

    second = workers.start("--abandon-after", "4")
    wait_for(lambda: (tmp_path / "done").exists(), 30, "the restarted worker to rerun the job")
    wait_for(lambda: _status(job) == JobStatus.FINISHED, 10, "the job to be marked finished")
    assert len(support_jobs.attempts(tmp_path)) == 2
    assert job.id not in started.get_job_ids(cleanup=False)
    assert second.poll() is None, workers.log_of(second)


def test_worker_scheduler_runs_timed_jobs(workers, redis_url, tmp_path):
    """A job due in 2 s waits in the scheduled registry, then the worker's scheduler queues it and it runs."""
    target = tmp_path / "timed.txt"
    job = enqueue_in(timedelta(seconds=2), support_jobs.write_file, str(target), "on time", title="timed")
    workers.start("--abandon-after", "4")
    assert _status(job) == JobStatus.SCHEDULED
    wait_for(lambda: target.exists(), 20, "the timed job to run")
    assert target.read_text() == "on time"
    wait_for(lambda: _status(job) == JobStatus.FINISHED, 10, "the job to be marked finished")
