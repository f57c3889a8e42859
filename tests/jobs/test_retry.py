"""The retry rule on RQ: transient errors are retried with backoff, domain refusals fail at once."""

from __future__ import annotations

from datetime import UTC, datetime

from rq import Queue, SimpleWorker
from rq.job import JobStatus
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

from metaic.core.errors import NotFound, PermissionDenied
from metaic.jobs import enqueue
from metaic.jobs.policy import QUEUES, is_transient, retry_delay, retry_intervals, summarize
from metaic.jobs.queue import rq_connection
from tests import support_jobs


def _work(redis_url: str) -> None:
    """Run an in-process RQ worker until the queues are empty."""
    connection = rq_connection(redis_url)
    SimpleWorker([Queue(name, connection=connection) for name in QUEUES], connection=connection).work(burst=True)


def test_the_rule():
    """Ordinary errors are transient; domain refusals and non-Exceptions are not."""
    assert is_transient(ConnectionError) and is_transient(TimeoutError) and is_transient(ValueError)
    assert not is_transient(NotFound) and not is_transient(PermissionDenied)
    assert not is_transient(SystemExit) and not is_transient(KeyboardInterrupt)
    assert retry_intervals(3, (5, 30, 120)) == [5, 30, 120]
    assert retry_intervals(5, (5, 30)) == [5, 30, 30, 30, 30]
    assert retry_intervals(0, ()) == []
    # The n-th retry waits backoff[n], picked the way RQ picks it from retries_left.
    assert [retry_delay([5, 30, 120], left) for left in (3, 2, 1)] == [5, 30, 120]
    assert summarize("Traceback (most recent call last):\n  File x\nValueError: boom\n") == "ValueError: boom"
    assert summarize(None) == "" and len(summarize("E: " + "x" * 1000)) == 300


def test_transient_error_is_retried_until_it_succeeds(redis_url, tmp_path):
    """Two ConnectionErrors, then success: the job finishes on its third run."""
    job = enqueue(support_jobs.fail_times, str(tmp_path), 2, title="flaky", retries=3, backoff=(0,))
    _work(redis_url)
    job.refresh()
    assert job.get_status() == JobStatus.FINISHED
    assert len(support_jobs.attempts(tmp_path)) == 3 and job.retries_left == 1
    assert (tmp_path / "done").exists()


def test_domain_refusal_fails_at_once(redis_url, tmp_path):
    """A NotFound is not retried: one run, then the failed registry, with retries used up."""
    job = enqueue(support_jobs.refuse, str(tmp_path), title="refused", retries=3, backoff=(0,))
    _work(redis_url)
    job.refresh()
    assert job.get_status() == JobStatus.FAILED and job.retries_left == 0
    assert len(support_jobs.attempts(tmp_path)) == 1
    assert job.id in FailedJobRegistry("default", connection=rq_connection(redis_url))
    assert summarize(job.latest_result().exc_string) == "metaic.core.errors.NotFound: That card no longer exists."


def test_last_failed_try_lands_in_the_failed_registry(redis_url, tmp_path):
    """When every try fails, the job runs 1 + retries times and then waits in the failed registry."""
    job = enqueue(
        support_jobs.fail_times, str(tmp_path), 99, title="always down", queue_name="low", retries=2, backoff=(0,)
    )
    _work(redis_url)
    assert job.get_status(refresh=True) == JobStatus.FAILED
    assert len(support_jobs.attempts(tmp_path)) == 3
    assert FailedJobRegistry("low", connection=rq_connection(redis_url)).get_job_ids() == [job.id]


def test_retry_waits_its_backoff_in_the_scheduled_registry(redis_url, tmp_path):
    """With the default backoff, the first retry is scheduled 5 s after the failure, not run at once."""
    job = enqueue(support_jobs.fail_times, str(tmp_path), 1, title="retry later")
    before = datetime.now(UTC)
    _work(redis_url)
    registry = ScheduledJobRegistry("default", connection=rq_connection(redis_url))
    job.refresh()
    assert job.get_status() == JobStatus.SCHEDULED and job.retries_left == 2
    wait = (registry.get_scheduled_time(job.id) - before).total_seconds()
    assert 4 <= wait <= 6, wait
    assert len(support_jobs.attempts(tmp_path)) == 1
