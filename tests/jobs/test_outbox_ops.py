"""Operators see the job outbox: a line on the admin health overview and a Prometheus gauge."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from metaic.admin import overview
from metaic.api.app import build_api
from metaic.auth.models import ROLE_ADMIN, User
from metaic.db import session_scope
from metaic.jobs import enqueue_in
from metaic.web.observe import RequestObserver
from tests.admin.helpers import make
from tests.jobs.outbox_helpers import CLOSED_REDIS, record, use_redis


def _outbox_line(admin_id) -> overview.Health | None:
    """The admin overview's job outbox line, if shown."""
    with session_scope() as s:
        lines = {h.name: h for h in overview.health(session=s, actor=s.get(User, admin_id))}
    return lines.get("Job outbox")


def _gauge() -> float | None:
    """metaic_job_outbox_depth as /metrics reports it to this machine, None when absent."""
    client = TestClient(RequestObserver(build_api()), raise_server_exceptions=False, client=("127.0.0.1", 40000))
    text = client.get("/metrics").text
    match = re.search(r"^metaic_job_outbox_depth (\S+)$", text, re.M)
    return float(match.group(1)) if match else None


def test_the_overview_and_metrics_show_jobs_held_in_the_outbox(db, redis_url, monkeypatch, tmp_path):
    """Empty is ok; jobs queued while Redis was down make the line a warning with their count; the gauge follows."""
    admin = make("root@example.com", ROLE_ADMIN)
    line = _outbox_line(admin.id)
    assert line is not None and (line.status, line.value) == (overview.OK, "Empty") and _gauge() == 0

    use_redis(monkeypatch, CLOSED_REDIS)
    for n in range(2):
        enqueue_in(timedelta(minutes=5), record, str(tmp_path / "ran.txt"), f"job {n}", title=f"job {n}")
    line = _outbox_line(admin.id)
    assert line.status == overview.WARN and line.value.startswith("2 held") and "taken over" in line.fix
    assert _gauge() == 2


def test_without_redis_there_is_no_outbox_to_show(db, monkeypatch):
    """The embedded default has no outbox: no line, no gauge."""
    use_redis(monkeypatch, "")
    admin = make("root@example.com", ROLE_ADMIN)
    assert _outbox_line(admin.id) is None and _gauge() is None
