"""The job outbox while Redis is down: a durable row per job run in-process, kept alive, deleted once done."""

from __future__ import annotations

import pickle
import threading
import time
import uuid
from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from metaic.core.request_context import request_id_scope
from metaic.db import get_engine
from metaic.jobs import enqueue, enqueue_in, outbox_store
from metaic.jobs.local import LocalJob, drain_local, local_worker, reset_local
from metaic.schema import metadata
from tests import support_jobs
from tests.jobs.outbox_helpers import CLOSED_REDIS, GATE, GONE, abandon, hold_worker, lines, record, rows, use_redis


@pytest.fixture(autouse=True)
def _closed_gate():
    """Every test starts with the gate shut and leaves it open (no worker stays blocked)."""
    GATE.clear()
    yield
    GATE.set()


def test_the_migration_matches_the_outbox_model(db):
    """After `upgrade heads`, job_outbox's columns, types and indexes are what the model says."""
    assert "job_outbox" in metadata.tables
    with get_engine().connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = [d for d in compare_metadata(context, metadata) if "'job_outbox'" in repr(d)]
    assert diff == []


def test_a_job_queued_while_redis_is_down_keeps_a_row_until_it_has_run(db, monkeypatch, tmp_path):
    """Redis configured but down: the job runs in-process, and its row (all RQ would need) lives until it ran."""
    use_redis(monkeypatch, "")
    blocker = enqueue(hold_worker, title="hold the worker")
    use_redis(monkeypatch, CLOSED_REDIS)
    out, card_id = tmp_path / "ran.txt", uuid.uuid4()
    with request_id_scope("req-outbox-1"):
        job = enqueue(record, str(out), "welcome", card_id, title="welcome email", queue_name="high")
    assert isinstance(job, LocalJob) and job.outbox_id == job.id
    [row] = rows()
    assert (row.id, row.title, row.queue) == (job.id, "welcome email", "high")
    assert row.func == "tests.jobs.outbox_helpers.record"
    assert pickle.loads(row.payload) == ((str(out), "welcome", card_id), {})  # noqa: S301 (the test's own row)
    assert row.ids == [str(card_id)] and row.request_id == "req-outbox-1" and row.run_at is None
    assert row.intervals == [5, 30, 120] and row.retries_left == 3
    assert row.holder == outbox_store.holder_id() and row.holder != GONE

    GATE.set()
    assert blocker.done.wait(10) and job.done.wait(10)
    assert job.status == "finished" and lines(out) == ["welcome"]
    assert rows() == []


def test_without_redis_url_jobs_stay_in_memory_only(db, monkeypatch, tmp_path):
    """The embedded default (no REDIS_URL) writes no outbox rows, as before."""
    use_redis(monkeypatch, "")
    job = enqueue(record, str(tmp_path / "ran.txt"), "embedded", title="embedded job")
    later = enqueue_in(timedelta(minutes=5), record, str(tmp_path / "ran.txt"), "later", title="later job")
    assert job.done.wait(10) and drain_local()
    assert job.outbox_id is None and later.outbox_id is None and rows() == []
    assert lines(tmp_path / "ran.txt") == ["embedded"]


def test_a_final_failure_is_recorded_as_today_and_deletes_the_row(db, monkeypatch, tmp_path):
    """A refused job lands in the in-process failed list and its row goes; a retried one keeps it until done."""
    use_redis(monkeypatch, CLOSED_REDIS)
    refused = enqueue(support_jobs.refuse, str(tmp_path), title="doomed job")
    assert refused.done.wait(10) and refused.status == "failed"
    assert [job.id for job in local_worker().failed(10)] == [refused.id] and rows() == []

    (tmp_path / "flaky").mkdir()
    use_redis(monkeypatch, "")
    blocker = enqueue(hold_worker, title="hold the worker")
    use_redis(monkeypatch, CLOSED_REDIS)
    flaky = enqueue(support_jobs.fail_times, str(tmp_path / "flaky"), 1, title="flaky job", retries=2, backoff=[60])
    GATE.set()
    assert blocker.done.wait(10)
    # The first try failed: the row waits for the retry, with one retry fewer and the retry's time.
    for _ in range(100):
        if flaky.attempts == 1 and flaky.status == "scheduled":
            break
        time.sleep(0.05)
    [row] = rows()
    assert row.retries_left == 1 and row.run_at is not None
    assert timedelta(seconds=50) < outbox_store.aware(row.run_at) - outbox_store.now() <= timedelta(seconds=60)


