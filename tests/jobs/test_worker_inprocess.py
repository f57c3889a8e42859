"""The in-process worker (MetaicWorker) run inside the test: time limits, broken jobs, and starting afresh.

No fork means one job's leftovers could reach the next one. These tests run jobs that leave
trouble behind and check what the next job, or the worker, sees.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from rq import Queue
from rq.job import JobStatus

from metaic.db import checked_out_connections, get_engine
from metaic.jobs import enqueue
from metaic.jobs.policy import QUEUES, summarize
from metaic.jobs.queue import rq_connection
from metaic.jobs.worker import MetaicWorker
from tests import support_jobs


def _worker(redis_url: str, **options) -> MetaicWorker:
    """An in-process worker on every queue of the test's Redis.

    No memory limit unless a test sets one: the worker runs inside the pytest process, whose size after a
    few thousand tests says nothing about the worker (it passed the 1 GiB default in a full run).
    """
    options.setdefault("max_memory_mb", None)
    connection = rq_connection(redis_url)
    return MetaicWorker([Queue(name, connection=connection) for name in QUEUES], connection=connection, **options)


@pytest.fixture
def ledger(db: str) -> Iterator[None]:
    """The claim and balance tables of tests/support_jobs.py, balance 0; dropped afterwards."""
    with get_engine().begin() as conn:
        conn.execute(sa.text(support_jobs.CLAIMS_DDL))
        conn.execute(sa.text(support_jobs.BALANCE_DDL))
        conn.execute(sa.text("INSERT INTO job_test_balance (id, amount) VALUES (1, 0)"))
    yield
    for session in support_jobs.LEFT_OPEN:
        session.close()
    support_jobs.LEFT_OPEN.clear()
    with get_engine().begin() as conn:
        conn.execute(sa.text("DROP TABLE job_test_claims"))
        conn.execute(sa.text("DROP TABLE job_test_balance"))


def test_a_job_past_its_timeout_is_stopped_in_process(redis_url, tmp_path):
    """SIGALRM works without a fork: the job gets a JobTimeoutException, and the next job runs."""
    slow = enqueue(support_jobs.slow_first_time, str(tmp_path / "slow"), 30, title="slow", retries=0, job_timeout=1)
    (tmp_path / "slow").mkdir()
    after = enqueue(support_jobs.write_file, str(tmp_path / "after.txt"), "ran", title="after")
    worker = _worker(redis_url, abandon_after=3)
    assert worker.work(burst=True)
    assert slow.get_status(refresh=True) == JobStatus.FAILED
    assert "JobTimeoutException" in summarize(slow.latest_result().exc_string)
    assert after.get_status(refresh=True) == JobStatus.FINISHED and (tmp_path / "after.txt").read_text() == "ran"
    assert worker.recycle_reason is None


def test_a_job_that_broke_its_transaction_does_not_poison_the_next(redis_url, ledger, tmp_path):
    """A duplicate key inside a job's session fails that job only; the next job writes on a clean connection."""
    broken = enqueue(support_jobs.break_transaction, str(tmp_path), title="broken", retries=0)
    credit = enqueue(support_jobs.credit_once, str(tmp_path), "k1", 5, "nowhere", 0, title="credit")
    worker = _worker(redis_url)
    worker.work(burst=True)
    assert broken.get_status(refresh=True) == JobStatus.FAILED
    assert "sqlalchemy.exc.IntegrityError" in broken.latest_result().exc_string
    assert credit.get_status(refresh=True) == JobStatus.FINISHED
    with get_engine().connect() as conn:
        assert conn.execute(sa.text("SELECT amount FROM job_test_balance")).scalar_one() == 5
    assert checked_out_connections() == 0 and worker.recycle_reason is None


