"""Real `python -m metaic worker` processes: killed mid-job they lose nothing, and they run timed jobs.

Three ways a job's process dies:
- the whole worker (main process and scheduler) is SIGKILLed, as when its machine dies: its
  heartbeats stop, and once the job's started-registry entry expires a restarted worker's
  maintenance pass finds the abandoned job and retries it (tests/jobs/test_worker_exactly_once.py
  checks its side effect happens once). `--abandon-after 4` makes that take seconds instead of the
  production 90 s (see metaic/jobs/worker.py);
- a job stuck where SIGALRM cannot reach it: the worker replaces its own process image (same pid),
  and the fresh image retries the job as abandoned;
- with `--fork`, the work horse (the child running the job) is SIGKILLed, as the OOM killer would:
  the worker sees it at once and retries the job after its backoff.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta

from rq import Worker
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry

from metaic.jobs import enqueue, enqueue_in, monitor
from metaic.jobs.queue import rq_connection
from metaic.jobs.worker import ForkingMetaicWorker, MetaicWorker
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
    forking = ForkingMetaicWorker(["default"], connection=connection, abandon_after=4)
    assert (default.job_monitoring_interval, default.maintenance_interval, default.worker_ttl) == (30, 90, 105)
    assert default.get_heartbeat_ttl(job) == 90 and default.get_heartbeat_ttl(job, working_time=170) == 70
    for worker in (fast, forking):
        assert (worker.job_monitoring_interval, worker.maintenance_interval, worker.dequeue_timeout) == (1, 4, 4)
        assert worker.get_heartbeat_ttl(job) == 4


def test_job_runs_in_the_worker_process_and_keeps_its_heartbeat(workers, redis_url, tmp_path):
    """No fork: the job runs in the worker's own process, which keeps beating for it well past abandon_after.

    A second worker, idle, runs the maintenance pass every 3 s: it would retry the job as abandoned
    if the heartbeats stopped while the first worker's main thread is busy with the job.
    """
    job = enqueue(support_jobs.slow_first_time, str(tmp_path), 10, title="long render", backoff=(0,))
    worker = workers.start("--abandon-after", "3")
    [pid] = wait_for(lambda: support_jobs.attempts(tmp_path), 20, "the job to start")
    assert pid == worker.pid
    assert [(row["id"], row["title"]) for row in monitor.running_jobs()] == [(job.id, "long render")]
    workers.start("--abandon-after", "3")
    wait_for(lambda: _status(job) == JobStatus.FINISHED, 30, "the job to finish")
    assert support_jobs.attempts(tmp_path) == [worker.pid]


def test_whole_worker_killed_mid_job_is_picked_up_by_a_restarted_worker(workers, redis_url, tmp_path):
    """SIGKILL the worker and its scheduler: a new worker finds the abandoned job and finishes it.

    backoff=(0,): a dead worker's scheduler lock stays in Redis for 60 s, so a retry that needs the
    scheduler would outlast this test; the pick-up of the abandoned job is what is tested here.
    """
    job = enqueue(support_jobs.slow_first_time, str(tmp_path), SLEEP, title="slow import", backoff=(0,))
    first = workers.start("--abandon-after", "4")
    wait_for(lambda: support_jobs.attempts(tmp_path), 20, "the first attempt to start")
    os.killpg(first.pid, signal.SIGKILL)  # the worker and its scheduler share a process group
    first.wait(10)
    started = StartedJobRegistry("default", connection=rq_connection(redis_url))
    assert _status(job) == JobStatus.STARTED and job.id in started.get_job_ids(cleanup=False)
    assert not (tmp_path / "done").exists()

    second = workers.start("--abandon-after", "4")
    wait_for(lambda: (tmp_path / "done").exists(), 30, "the restarted worker to rerun the job")
    wait_for(lambda: _status(job) == JobStatus.FINISHED, 10, "the job to be marked finished")
    assert support_jobs.attempts(tmp_path) == [first.pid, second.pid]
    assert job.id not in started.get_job_ids(cleanup=False)
    assert second.poll() is None, workers.log_of(second)


def test_second_stop_signal_mid_job_leaves_the_job_for_the_next_worker(workers, redis_url, tmp_path):
    """A cold shutdown (a second SIGTERM) mid-job exits at once; the job is retried, not failed as a SystemExit."""
    job = enqueue(support_jobs.slow_first_time, str(tmp_path), SLEEP, title="slow export", backoff=(0,))
    first = workers.start("--abandon-after", "4")
    wait_for(lambda: support_jobs.attempts(tmp_path), 20, "the first attempt to start")
    os.kill(first.pid, signal.SIGTERM)  # warm: wait for the job...
    time.sleep(1.5)  # (RQ ignores a second signal within 1 s as a duplicate)
    os.kill(first.pid, signal.SIGTERM)  # ...cold: stop now
    assert first.wait(10) == 1
    assert _status(job) == JobStatus.STARTED

    second = workers.start("--abandon-after", "4")
    wait_for(lambda: _status(job) == JobStatus.FINISHED, 30, "the next worker to rerun the job")
    assert support_jobs.attempts(tmp_path) == [first.pid, second.pid]
    assert "cold shut down mid-job" in workers.log_of(first)


def test_job_stuck_past_its_timeout_restarts_the_worker_process(workers, redis_url, tmp_path):
    """A job that SIGALRM cannot stop is left behind: the worker re-executes itself and retries it as abandoned."""
    job = enqueue(support_jobs.stuck_in_c, str(tmp_path), SLEEP, title="stuck", backoff=(0,), job_timeout=1)
    worker = workers.start("--abandon-after", "3")
    wait_for(lambda: (tmp_path / "done").exists(), 40, "the job to be retried after the restart")
    wait_for(lambda: _status(job) == JobStatus.FINISHED, 10, "the job to be marked finished")
    # Same pid twice: the process image was replaced, not a child forked; the stuck sleep went with the old one.
    assert support_jobs.attempts(tmp_path) == [worker.pid, worker.pid]
    assert worker.poll() is None
    log = workers.log_of(worker)
    assert "past its timeout" in log and "starts afresh" in log, log
    assert [w.pid for w in Worker.all(connection=rq_connection(redis_url))] == [worker.pid]


def test_max_jobs_restarts_the_process_between_jobs(workers, redis_url, tmp_path):
    """`--max-jobs 1`: after each job the worker becomes a fresh process (same pid) and carries on."""
    targets = [tmp_path / f"job{i}.txt" for i in range(2)]
    jobs = [enqueue(support_jobs.write_file, str(target), "ok", title=f"write {i}") for i, target in enumerate(targets)]
    worker = workers.start("--abandon-after", "4", "--max-jobs", "1")
    wait_for(lambda: all(_status(job) == JobStatus.FINISHED for job in jobs), 30, "both jobs to finish")
    restarts = lambda: workers.log_of(worker).count("starts afresh (same pid): ran 1 jobs (--max-jobs)")  # noqa: E731
    wait_for(lambda: restarts() >= 2, 10, "the second fresh start")
    assert worker.poll() is None and all(target.read_text() == "ok" for target in targets)


def test_killed_work_horse_is_retried_by_the_same_worker(workers, redis_url, tmp_path):
    """--fork: SIGKILL the child running the job, and the job runs again after its backoff and finishes."""
    job = enqueue(support_jobs.slow_first_time, str(tmp_path), SLEEP, title="slow render", backoff=(1,))
    worker = workers.start("--abandon-after", "4", "--fork")
    [horse] = wait_for(lambda: support_jobs.attempts(tmp_path), 20, "the first attempt to start")
    assert horse != worker.pid
    assert _status(job) == JobStatus.STARTED
    assert monitor.queue_stats()[1]["started"] == 1

    os.kill(horse, signal.SIGKILL)
    wait_for(lambda: (tmp_path / "done").exists(), 20, "the retried job to finish")
    wait_for(lambda: _status(job) == JobStatus.FINISHED, 10, "the job to be marked finished")
    pids = support_jobs.attempts(tmp_path)
    assert len(pids) == 2 and pids[1] != horse
    assert worker.poll() is None, workers.log_of(worker)
    log = workers.log_of(worker)
    assert "Work-horse terminated unexpectedly" in log and "(signal 9)" in log, log


def test_worker_scheduler_runs_timed_jobs(workers, redis_url, tmp_path):
    """A job due in 2 s waits in the scheduled registry, then the worker's scheduler queues it and it runs."""
    target = tmp_path / "timed.txt"
    job = enqueue_in(timedelta(seconds=2), support_jobs.write_file, str(target), "on time", title="timed")
    workers.start("--abandon-after", "4")
    assert _status(job) == JobStatus.SCHEDULED
    wait_for(lambda: target.exists(), 20, "the timed job to run")
    assert target.read_text() == "on time"
    wait_for(lambda: _status(job) == JobStatus.FINISHED, 10, "the job to be marked finished")