def test_the_heartbeat_refreshes_only_this_process_rows(db, monkeypatch, tmp_path):
    """While a job waits here its row's claim is refreshed; another holder's rows are left alone."""
    use_redis(monkeypatch, CLOSED_REDIS)
    mine = enqueue_in(timedelta(minutes=5), record, str(tmp_path / "a"), "a", title="mine")
    theirs = enqueue_in(timedelta(minutes=5), record, str(tmp_path / "b"), "b", title="theirs")
    abandon(mine.id, holder=outbox_store.holder_id())
    abandon(theirs.id)
    before = {row.id: row.claimed_at for row in rows()}
    assert outbox_store.refresh() == 1
    after = {row.id: row.claimed_at for row in rows()}
    assert after[theirs.id] == before[theirs.id] and after[mine.id] > before[mine.id]
    assert outbox_store.now() - outbox_store.aware(after[mine.id]) < timedelta(seconds=5)


def test_a_job_taken_over_elsewhere_is_not_run_here(db, monkeypatch, tmp_path):
    """If another process took the row while the job waited here (a lost lease), this process skips it."""
    use_redis(monkeypatch, "")
    blocker = enqueue(hold_worker, title="hold the worker")
    use_redis(monkeypatch, CLOSED_REDIS)
    job = enqueue(record, str(tmp_path / "ran.txt"), "twice?", title="contested job")
    abandon(job.id, holder="other-host:7:cafef00d")
    GATE.set()
    assert blocker.done.wait(10) and job.done.wait(10)
    assert job.status == "moved" and lines(tmp_path / "ran.txt") == []
    assert [row.holder for row in rows()] == ["other-host:7:cafef00d"], "the other holder's row is left to it"


def test_a_clean_exit_hands_the_rows_over_at_once(db, monkeypatch, tmp_path):
    """At exit a process makes its rows look abandoned, so the next process need not wait for the lease."""
    use_redis(monkeypatch, CLOSED_REDIS)
    mine = enqueue_in(timedelta(minutes=5), record, str(tmp_path / "a"), "a", title="mine")
    theirs = enqueue_in(timedelta(minutes=5), record, str(tmp_path / "b"), "b", title="theirs")
    abandon(theirs.id, holder="other-host:7:cafef00d", age=timedelta(0))
    reset_local()
    fresh = outbox_store.now() - timedelta(seconds=outbox_store.LEASE_SECONDS)
    assert outbox_store.let_go() == 1
    claims = {row.id: outbox_store.aware(row.claimed_at) for row in rows()}
    assert claims[mine.id] < fresh < claims[theirs.id]


def test_the_heartbeat_keeps_beating_while_a_row_is_held_and_ends_once_none_is(db, monkeypatch, tmp_path):
    """A process that held rows during an outage does not write to the database every 30 s for the rest of its life."""
    use_redis(monkeypatch, CLOSED_REDIS)
    waiting = enqueue_in(timedelta(minutes=5), record, str(tmp_path / "later.txt"), "later", title="later")
    # A heartbeat of this test's own, quick (one started by an earlier test may be asleep for 30 s).
    monkeypatch.setattr(outbox_store, "HEARTBEAT_SECONDS", 0.05)
    monkeypatch.setattr(outbox_store, "_beat", None)
    beat = threading.Thread(target=outbox_store._heartbeat, daemon=True)
    beat.start()
    time.sleep(0.3)  # several beats with the row held
    assert beat.is_alive() and [row.id for row in rows()] == [waiting.id]
    outbox_store.release(waiting.id)
    beat.join(5)
    assert not beat.is_alive()
