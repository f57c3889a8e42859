"""Sign-up and password reset never tell whether an address has an account (issue 11 finding 8).

Sign-up answered 409 for a known address, and a reset request did its work (lookup, link, queued email)
only for real accounts. Now both answer the same, in the same time, doing the same synchronous work;
the email (a verification link, "you already have an account", a reset link) says the rest to the
address's owner only.
"""

from __future__ import annotations

import statistics
import time

from rq import Queue

from metaic.auth import service as user_service
from metaic.config import get_settings
from metaic.core import ratelimit
from metaic.core.kv import get_redis
from metaic.db import session_scope
from metaic.jobs.queue import rq_connection

PASSWORD = "Correct-Horse-42"


def _owner(email: str = "ada@example.com") -> None:
    """A committed, verified account."""
    with session_scope() as s:
        user_service.create(session=s, email=email, password=PASSWORD, name="Ada", verified=True)


def _forget_limits() -> None:
    """Fresh rate limits (in memory and in Redis): these tests repeat requests the limits would refuse."""
    ratelimit.reset_all()
    client = get_redis()
    if client is not None:
        for key in client.scan_iter("metaic:rl:*"):
            client.delete(key)


def _signup(client, email: str, password: str = PASSWORD):
    """POST a sign-up with fresh rate limits (only the answer matters here)."""
    _forget_limits()
    return client.post("/api/v1/auth/signup", json={"email": email, "password": password, "name": "Someone"})


def _same(first, second) -> None:
    """Two answers a client cannot tell apart: status, body and content type."""
    assert (first.status_code, first.text) == (second.status_code, second.text)
    assert first.headers["content-type"] == second.headers["content-type"]


def test_signup_of_a_known_address_answers_like_a_new_one(client, outbox):
    _owner()
    new, known = _signup(client, "new@example.com"), _signup(client, "Ada@Example.com")
    assert new.status_code == 202, new.text
    _same(new, known)
    assert "check your email" in new.json()["detail"].lower()
    # A weak password is refused the same way whether or not the address is taken.
    _same(_signup(client, "other@example.com", "password123"), _signup(client, "ada@example.com", "password123"))
    with session_scope() as s:
        ada = user_service.get_by_email(session=s, email="ada@example.com")
        assert ada.name == "Ada" and user_service.authenticate(session=s, email=ada.email, password=PASSWORD)
    [verify] = outbox.emails("new@example.com")
    assert verify["Subject"].startswith("Verify your email")
    [notice] = outbox.emails("ada@example.com")
    assert "already have" in notice["Subject"]
    body = outbox.body(notice)
    assert "/login" in body and "Forgot password?" in body and PASSWORD not in body


def test_repeated_signups_of_a_known_address_do_not_flood_its_owner(client, outbox):
    _owner()
    body = {"email": "ada@example.com", "password": PASSWORD, "name": "Someone"}
    answers = {(r.status_code, r.text) for r in (client.post("/api/v1/auth/signup", json=body) for _ in range(8))}
    assert len(answers) == 1
    assert 1 <= len(outbox.emails("ada@example.com")) <= 3


def _queued(url: str) -> list[str]:
    """The functions of the jobs waiting in RQ's `high` queue."""
    return [job.func_name for job in Queue("high", connection=rq_connection(url)).jobs]


def test_reset_does_the_same_synchronous_work_for_any_address(client, redis_url):
    """With RQ (as in production) a known and an unknown address each queue exactly the same one job."""
    _owner()
    answers, jobs = [], []
    for email in ("ada@example.com", "nobody@example.com"):
        before = _queued(redis_url)
        answers.append(client.post("/api/v1/auth/password-reset", json={"email": email}))
        after = _queued(redis_url)
        assert len(after) == len(before) + 1, (email, after)
        jobs.append(after[-1])
    _same(*answers)
    assert answers[0].status_code == 202 and jobs[0] == jobs[1]


def test_reset_emails_only_the_real_owner(client, outbox):
    _owner()
    for email in ("ada@example.com", "nobody@example.com", "not an email"):
        assert client.post("/api/v1/auth/password-reset", json={"email": email}).status_code == 202
    assert [m["To"] for m in outbox.emails()] == ["ada@example.com"]
    assert "/reset-password?token=" in outbox.body(outbox.emails("ada@example.com")[0])


def _median_ms(first, second, runs: int) -> tuple[float, float]:
    """The median wall times of `first()` and `second()` in milliseconds, called in turn.

    Taking them in turn, not one batch after the other, lets a busy machine slow both alike (one batch
    measured during a burst of other work once read 2.6x slower than the other).
    """
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for call, kept in zip((first, second), times, strict=True):
            _forget_limits()
            start = time.perf_counter()
            call()
            kept.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def test_reset_takes_the_same_time_for_any_address(client, redis_url):
    _owner()
    known = lambda: client.post("/api/v1/auth/password-reset", json={"email": "ada@example.com"})  # noqa: E731
    unknown = lambda: client.post("/api/v1/auth/password-reset", json={"email": "nobody@example.com"})  # noqa: E731
    known(), unknown()  # warm up both paths
    a, b = _median_ms(known, unknown, 15)
    assert max(a, b) / min(a, b) < 2.5, (a, b)


def test_signup_takes_the_same_time_for_a_known_address(client, outbox, monkeypatch):
    """At the production password-hash cost, a known address costs a sign-up as much as a new one."""
    monkeypatch.setenv("ARGON2_TIME_COST", "3")
    monkeypatch.setenv("ARGON2_MEMORY_KIB", "65536")
    get_settings.cache_clear()
    _owner()
    emails = iter(f"new{n}@example.com" for n in range(100))
    new = lambda: _signup(client, next(emails))  # noqa: E731
    known = lambda: _signup(client, "ada@example.com")  # noqa: E731
    a, b = _median_ms(new, known, 7)
    assert max(a, b) / min(a, b) < 2, (a, b)
