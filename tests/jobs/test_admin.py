"""The admin view of jobs: admins only; counts, failed list, retry and delete on both backends."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from rq import Queue, SimpleWorker
from rq.job import Job, JobStatus

from metaic.admin import jobs_dashboard as admin
from metaic.auth import service as user_service
from metaic.auth.models import ROLE_ADMIN, User
from metaic.core.errors import NotFound, PermissionDenied
from metaic.db import session_scope
from metaic.jobs import enqueue, enqueue_in
from metaic.jobs.local import drain_local
from metaic.jobs.policy import QUEUES
from metaic.jobs.queue import rq_connection
from tests import support_jobs

PASSWORD = "Correct-Horse-42"


@pytest.fixture
def people(sqlite_db) -> dict[str, User]:
    """An admin, an ordinary user and a deactivated admin, as real accounts."""
    with session_scope() as session:
        found = {
            "admin": user_service.create(
                session=session,
                email="boss@example.com",
                password=PASSWORD,
                name="Boss",
                role=ROLE_ADMIN,
                verified=True,
            ),
            "user": user_service.create(
                session=session, email="joe@example.com", password=PASSWORD, name="Joe", verified=True
            ),
            "former": user_service.create(
                session=session, email="old@example.com", password=PASSWORD, name="Old", role=ROLE_ADMIN, verified=True
            ),
        }
        found["former"].is_active = False
    return found


def _work(redis_url: str) -> None:
    """Run an in-process RQ worker until the queues are empty."""
    connection = rq_connection(redis_url)
    SimpleWorker([Queue(name, connection=connection) for name in QUEUES], connection=connection).work(burst=True)


def _counts(actor: User) -> dict[str, tuple[int, ...]]:
    """queue -> (queued, started, failed, scheduled, finished)."""
    return {
        row["queue"]: (row["queued"], row["started"], row["failed"], row["scheduled"], row["finished"])
        for row in admin.queue_stats(actor=actor)
    }


def test_only_active_admins_may_look_or_act(people):
    """Every function refuses nobody, an ordinary user and a deactivated admin, before doing anything."""
    calls = [
        lambda actor: admin.queue_stats(actor=actor),
        lambda actor: admin.running_jobs(actor=actor),
        lambda actor: admin.failed_jobs(actor=actor),
        lambda actor: admin.retry(actor=actor, job_id="x"),
        lambda actor: admin.delete(actor=actor, job_id="x"),
    ]
    for call in calls:
        for actor in (None, people["user"], people["former"]):
            with pytest.raises(PermissionDenied):
                call(actor)
    boss = people["admin"]
    assert [row["queue"] for row in admin.queue_stats(actor=boss)] == ["high", "default", "low"]
    assert admin.failed_jobs(actor=boss) == [] and admin.running_jobs(actor=boss) == []
    for call in calls[3:]:
        with pytest.raises(NotFound):
            call(boss)


@pytest.mark.parametrize("with_redis", [False, True])
def test_failed_jobs_can_be_seen_retried_and_deleted(request, people, tmp_path, with_redis):
    """A failed job shows title, ids, queue, error and time; retry runs it again, delete forgets it."""
    redis_url = request.getfixturevalue("redis_url") if with_redis else None
    boss, card = people["admin"], uuid.uuid4()
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    before = datetime.now(UTC) - timedelta(seconds=1)
    # Fails once (transient, but retries=0), so the admin's retry will succeed.
    flaky = enqueue(support_jobs.fail_times, str(first), 1, title=f"render card {card}", ids=[card], retries=0)
    refused = enqueue(support_jobs.refuse, str(second), card, title="refused import", queue_name="low")
    enqueue(support_jobs.write_file, str(tmp_path / "ok.txt"), "ok", title="fine", queue_name="high")
    if with_redis:
        _work(redis_url)
    else:
        assert drain_local()
    enqueue_in(timedelta(hours=1), support_jobs.write_file, str(tmp_path / "later"), "x", title="later")
    assert _counts(boss) == {"high": (0, 0, 0, 0, 1), "default": (0, 0, 1, 1, 0), "low": (0, 0, 1, 0, 0)}

    rows = admin.failed_jobs(actor=boss)
    assert [row["id"] for row in rows] == [refused.id, flaky.id]  # newest failure first
    assert rows[1]["title"] == f"render card {card}" and rows[1]["ids"] == [str(card)]
    assert rows[1]["queue"] == "default" and rows[1]["exc_summary"].endswith("provider unreachable (attempt 1)")
    assert rows[0]["ids"] == [str(card)] and rows[0]["queue"] == "low"
    assert rows[0]["exc_summary"] == "metaic.core.errors.NotFound: That card no longer exists."
    assert all(before <= row["failed_at"] <= datetime.now(UTC) for row in rows)
    assert [row["id"] for row in admin.failed_jobs(actor=boss, limit=1)] == [refused.id]

    retried = admin.retry(actor=boss, job_id=flaky.id)
    assert retried["id"] == flaky.id and retried["status"] == "queued"
    with pytest.raises(NotFound):  # no longer in the failed list
        admin.retry(actor=boss, job_id=flaky.id)
    if with_redis:
        _work(redis_url)
        assert Job.fetch(flaky.id, connection=rq_connection(redis_url)).get_status() == JobStatus.FINISHED
    else:
        assert flaky.done.wait(10) and flaky.status == "finished"
    assert (first / "done").exists() and len(support_jobs.attempts(first)) == 2

    deleted = admin.delete(actor=boss, job_id=refused.id)
    assert deleted["title"] == "refused import"
    assert admin.failed_jobs(actor=boss) == []
    with pytest.raises(NotFound):
        admin.delete(actor=boss, job_id=refused.id)
    assert _counts(boss)["low"] == (0, 0, 0, 0, 0) and _counts(boss)["default"][2:4] == (0, 1)
    assert len(support_jobs.attempts(second)) == 1


def test_only_failed_jobs_can_be_retried_or_deleted(people, redis_url, tmp_path):
    """A queued job is neither requeued nor deleted through the failed-job actions."""
    boss = people["admin"]
    queued = enqueue(support_jobs.write_file, str(tmp_path / "x"), "x", title="waiting")
    for action in (admin.retry, admin.delete):
        with pytest.raises(NotFound):
            action(actor=boss, job_id=queued.id)
    assert Job.fetch(queued.id, connection=rq_connection(redis_url)).get_status() == JobStatus.QUEUED
    assert _counts(boss)["default"] == (1, 0, 0, 0, 0)
