"""The admin's "jobs failed" counts failed queue jobs from RQ's registries beside failed deliveries and messages."""

from __future__ import annotations

import uuid

from rq import Queue, SimpleWorker

from metaic.analytics import platform, reports
from metaic.config import get_settings
from metaic.db import session_scope
from metaic.jobs import enqueue
from metaic.jobs.policy import QUEUES
from metaic.jobs.queue import rq_connection
from tests import support_jobs


def _failed_today() -> dict:
    """The platform dashboard of today."""
    with session_scope() as s:
        return reports.platform_dashboard(session=s, period=reports.period_from("today"))


def test_failed_queue_jobs_count_as_jobs_failed(db, redis_url, tmp_path):
    assert _failed_today()["totals"]["jobs_failed"]["value"] == 0
    enqueue(support_jobs.refuse, str(tmp_path), uuid.uuid4(), title="refused import", queue_name="low")
    enqueue(support_jobs.write_file, str(tmp_path / "ok.txt"), "ok", title="fine", queue_name="high")
    connection = rq_connection(redis_url)
    SimpleWorker([Queue(name, connection=connection) for name in QUEUES], connection=connection).work(burst=True)
    found = _failed_today()
    assert found["totals"]["jobs_failed"]["value"] == 1 and found["queue_failures"] is True
    assert sum(row["jobs_failed"] for row in found["series"]) == 1


def test_an_unreachable_redis_leaves_the_database_failures(db, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    get_settings.cache_clear()
    assert platform.queue_failures() is None
    found = _failed_today()
    assert found["queue_failures"] is False and found["totals"]["jobs_failed"]["value"] == 0
