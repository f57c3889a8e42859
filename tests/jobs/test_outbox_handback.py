"""A live process hands the jobs it queued in-process during a Redis outage back to RQ once Redis answers."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from rq import Queue, SimpleWorker
from rq.job import Job
from rq.registry import ScheduledJobRegistry

from metaic import upkeep
from metaic.jobs import enqueue, enqueue_in, outbox, outbox_store
from metaic.jobs.local import drain_local, local_worker
from metaic.jobs.policy import QUEUES
from metaic.jobs.queue import rq_connection
from tests.jobs.outbox_helpers import CLOSED_REDIS, GATE, abandon, hold_worker, lines, record, rows, use_redis


@pytest.fixture(autouse=True)
def _closed_gate():
    """Every test starts with the gate shut and leaves it open (no worker stays blocked)."""
    GATE.clear()
    yield
    GATE.set()


def _hand_back_task():
    """The upkeep task that hands this process's waiting jobs back (every app process runs it)."""
    [task] = [task for task in upkeep.tasks() if task.func is outbox.hand_back]
    assert task.every <= 30
    return task


def _rq_worker(redis_url: str) -> SimpleWorker:
    """A real RQ worker on every queue of the test's Redis."""
    connection = rq_connection(redis_url)
    return SimpleWorker([Queue(name, connection=connection) for name in QUEUES], connection=connection)


def test_waiting_jobs_go_to_rq_when_redis_returns_and_each_runs_once(db, redis_url, monkeypatch, tmp_path):
    """Queued and timed jobs move to RQ (rows deleted, same ids); the running one and another's row stay put."""
    out = tmp_path / "ran.txt"
    use_redis(monkeypatch, CLOSED_REDIS)
    running = enqueue(hold_worker, title="running here")  # holds the in-process worker: started, not waiting
    now_jobs = [enqueue(record, str(out), f"now {n}", title=f"now {n}", queue_name="high") for n in range(3)]
    later = enqueue_in(timedelta(minutes=10), record, str(out), "later", title="later job")
    contested = enqueue(record, str(out), "contested", title="contested job")
    abandon(contested.id, holder="other-host:7:cafef00d", age=timedelta(0))  # another live process took its row
    task = _hand_back_task()
    assert task.func() == 0, "Redis still down: nothing moves"
    assert {job.id for job in local_worker().pending()} == {job.id for job in [*now_jobs, later, contested]}

    use_redis(monkeypatch, redis_url)
    assert task.func() == 4
    assert local_worker().pending() == []
    assert all(job.status == "moved" and job.done.is_set() for job in [*now_jobs, later, contested])
    left = {row.id: row.holder for row in rows()}
    assert left == {running.id: outbox_store.holder_id(), contested.id: "other-host:7:cafef00d"}
    connection = rq_connection(redis_url)
    assert Queue("high", connection=connection).job_ids == [job.id for job in now_jobs]
    assert ScheduledJobRegistry("default", connection=connection).get_job_ids() == [later.id]
    assert not Job.exists(contested.id, connection=connection) and not Job.exists(running.id, connection=connection)
    assert task.func() == 0, "handed over once"

    GATE.set()
    assert running.done.wait(10) and drain_local()
    assert running.status == "finished" and lines(out) == [], "nothing handed over ran here"
    assert [row.id for row in rows()] == [contested.id]
    assert _rq_worker(redis_url).work(burst=True)
    assert sorted(lines(out)) == ["now 0", "now 1", "now 2"]


def test_a_hand_back_racing_the_in_process_worker_runs_every_job_exactly_once(db, redis_url, monkeypatch, tmp_path):
    """The worker starts jobs while they are being handed over: each job runs once, here or in RQ, none twice."""
    out = tmp_path / "ran.txt"
    use_redis(monkeypatch, "")
    blocker = enqueue(hold_worker, title="hold the worker")
    use_redis(monkeypatch, CLOSED_REDIS)
    names = [f"job {n}" for n in range(40)]
    for name in names:
        enqueue(record, str(out), name, title=name)
    use_redis(monkeypatch, redis_url)
    start, handed = threading.Barrier(2), []

    def hand_back() -> None:
        start.wait(10)
        handed.append(outbox.hand_back())

    thread = threading.Thread(target=hand_back)
    thread.start()
    start.wait(10)
    GATE.set()  # the in-process worker takes jobs from now on, while they are being withdrawn
    thread.join(60)
    assert blocker.done.wait(10) and drain_local()
    ran_here = len(lines(out))
    assert _rq_worker(redis_url).work(burst=True) or handed == [0]
    assert sorted(lines(out)) == sorted(names)
    assert handed == [len(names) - ran_here] and rows() == []
