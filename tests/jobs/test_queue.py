"""Enqueueing: the in-process worker without Redis, RQ queues with Redis, titles and ids on every job."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from rq import Queue, SimpleWorker
from rq.job import JobStatus

from metaic.core.request_context import current_request_id, request_id_scope
from metaic.jobs import enqueue
from metaic.jobs.local import LocalJob, drain_local, local_worker
from metaic.jobs.policy import FAILURE_TTL, QUEUES, RESULT_TTL, on_failure
from metaic.jobs.queue import job_ids_of, rq_connection
from tests import support_jobs


def _append(bucket: list, value: int) -> None:
    """A job that records that it ran."""
    bucket.append(value)


def _record_request_id(bucket: list) -> None:
    """A job that records the request id it runs under."""
    bucket.append(current_request_id())


def _write(path: str, text: str, *, suffix: str = "") -> str:
    """A job RQ can import and run: writes a file."""
    Path(path).write_text(text + suffix)
    return text


def test_local_worker_runs_every_job_in_order():
    """Without Redis, 200 queued jobs all run, in order, and none is dropped."""
    bucket: list[int] = []
    jobs = [enqueue(_append, bucket, i, title=f"job {i}") for i in range(200)]
    assert all(isinstance(job, LocalJob) for job in jobs)
    assert drain_local()
    assert bucket == list(range(200))
    assert all(job.done.is_set() and job.error is None and job.status == "finished" for job in jobs)


def test_local_worker_takes_high_before_default_before_low():
    """Jobs waiting together run by queue priority, first come first served within a queue."""
    gate, order = threading.Event(), []
    blocker = enqueue(gate.wait, 10, title="hold the worker")
    for name, n in [("low", 1), ("default", 1), ("high", 1), ("low", 2), ("high", 2)]:
        enqueue(order.append, f"{name}{n}", title=f"{name} {n}", queue_name=name)
    gate.set()
    assert blocker.done.wait(10) and drain_local()
    assert order == ["high1", "high2", "default1", "low1", "low2"]


def test_local_worker_logs_a_refusal_once_and_carries_on(tmp_path, caplog):
    """A DomainError or SystemExit is not retried: logged with its title, kept as failed; the next job runs."""
    caplog.set_level(logging.WARNING, logger="metaic.jobs.local")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    bucket: list[int] = []
    refused = enqueue(support_jobs.refuse, str(tmp_path / "a"), title="doomed job")
    fatal = enqueue(support_jobs.exit_job, str(tmp_path / "b"), title="exiting job")
    good = enqueue(_append, bucket, 1, title="good job")
    assert good.done.wait(10) and refused.done.wait(10) and fatal.done.wait(10)
    assert refused.status == fatal.status == "failed" and refused.attempts == fatal.attempts == 1
    assert len(support_jobs.attempts(tmp_path / "a")) == len(support_jobs.attempts(tmp_path / "b")) == 1
    assert refused.exc_summary == "metaic.core.errors.NotFound: That card no longer exists."
    assert isinstance(fatal.error, SystemExit) and bucket == [1] and good.error is None
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert {r.getMessage() for r in errors} == {
        "background job 'doomed job' failed after 1 attempt(s)",
        "background job 'exiting job' failed after 1 attempt(s)",
    }
    assert all(r.exc_info for r in errors)


def test_local_worker_retries_transient_errors_with_backoff(tmp_path, caplog):
    """A ConnectionError is retried after its backoff; the job succeeds on the third attempt."""
    caplog.set_level(logging.WARNING, logger="metaic.jobs.local")
    started = time.monotonic()
    job = enqueue(support_jobs.fail_times, str(tmp_path), 2, title="flaky email", retries=3, backoff=(0, 1))
    assert job.done.wait(10), job.status
    assert time.monotonic() - started >= 1, "the second retry waits 1 s"
    assert job.status == "finished" and job.attempts == 3 and job.retries_left == 1
    assert (tmp_path / "done").read_text() == "done"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "background job 'flaky email' failed (attempt 1); retrying in 0 s",
        "background job 'flaky email' failed (attempt 2); retrying in 1 s",
    ]


def test_local_worker_fails_after_the_last_retry(tmp_path):
    """With every try failing, the job runs 1 + retries times, then lands in the failed list."""
    job = enqueue(support_jobs.fail_times, str(tmp_path), 99, title="always down", retries=2, backoff=(0,))
    assert job.done.wait(10)
    assert job.status == "failed" and job.attempts == 3 and job.retries_left == 0
    assert isinstance(job.error, ConnectionError) and "attempt 3" in job.exc_summary
    assert [failed.id for failed in local_worker().failed(10)] == [job.id]


def test_a_waiting_retry_does_not_block_drain(tmp_path):
    """drain_local waits for queued work only: a retry due in 30 s stays scheduled (and is not lost)."""
    job = enqueue(support_jobs.fail_times, str(tmp_path), 1, title="slow retry", retries=1, backoff=(30,))
    started = time.monotonic()
    assert drain_local(10)
    assert time.monotonic() - started < 5
    assert job.status == "scheduled" and not job.done.is_set()
    assert local_worker().pending() == [job]


def test_exit_finishes_queued_jobs_and_names_those_it_cannot_run(tmp_path):
    """At interpreter exit queued jobs still run; a timed job that cannot is logged by title, not dropped silently."""
    script = (
        "from datetime import timedelta\n"
        "from metaic.jobs import enqueue, enqueue_in\n"
        "from tests import support_jobs\n"
        f"enqueue(support_jobs.slow_first_time, {str(tmp_path)!r}, 0.5, title='queued import')\n"
        f"enqueue_in(timedelta(hours=1), support_jobs.write_file, {str(tmp_path / 'later')!r}, 'x',"
        " title='reminder for contact 7')\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "REDIS_URL": "", "PYTHONPATH": str(root), "METAIC_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "done").read_text() == "done"
    assert "1 background job(s) not run because the process is exiting: reminder for contact 7 (scheduled)" in (
        result.stderr
    )
    assert not (tmp_path / "later").exists()


def test_local_worker_passes_keyword_arguments(tmp_path):
    """Keyword arguments reach the job; the helper's own options do not."""
    target = tmp_path / "out.txt"
    job = enqueue(
        _write,
        str(target),
        "hi",
        suffix="!",
        title="write",
        queue_name="low",
        retries=0,
        backoff=(1,),
        ids=["x"],
        job_timeout=5,
    )
    assert job.done.wait(10) and job.error is None
    assert target.read_text() == "hi!"


