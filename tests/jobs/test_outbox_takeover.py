"""Taking over the outbox rows of a process that died during a Redis outage: into RQ once it is back, else here."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from rq import Queue, SimpleWorker
from rq.job import Job
from rq.registry import ScheduledJobRegistry

from metaic import upkeep
from metaic.core.request_context import request_id_scope
from metaic.jobs import enqueue, enqueue_in, outbox, outbox_store
from metaic.jobs.local import drain_local, local_worker, reset_local
from metaic.jobs.policy import QUEUES
from metaic.jobs.queue import rq_connection
from tests.jobs.outbox_helpers import CLOSED_REDIS, GATE, abandon, hold_worker, lines, record, rows, use_redis


@pytest.fixture(autouse=True)
def _closed_gate():
    """Every test starts with the gate shut and leaves it open (no worker stays blocked)."""
    GATE.clear()
    yield
    GATE.set()


def _left_by_a_dead_process(monkeypatch, *calls) -> list[str]:
    """Queue jobs while Redis is down behind a busy worker, then 'kill' the process: its jobs never run here.

    Each call is (args, options) for `enqueue`, or for `enqueue_in` when the args start with a delay;
    returns the row ids, abandoned as a dead holder leaves them.
    """
    use_redis(monkeypatch, "")
    blocker = enqueue(hold_worker, title="hold the worker")
    use_redis(monkeypatch, CLOSED_REDIS)
    jobs = [(enqueue_in if isinstance(args[0], timedelta) else enqueue)(*args, **options) for args, options in calls]
    assert len(rows()) == len(calls)
    reset_local()  # the process is gone: its queued jobs with it
    GATE.set()
    assert blocker.done.wait(10) and drain_local()
    row_ids = [job.id for job in jobs]
    abandon(*row_ids)
    return row_ids


def _rq_worker(redis_url: str) -> SimpleWorker:
    """A real RQ worker on every queue of the test's Redis."""
    connection = rq_connection(redis_url)
    return SimpleWorker([Queue(name, connection=connection) for name in QUEUES], connection=connection)


def _outbox_task():
    """The upkeep task that takes the outbox over (every process runs it, first thing at start)."""
    [task] = [task for task in upkeep.tasks() if task.func is outbox.take_over]
    assert upkeep.tasks()[0].func is outbox.take_over and task.every <= 60
    return task


def test_a_dead_process_job_goes_to_rq_once_redis_is_back_and_runs_exactly_once(db, redis_url, monkeypatch, tmp_path):
    """The upkeep task moves the abandoned row into RQ (same options), deletes it, and a real worker runs it once."""
    out, contact_id = tmp_path / "ran.txt", uuid.uuid4()
    with request_id_scope("req-dead-1"):
        [row_id] = _left_by_a_dead_process(
            monkeypatch,
            ((record, str(out), "webhook", contact_id), {"title": "webhook delivery", "queue_name": "low"}),
        )
    assert lines(out) == [], "the dead process never ran it"

    use_redis(monkeypatch, redis_url)
    task = _outbox_task()
    task.func()
    assert rows() == []
    connection = rq_connection(redis_url)
    assert Queue("low", connection=connection).job_ids == [row_id]
    job = Job.fetch(row_id, connection=connection)
    assert job.func_name == "tests.jobs.outbox_helpers.record" and job.args == (str(out), "webhook", contact_id)
    assert job.description == "webhook delivery" and job.meta["ids"] == [str(contact_id)]
    assert job.meta["request_id"] == "req-dead-1" and job.retries_left == 3 and job.retry_intervals == [5, 30, 120]
    assert outbox.take_over() == 0, "taken once: a second pass finds nothing"

    assert _rq_worker(redis_url).work(burst=True)
    assert lines(out) == ["webhook"]
    assert Job.fetch(row_id, connection=connection).get_status() == "finished"