def test_a_session_left_open_makes_the_worker_start_afresh_before_the_next_job(redis_url, ledger, tmp_path):
    """A job that never closes its session keeps a connection (and its transaction): no further job runs here."""
    leaky = enqueue(support_jobs.leave_session_open, str(tmp_path), title="leaky")
    waiting = enqueue(support_jobs.write_file, str(tmp_path / "next.txt"), "x", title="next")
    worker = _worker(redis_url)
    worker.work(burst=True)
    assert leaky.get_status(refresh=True) == JobStatus.FINISHED
    assert waiting.get_status(refresh=True) == JobStatus.QUEUED and not (tmp_path / "next.txt").exists()
    assert worker.recycle_reason == f"job {leaky.id} (leaky) left 1 database connection(s) checked out"
    assert worker.should_start_afresh


def test_a_connection_another_thread_holds_is_not_the_jobs_leak(redis_url, tmp_path):
    """A background thread (the outbox heartbeat, say) querying while a job ends does not recycle the worker."""
    taken, done = threading.Event(), threading.Event()

    def hold_a_connection() -> None:
        with get_engine().connect():
            taken.set()
            done.wait(30)

    holder = threading.Thread(target=hold_a_connection, daemon=True)
    holder.start()
    assert taken.wait(10)
    try:
        job = enqueue(support_jobs.write_file, str(tmp_path / "one.txt"), "x", title="one")
        worker = _worker(redis_url)
        worker.work(burst=True)
    finally:
        done.set()
        holder.join(10)
    assert job.get_status(refresh=True) == JobStatus.FINISHED
    assert worker.recycle_reason is None


def test_a_session_merely_dropped_is_collected_and_the_worker_carries_on(redis_url, ledger, tmp_path):
    """A session dropped unclosed goes back to its pool, rolled back, once collected: no fresh start needed."""
    dropped = enqueue(support_jobs.drop_session_unclosed, str(tmp_path), title="dropped")
    credit = enqueue(support_jobs.credit_once, str(tmp_path), "k1", 5, "nowhere", 0, title="credit")
    worker = _worker(redis_url)
    worker.work(burst=True)
    assert dropped.get_status(refresh=True) == JobStatus.FINISHED
    assert credit.get_status(refresh=True) == JobStatus.FINISHED
    with get_engine().connect() as conn:
        # The dropped session's uncommitted +1 was rolled back; the next job's +5 went in.
        assert conn.execute(sa.text("SELECT amount FROM job_test_balance")).scalar_one() == 5
    assert worker.recycle_reason is None


@pytest.mark.parametrize(
    ("options", "reason"),
    [({"max_jobs": 1}, "ran 1 jobs (--max-jobs)"), ({"max_memory_mb": 1}, "is past --max-memory 1")],
)
def test_limits_make_the_worker_start_afresh_between_jobs(redis_url, tmp_path, options, reason):
    """--max-jobs and --max-memory stop the loop after the job that reached them; the rest stays queued."""
    jobs = [enqueue(support_jobs.write_file, str(tmp_path / f"{i}.txt"), "x", title=f"write {i}") for i in range(2)]
    worker = _worker(redis_url, **options)
    worker.work(burst=True)
    assert [job.get_status(refresh=True) for job in jobs] == [JobStatus.FINISHED, JobStatus.QUEUED]
    assert reason in worker.recycle_reason and worker.should_start_afresh


def test_worker_heartbeat_is_sent_once_a_second_but_never_leaves_a_short_expiry(redis_url):
    """Back-to-back full heartbeats go out once; one after a job's shorter heartbeat always goes out."""
    worker = _worker(redis_url, abandon_after=3)  # worker_ttl 18: a full heartbeat keeps the key 78 s
    connection = rq_connection(redis_url)
    worker.register_birth()
    worker.heartbeat()
    assert 77 <= connection.ttl(worker.key) <= 78
    connection.expire(worker.key, 30)
    worker.heartbeat()  # under a second after the last full one: not sent
    assert connection.ttl(worker.key) <= 30
    with connection.pipeline() as pipeline:  # a job starts: RQ sets the job's shorter expiry
        worker.heartbeat(5, pipeline=pipeline)
        pipeline.execute()
    worker.heartbeat()  # after the job: back to the full expiry at once
    assert 77 <= connection.ttl(worker.key) <= 78
    worker.register_death()