def test_local_worker_accepts_jobs_from_many_threads():
    """Jobs enqueued concurrently from request threads are all run."""
    bucket: list[int] = []
    threads = [
        threading.Thread(target=lambda n=n: [enqueue(_append, bucket, n * 100 + i, title="t") for i in range(25)])
        for n in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    drain_local()
    assert sorted(bucket) == sorted(n * 100 + i for n in range(8) for i in range(25))


@pytest.mark.parametrize("with_redis", [False, True])
def test_bad_options_are_refused(request, with_redis):
    """Only the known queues, a real title and non-negative waits are accepted; nothing is queued otherwise."""
    if with_redis:
        request.getfixturevalue("redis_url")
    bucket: list[int] = []
    for name in ("urgent", "", "HIGH"):
        with pytest.raises(ValueError, match="unknown queue"):
            enqueue(_append, bucket, 1, title="x", queue_name=name)
    for title in ("", "   "):
        with pytest.raises(ValueError, match="title"):
            enqueue(_append, bucket, 1, title=title)
    with pytest.raises(ValueError, match="backoff"):
        enqueue(_append, bucket, 1, title="x", backoff=(5, -1))
    with pytest.raises(ValueError, match="retries"):
        enqueue(_append, bucket, 1, title="x", retries=-1)
    drain_local()
    assert bucket == []
    assert QUEUES == ("high", "default", "low")


def test_ids_are_the_uuid_arguments_unless_given():
    """Every UUID among the arguments (also as a string, also in lists) is recorded once; `ids=` overrides."""
    card, user, other = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    args = (card, 800, "text", [user, card], str(other).upper())
    assert job_ids_of(args, {"owner": other, "count": 3}) == [str(card), str(user), str(other)]
    assert job_ids_of((7, "a", "x" * 36, f"{card}-"), {}) == []  # numbers and look-alikes are not ids
    job = enqueue(_append, [], 1, title="x", ids=[42, user])
    assert job.ids == ["42", str(user)]


def test_a_local_job_runs_under_the_request_id_that_enqueued_it():
    seen: list = []
    with request_id_scope("req-local-1"):
        enqueue(_record_request_id, seen, title="note the id")
    enqueue(_record_request_id, seen, title="no request")
    drain_local()
    assert seen[0] == "req-local-1" and seen[1] not in (None, "req-local-1")


def test_redis_enqueue_records_title_ids_retry_and_retention(redis_url, tmp_path):
    """With Redis, a job lands on its RQ queue with title, ids, retries, TTLs and the failure rule."""
    connection = rq_connection(redis_url)
    card = uuid.uuid4()
    with request_id_scope("req-from-the-page"):
        job = enqueue(
            _write, str(tmp_path / "a.txt"), "hello", suffix="?", title="  render card  ", queue_name="high", ids=[card]
        )
    assert job.origin == "high" and job.description == "render card"
    # The request that enqueued it travels with it, so the worker's log lines carry the same id.
    assert job.meta == {"title": "render card", "ids": [str(card)], "request_id": "req-from-the-page"}
    assert job.retries_left == 3 and job.retry_intervals == [5, 30, 120]
    assert (job.result_ttl, job.failure_ttl) == (RESULT_TTL, FAILURE_TTL)
    assert job.failure_callback is on_failure
    assert job.func_name == f"{__name__}._write"
    assert job.args == (str(tmp_path / "a.txt"), "hello") and job.kwargs == {"suffix": "?"}
    assert Queue("high", connection=connection).job_ids == [job.id]
    assert Queue("default", connection=connection).job_ids == []
    once = enqueue(_write, str(tmp_path / "b.txt"), card, title="one retry", retries=1)
    never = enqueue(_write, str(tmp_path / "c.txt"), "y", title="no retry", queue_name="low", retries=0)
    assert (once.origin, once.retries_left, once.retry_intervals) == ("default", 1, [5])
    assert once.meta["ids"] == [str(card)]
    assert never.origin == "low" and not never.retries_left
    assert not (tmp_path / "a.txt").exists(), "with Redis the job must wait for a worker"


def test_redis_job_runs_on_a_worker(redis_url, tmp_path):
    """An RQ worker picks the job up and runs it; a refused job fails."""
    connection = rq_connection(redis_url)
    job = enqueue(_write, str(tmp_path / "out.txt"), "done", title="write a file", queue_name="default")
    bad = enqueue(support_jobs.refuse, str(tmp_path), title="failing job", queue_name="default")
    worker = SimpleWorker([Queue(name, connection=connection) for name in QUEUES], connection=connection)
    worker.work(burst=True)
    assert (tmp_path / "out.txt").read_text() == "done"
    assert job.get_status(refresh=True) == JobStatus.FINISHED
    assert bad.get_status(refresh=True) == JobStatus.FAILED
