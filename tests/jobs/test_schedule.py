"""Timed jobs: `enqueue_at` / `enqueue_in` on the in-process timer and on RQ's scheduled registry."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from rq.job import JobStatus
from rq.registry import ScheduledJobRegistry

from metaic.core import clock
from metaic.jobs import enqueue, enqueue_at, enqueue_in
from metaic.jobs.local import drain_local, local_worker
from metaic.jobs.queue import rq_connection


def _stamp(bucket: list, name: str) -> None:
    """A job that records its name and when it ran."""
    bucket.append((name, time.monotonic()))


def test_enqueue_in_waits_then_runs_and_drain_does_not_wait_for_it():
    """A job due in 0.4 s is held on the timer (scheduled), then runs; drain returns without it."""
    bucket: list = []
    started = time.monotonic()
    job = enqueue_in(timedelta(seconds=0.4), _stamp, bucket, "later", title="later")
    assert job.status == "scheduled" and job.run_at is not None
    assert drain_local(5) and bucket == []
    assert [row["scheduled"] for row in local_worker().stats()] == [0, 1, 0]
    assert job.done.wait(5)
    [(name, ran_at)] = bucket
    assert name == "later" and ran_at - started >= 0.4
    assert job.status == "finished"


def test_timed_jobs_run_by_due_time_and_past_times_run_now():
    """Jobs fire in due order whatever the order they were added; a time in the past means now."""
    bucket: list = []
    now = clock.now()
    third = enqueue_at(now + timedelta(seconds=0.6), _stamp, bucket, "third", title="3")
    first = enqueue_at(now + timedelta(seconds=0.2), _stamp, bucket, "first", title="1")
    second = enqueue_in(timedelta(seconds=0.4), _stamp, bucket, "second", title="2", queue_name="low")
    past = enqueue_at(now - timedelta(days=1), _stamp, bucket, "past", title="overdue")
    assert past.status in {"queued", "started", "finished"}
    assert third.done.wait(5) and first.done.is_set() and second.done.is_set()
    assert [name for name, _ in bucket] == ["past", "first", "second", "third"]


def test_a_naive_time_counts_as_utc_and_the_app_clock_is_respected():
    """`when` is read on the app clock: after moving it a day ahead, "tomorrow + 0.2 s" is 0.2 s away."""
    bucket: list = []
    clock.advance(timedelta(days=1))
    naive = (clock.now() + timedelta(seconds=0.2)).astimezone(UTC).replace(tzinfo=None)
    job = enqueue_at(naive, _stamp, bucket, "naive", title="naive")
    assert job.done.wait(5) and [name for name, _ in bucket] == ["naive"]


def test_a_busy_worker_still_runs_timed_jobs_after_the_queue():
    """Timed jobs fall due while ordinary work continues; none is lost."""
    bucket: list = []
    timed = [enqueue_in(timedelta(seconds=0.05 * i), _stamp, bucket, f"t{i}", title=f"t{i}") for i in range(5)]
    plain = [enqueue(_stamp, bucket, f"p{i}", title=f"p{i}") for i in range(50)]
    assert all(job.done.wait(5) for job in timed + plain)
    assert sorted(name for name, _ in bucket) == sorted([f"t{i}" for i in range(5)] + [f"p{i}" for i in range(50)])


def test_redis_enqueue_in_and_at_use_the_scheduled_registry(redis_url):
    """With Redis, timed jobs wait in RQ's scheduled registry at the right wall-clock time."""
    registry = ScheduledJobRegistry("high", connection=rq_connection(redis_url))
    before = datetime.now(UTC)
    soon = enqueue_in(timedelta(minutes=10), _stamp, [], "x", title="in ten minutes", queue_name="high")
    clock.advance(timedelta(days=3))  # the app clock is ahead: `when` is still read on it
    later = enqueue_at(clock.now() + timedelta(hours=1), _stamp, [], "y", title="in an hour", queue_name="high")
    assert soon.get_status() == later.get_status() == JobStatus.SCHEDULED
    assert soon.meta["title"] == "in ten minutes" and soon.retries_left == 3
    assert abs((registry.get_scheduled_time(soon.id) - before).total_seconds() - 600) < 5
    assert abs((registry.get_scheduled_time(later.id) - before).total_seconds() - 3600) < 5
    now_job = enqueue_at(clock.now() - timedelta(seconds=1), _stamp, [], "z", title="overdue", queue_name="high")
    assert now_job.get_status() == JobStatus.QUEUED and now_job.id not in registry
