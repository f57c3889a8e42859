"""Redis going away while the app runs: public cards, sign-in, the builder and jobs keep working; nothing is lost."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from rq import Queue, SimpleWorker
from rq.job import Job

from metaic.api.app import build_api
from metaic.api.session_routes import NONCE_COOKIE
from metaic.auth import sessions
from metaic.cards import flows, service
from metaic.config import get_settings
from metaic.core import kv, ratelimit
from metaic.db import session_scope
from metaic.jobs.queue import QUEUES, LocalJob, drain_local, enqueue, rq_connection
from tests.cards.fixtures import BROWSER
from tests.cards.helpers import PASSWORD, make_user, rich
from tests.conftest import _use_database
from tests.resilience import jobs

HTML = {"Accept": "text/html", "User-Agent": BROWSER}


@pytest.fixture
def pg_db(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """This run's PostgreSQL database with empty tables."""
    _use_database(monkeypatch, postgres_url)
    return postgres_url


@pytest.fixture
def quick_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Try Redis again 0.2 s after a failure instead of 5 s, so the tests see it come back quickly."""
    monkeypatch.setattr(kv, "RETRY_SECONDS", 0.2)


def _rate_keys() -> list[str]:
    """The rate-limit and backoff keys in the app's Redis."""
    return [k.decode() for k in redis.Redis.from_url(get_settings().redis_url).keys("metaic:*")]


def _published(owner) -> str:
    """Create and publish a card for `owner`; returns its slug."""
    with session_scope() as s:
        card = service.create(session=s, owner=owner, name="Ada")
        service.save_draft(session=s, owner=owner, card_id=card.id, content=rich())
        flows.publish(session=s, owner=owner, card_id=card.id)
        return card.slug


def test_sign_in_and_public_cards_work_without_redis(pg_db, redis_proxy, quick_retry):
    """API sign-in and public cards (also for a visitor with a session cookie) answer as usual with Redis cut."""
    with session_scope() as s:
        owner = make_user(s)
    slug = _published(owner)
    with session_scope() as s:
        cookie = sessions.create(session=s, user=owner, remember=False, activated=True)
    client = TestClient(build_api(), raise_server_exceptions=False)
    wrong = {"email": "ada@example.com", "password": "wrong-password-1"}
    right = {"email": "ada@example.com", "password": PASSWORD}
    assert client.post("/api/v1/auth/token", json=wrong).status_code == 401
    assert _rate_keys(), "with Redis up, failures are counted there"

    redis_proxy.cut()
    assert client.post("/api/v1/auth/token", json=wrong).status_code == 401
    assert client.post("/api/v1/auth/token", json=right).status_code == 200
    assert client.get(f"/c/{slug}", headers=HTML).status_code == 200
    client.cookies.set(sessions.COOKIE_NAME, cookie)
    assert client.get(f"/c/{slug}", headers=HTML).status_code == 200
    client.cookies.clear()
    # Many requests while down: the in-memory limiter still counts, and Redis is not waited on each time.
    started = time.monotonic()
    for _ in range(20):
        ratelimit.hit("resilience:down", limit=100, window=60)
    assert time.monotonic() - started < 2

    redis_proxy.restore()
    time.sleep(0.3)
    ratelimit.hit("resilience:back", limit=100, window=60)
    assert any("resilience:back" in key for key in _rate_keys()), "once back, limits are counted in Redis again"
    assert client.get(f"/c/{slug}", headers=HTML).status_code == 200


def test_rate_limits_still_limit_while_redis_is_down(pg_db, redis_proxy):
    """The fallback is a real limiter: over the limit is still refused, from memory."""
    redis_proxy.cut()
    for _ in range(3):
        ratelimit.hit("resilience:limit", limit=3, window=60)
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.hit("resilience:limit", limit=3, window=60)


def test_jobs_run_in_process_while_redis_is_down_and_queued_ones_drain_after(
    pg_db, redis_proxy, quick_retry, tmp_path: Path
):
    """Queued in RQ before, run in-process during, RQ again after: once the worker drains, each ran once."""
    log = tmp_path / "ran.txt"
    before = enqueue(jobs.record, str(log), "before", title="resilience before")
    assert isinstance(before, Job)

    redis_proxy.cut()
    during = enqueue(jobs.record, str(log), "during", title="resilience during")
    assert isinstance(during, LocalJob)
    with session_scope() as s:  # the builder: save and publish (publishing announces and queues work)
        owner = make_user(s)
    _published(owner)
    drain_local()
    assert log.read_text().splitlines() == ["during"]

    redis_proxy.restore()
    time.sleep(0.3)
    after = enqueue(jobs.record, str(log), "after", title="resilience after")
    assert isinstance(after, Job)
    connection = rq_connection(get_settings().redis_url)
    worker = SimpleWorker([Queue(name, connection=connection) for name in QUEUES], connection=connection)
    worker.work(burst=True)
    assert sorted(log.read_text().splitlines()) == ["after", "before", "during"]


def test_cookie_sign_in_and_sign_out_work_while_redis_is_down(pg_db, redis_proxy):
    """Sessions live in the database: with Redis cut a ticket is redeemed, the cookie works, sign-out ends it."""
    with session_scope() as s:
        owner = make_user(s)
        token = sessions.create(session=s, user=owner, remember=False)
    ticket = sessions.issue_ticket(token, "nonce-1")
    client = TestClient(build_api(), raise_server_exceptions=False, follow_redirects=False)
    client.cookies.set(NONCE_COOKIE, "nonce-1")

    redis_proxy.cut()
    signed_in = client.get("/auth/session", params={"ticket": ticket}, headers=HTML)
    assert signed_in.status_code == 303, signed_in.text
    assert signed_in.cookies.get(sessions.COOKIE_NAME) == token
    with session_scope() as s:
        assert sessions.resolve(session=s, token=token)[0].id == owner.id
        sessions.revoke_token(session=s, token=token)
    redis_proxy.restore()
    with session_scope() as s:
        assert sessions.resolve(session=s, token=token) is None, "Redis coming back must not undo a sign-out"


def test_card_changes_are_logged_not_raised_while_redis_is_down(pg_db, redis_proxy, caplog):
    """Publishing while Redis is cut succeeds; the lost broadcast is a warning (other processes expire their copy)."""
    with session_scope() as s:
        owner = make_user(s)
    redis_proxy.cut()
    with caplog.at_level(logging.WARNING, logger="metaic.core.card_changes"):
        slug = _published(owner)
    assert slug and "could not broadcast" in caplog.text
