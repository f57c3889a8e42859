"""SENTRY_DSN: unexpected errors of requests and jobs reach Sentry with the request id and the account id only."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient

from metaic.api.app import build_api
from metaic.api.deps import current_user
from metaic.auth import api_tokens
from metaic.auth import service as user_service
from metaic.config import get_settings
from metaic.core import error_reports
from metaic.db import session_scope
from metaic.jobs.queue import drain_local, enqueue
from metaic.web.observe import RequestObserver
from tests.support.capture_http import Captured, capture_server


def _events(captured: Captured, count: int) -> list[dict]:
    """The error events among the envelopes received (an envelope is JSON lines: header, item header, item)."""
    events = []
    for path, _headers, body in captured.wait(count):
        assert path == "/api/42/envelope/"
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        events += [item for head, item in zip(lines[1::2], lines[2::2], strict=False) if head.get("type") == "event"]
    return events


@pytest.fixture
def sentry(sqlite_db, monkeypatch) -> Iterator[Captured]:
    """Reporting on, to a local server speaking Sentry's envelope endpoint."""
    with capture_server() as (base, captured):
        monkeypatch.setenv("SENTRY_DSN", base.replace("http://", "http://publickey@") + "/42")
        get_settings.cache_clear()
        assert error_reports.setup(get_settings())
        yield captured
        error_reports.shutdown()


def boom_job(secret: str) -> None:
    """A job that fails with personal data in its message."""
    raise RuntimeError(f"could not mail {secret}")


def test_a_request_error_is_reported_with_ids_and_nothing_personal(sentry):
    """A route that crashes: the event has the request id and user id, no request data, a masked message."""
    api = build_api()

    @api.get("/api/v1/test-boom")
    def crash(user=Depends(current_user)):
        """Fail with an e-mail and a password in the message."""
        raise RuntimeError("failed for ada@example.com password=hunter2-secret")

    with session_scope() as s:
        user = user_service.create(session=s, email="ada@example.com", password="Correct-Horse-42", verified=True)
        token = api_tokens.issue(session=s, user=user).access_token
    client = TestClient(RequestObserver(api), raise_server_exceptions=False)
    response = client.get("/api/v1/test-boom?reset=zq9-reset-token", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 500
    error_reports.flush()
    (event,) = _events(sentry, 1)
    assert event["tags"]["request_id"] == response.headers["x-request-id"]
    assert event["tags"]["route"] == "/api/v1/test-boom" and event["user"] == {"id": str(user.id)}
    raw = json.dumps(event)
    assert not [word for word in ("ada@example.com", "hunter2", "zq9-reset-token", "Bearer") if word in raw]
    assert "request" not in event and "breadcrumbs" not in event
    frames = event["exception"]["values"][-1]["stacktrace"]["frames"]
    assert frames and all("vars" not in frame for frame in frames)


def test_a_failing_job_is_reported_under_the_request_that_enqueued_it(sentry):
    """The in-process runner reports the job's error with the enqueuing request's id."""
    from metaic.core.request_context import request_id_scope

    with request_id_scope("req-job-7"):
        enqueue(boom_job, "bob@example.com", title="mail bob@example.com", retries=0)
    drain_local()
    error_reports.flush()
    (event,) = _events(sentry, 1)
    assert event["tags"]["request_id"] == "req-job-7"
    assert event["tags"]["where"] == "job tests.core.test_error_reports.boom_job"
    assert "bob@example.com" not in json.dumps(event)


def test_without_a_dsn_nothing_is_set_up(sqlite_db):
    """No SENTRY_DSN: reporting stays off and report() does nothing."""
    assert not error_reports.setup(get_settings())
    error_reports.report(RuntimeError("x"), where="test")
    assert not error_reports.enabled()