def test_a_job_still_held_by_a_live_process_is_left_alone(db, redis_url, monkeypatch, tmp_path):
    """A row refreshed within the lease belongs to a running process: nobody takes it."""
    use_redis(monkeypatch, CLOSED_REDIS)
    job = enqueue_in(timedelta(minutes=5), record, str(tmp_path / "ran.txt"), "held", title="held job")
    abandon(job.id, holder="live-host:9:0badc0de", age=timedelta(seconds=outbox_store.LEASE_SECONDS - 20))
    use_redis(monkeypatch, redis_url)
    assert outbox.take_over() == 0
    assert [row.id for row in rows()] == [job.id]
    assert Queue("default", connection=rq_connection(redis_url)).count == 0


def test_a_delayed_job_keeps_its_run_at_in_rq(db, redis_url, monkeypatch, tmp_path):
    """A job timed for later is scheduled in RQ at the time it was given, not run at once."""
    started = datetime.now(UTC)
    [row_id] = _left_by_a_dead_process(
        monkeypatch,
        ((timedelta(minutes=10), record, str(tmp_path / "ran.txt"), "later"), {"title": "later job"}),
    )
    use_redis(monkeypatch, redis_url)
    assert outbox.take_over() == 1 and rows() == []
    connection = rq_connection(redis_url)
    registry = ScheduledJobRegistry("default", connection=connection)
    assert registry.get_job_ids() == [row_id] and Queue("default", connection=connection).count == 0
    when = registry.get_scheduled_time(row_id)
    assert started + timedelta(minutes=10) - timedelta(seconds=5) < when <= datetime.now(UTC) + timedelta(minutes=10)


def test_with_redis_still_down_the_taker_runs_it_here_and_holds_it(db, monkeypatch, tmp_path):
    """Redis still down: the taking process claims the row (holder, fresh lease), runs the job, deletes the row."""
    out = tmp_path / "ran.txt"
    [now_id, later_id] = _left_by_a_dead_process(
        monkeypatch,
        ((record, str(out), "now"), {"title": "now job"}),
        ((timedelta(minutes=10), record, str(out), "later"), {"title": "later job"}),
    )
    run_at = {row.id: outbox_store.aware(row.run_at) for row in rows()}
    GATE.clear()
    use_redis(monkeypatch, "")
    blocker = enqueue(hold_worker, title="hold the worker")
    use_redis(monkeypatch, CLOSED_REDIS)
    assert outbox.take_over() == 2
    held = {row.id: row for row in rows()}
    assert {row.holder for row in held.values()} == {outbox_store.holder_id()}
    assert all(outbox_store.now() - outbox_store.aware(row.claimed_at) < timedelta(seconds=5) for row in held.values())
    assert outbox.take_over() == 0
    pending = {job.id: job for job in local_worker().pending()}
    assert pending[now_id].status == "queued" and pending[later_id].status == "scheduled"
    assert abs(pending[later_id].run_at - run_at[later_id]) < timedelta(seconds=2)

    GATE.set()
    assert blocker.done.wait(10) and drain_local()
    assert lines(out) == ["now"] and [row.id for row in rows()] == [later_id]


@pytest.mark.parametrize("redis_up", [True, False], ids=["into-rq", "run-here"])
def test_two_concurrent_takers_take_each_row_once(db, redis_url, monkeypatch, tmp_path, redis_up):
    """Four processes' worth of takers at the same instant: every row is taken exactly once in all."""
    out = tmp_path / "ran.txt"
    calls = [((record, str(out), f"job {n}"), {"title": f"job {n}"}) for n in range(12)]
    row_ids = _left_by_a_dead_process(monkeypatch, *calls)
    use_redis(monkeypatch, redis_url if redis_up else CLOSED_REDIS)
    start, counts = threading.Barrier(4), []

    def taker() -> None:
        start.wait(10)
        counts.append(outbox.take_over())

    threads = [threading.Thread(target=taker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(counts) == 4 and sum(counts) == len(row_ids)
    if redis_up:
        assert rows() == [] and sorted(Queue("default", connection=rq_connection(redis_url)).job_ids) == sorted(row_ids)
        assert _rq_worker(redis_url).work(burst=True)
    else:
        assert drain_local() and rows() == []
    assert sorted(lines(out)) == sorted(f"job {n}" for n in range(12))
