"""Handing in-process jobs back to RQ when the database fails halfway: the job stays here, nothing is lost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rq import Queue, SimpleWorker

from metaic.jobs import enqueue, outbox
from metaic.jobs.local import drain_local, local_worker, reset_local
from metaic.jobs.policy import QUEUES
from metaic.jobs.queue import rq_connection
from tests.jobs.outbox_helpers import CLOSED_REDIS, GATE, hold_worker, lines, record, rows, use_redis


@pytest.fixture(autouse=True)
def _held_worker() -> Iterator[None]:
    """An empty in-process worker, the gate shut; afterwards the gate open and the worker emptied again."""
    reset_local()
    GATE.clear()
    yield
    GATE.set()
    drain_local(10)
    reset_local()


def test_a_database_cut_during_the_hand_back_keeps_the_job_here_until_the_next_try(
    pg_proxy, redis_url, monkeypatch, tmp_path
):
    """Redis answers but PostgreSQL is cut: the job is put back (not lost, not moved); once it is back, it moves."""
    out = tmp_path / "ran.txt"
    use_redis(monkeypatch, "")
    blocker = enqueue(hold_worker, title="hold the worker")
    use_redis(monkeypatch, CLOSED_REDIS)
    job = enqueue(record, str(out), "welcome", title="welcome email")
    assert [row.id for row in rows()] == [job.id]

    use_redis(monkeypatch, redis_url)
    pg_proxy.cut()
    assert outbox.hand_back() == 0
    assert [waiting.id for waiting in local_worker().pending()] == [job.id] and job.status == "queued"
    assert not job.done.is_set()

    pg_proxy.restore()
    assert outbox.hand_back() == 1
    assert job.status == "moved" and rows() == [] and local_worker().pending() == []
    connection = rq_connection(redis_url)
    assert Queue("default", connection=connection).job_ids == [job.id]
    GATE.set()
    assert blocker.done.wait(10) and drain_local()
    assert SimpleWorker([Queue(name, connection=connection) for name in QUEUES], connection=connection).work(burst=True)
    assert lines(out) == ["welcome"]
