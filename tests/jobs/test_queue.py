"""Background jobs: the in-process worker without Redis, and RQ queues with Redis."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from rq import Queue, SimpleWorker
from rq.job import JobStatus

from metaic.jobs import enqueue
from metaic.jobs.queue import QUEUES, LocalJob, drain_local, rq_connection


def _append(bucket: list, value: int) -> None:
    """A job that records that it ran."""
    bucket.append(value)


def _fail(message: str) -> None:
    """A job that always fails."""
    raise ValueError(message)


def _exit() -> None:
    """A job that raises something that is not an Exception."""
    raise SystemExit(3)


def _write(path: str, text: str, *, suffix: str = "") -> str:
    """A job RQ can import and run: writes a file."""
    Path(path).write_text(text + suffix)
    return text


def test_local_worker_runs_every_job_in_order():
    """Without Redis, 200 queued jobs all run, in order, and none is dropped."""
    bucket: list[int] = []
    jobs = [enqueue(_append, bucket, i, title=f"job {i}") for i in range(200)]
    assert all(isinstance(job, LocalJob) for job in jobs)
    drain_local()
    assert bucket == list(range(200))
    assert all(job.done.is_set() and job.error is None for job in jobs)


def test_local_worker_logs_failure_and_carries_on(caplog):
    """A failing job is logged with its title, keeps its error, and the next job still runs."""
    caplog.set_level(logging.ERROR, logger="metaic.jobs.queue")
    bucket: list[int] = []
    bad = enqueue(_fail, "boom", title="doomed job")
    fatal = enqueue(_exit, title="exiting job")
    good = enqueue(_append, bucket, 1, title="good job")
    assert good.done.wait(10)
    assert isinstance(bad.error, ValueError) and str(bad.error) == "boom"
    assert isinstance(fatal.error, SystemExit)
    assert bucket == [1] and good.error is None
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("doomed job" in m for m in messages) and any("exiting job" in m for m in messages)
    assert any(r.exc_info and r.exc_info[0] is ValueError for r in caplog.records)


def test_local_worker_passes_keyword_arguments(tmp_path):
    """Keyword arguments reach the job; `title`, `queue_name` and `retries` do not."""
    target = tmp_path / "out.txt"
    job = enqueue(_write, str(target), "hi", suffix="!", title="write", queue_name="low", retries=0)
    assert job.done.wait(10) and job.error is None
    assert target.read_text() == "hi!"


def test_local_worker_accepts_jobs_from_many_threads():
    """Jobs enqueued concurrently from request threads are all run."""
    bucket: list[int] = []
    threads = [threading.Thread(target=lambda n=n: [enqueue(_append, bucket, n * 100 + i, title="t")
                                                   for i in range(25)]) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    drain_local()
    assert sorted(bucket) == sorted(n * 100 + i for n in range(8) for i in range(25))


@pytest.mark.parametrize("with_redis", [False, True])
def test_unknown_queue_is_refused(request, with_redis):
    """Only the known queues may be named."""
    if with_redis:
        request.getfixturevalue("redis_url")
    bucket: list[int] = []
    for name in ("urgent", "", "HIGH"):
        with pytest.raises(ValueError, match="unknown queue"):
            enqueue(_append, bucket, 1, title="x", queue_name=name)
    drain_local()
    assert bucket == []
    assert QUEUES == ("high", "default", "low")


def test_redis_enqueue_uses_named_queue_title_and_retry(redis_url, tmp_path):
    """With Redis, a job lands on its RQ queue with the title as description and retries set."""
    connection = rq_connection(redis_url)
    job = enqueue(_write, str(tmp_path / "a.txt"), "hello", suffix="?", title="welcome email to user 7",
                  queue_name="high")
    assert job.origin == "high" and job.description == "welcome email to user 7"
    assert job.retries_left == 3 and job.retry_intervals == [5, 30, 120]
    assert job.func_name == f"{__name__}._write"
    assert job.args == (str(tmp_path / "a.txt"), "hello") and job.kwargs == {"suffix": "?"}
    assert Queue("high", connection=connection).job_ids == [job.id]
    assert Queue("default", connection=connection).job_ids == []
    once = enqueue(_write, str(tmp_path / "b.txt"), "x", title="one retry", retries=1)
    never = enqueue(_write, str(tmp_path / "c.txt"), "y", title="no retry", queue_name="low", retries=0)
    assert (once.origin, once.retries_left, once.retry_intervals) == ("default", 1, [5])
    assert never.origin == "low" and not never.retries_left
    assert not (tmp_path / "a.txt").exists(), "with Redis the job must wait for a worker"


def test_redis_job_runs_on_a_worker(redis_url, tmp_path):
    """An RQ worker picks the job up and runs it."""
    connection = rq_connection(redis_url)
    job = enqueue(_write, str(tmp_path / "out.txt"), "done", title="write a file", queue_name="default")
    bad = enqueue(_fail, "boom", title="failing job", queue_name="default", retries=0)
    worker = SimpleWorker([Queue(name, connection=connection) for name in QUEUES], connection=connection)
    worker.work(burst=True)
    assert (tmp_path / "out.txt").read_text() == "done"
    assert job.get_status(refresh=True) == JobStatus.FINISHED
    assert bad.get_status(refresh=True) == JobStatus.FAILED
