"""Fixed-window rate limits on the in-memory backend and on real Redis."""

from __future__ import annotations

import time

import pytest

from metaic.core import ratelimit
from metaic.core.errors import RateLimited
from metaic.core.kv import get_redis


@pytest.fixture(params=["memory", "redis"])
def backend(request: pytest.FixtureRequest) -> str:
    """Run once with process memory, once with Redis."""
    if request.param == "redis":
        request.getfixturevalue("redis_url")
    assert (get_redis() is not None) == (request.param == "redis")
    return request.param


def _over(key: str, *, limit: int, window: int) -> RateLimited:
    """Hit once more and return the RateLimited raised."""
    with pytest.raises(RateLimited) as err:
        ratelimit.hit(key, limit=limit, window=window)
    return err.value


def test_limit_is_enforced_per_key(backend):
    """`limit` attempts pass, the next fails with a readable message; other keys are untouched."""
    for _ in range(3):
        ratelimit.hit("login:ip:1.1.1.1", limit=3, window=60)
    error = _over("login:ip:1.1.1.1", limit=3, window=60)
    assert 1 <= error.retry_after <= 60
    assert error.message == f"Too many attempts. Try again in {error.retry_after} s."
    assert error.status == 429
    ratelimit.hit("login:ip:2.2.2.2", limit=3, window=60)
    # Still refused: failures keep counting within the window.
    assert _over("login:ip:1.1.1.1", limit=3, window=60).retry_after >= 1


def test_retry_after_decreases(backend):
    """The wait announced shrinks as the window runs out."""
    ratelimit.hit("k", limit=1, window=3)
    first = _over("k", limit=1, window=3).retry_after
    assert 2 <= first <= 3
    time.sleep(1.1)
    second = _over("k", limit=1, window=3).retry_after
    assert 1 <= second < first


def test_window_resets(backend):
    """After the window passes, attempts are allowed again."""
    ratelimit.hit("k", limit=2, window=1)
    ratelimit.hit("k", limit=2, window=1)
    _over("k", limit=2, window=1)
    time.sleep(1.15)
    ratelimit.hit("k", limit=2, window=1)
    ratelimit.hit("k", limit=2, window=1)
    _over("k", limit=2, window=1)


def test_clear_forgets_attempts(backend):
    """`clear` resets one key only."""
    for key in ("a", "b"):
        ratelimit.hit(key, limit=1, window=600)
    _over("a", limit=1, window=600)
    ratelimit.clear("a")
    ratelimit.hit("a", limit=1, window=600)
    _over("b", limit=1, window=600)
    ratelimit.clear("never-used")


def test_check_does_not_count(backend):
    """`check` refuses once the count reaches the limit but never adds to it."""
    for _ in range(10):
        ratelimit.check("acct", limit=2)
    ratelimit.hit("acct", limit=5, window=600)
    ratelimit.check("acct", limit=2)
    ratelimit.hit("acct", limit=5, window=600)
    with pytest.raises(RateLimited) as err:
        ratelimit.check("acct", limit=2)
    assert 1 <= err.value.retry_after <= 600
    ratelimit.clear("acct")
    ratelimit.check("acct", limit=2)


def test_redis_counter_is_namespaced_and_expires(redis_url):
    """Redis counters live under `metaic:rl:` with the window as TTL, shared by every process."""
    client = get_redis()
    ratelimit.hit("signup:ip:9.9.9.9", limit=5, window=30)
    ratelimit.hit("signup:ip:9.9.9.9", limit=5, window=30)
    assert client.get("metaic:rl:signup:ip:9.9.9.9") == "2"
    assert 0 < client.ttl("metaic:rl:signup:ip:9.9.9.9") <= 30
    # Another app process sees the same counter: simulate by emptying this process's memory.
    ratelimit.reset_all()
    ratelimit.hit("signup:ip:9.9.9.9", limit=3, window=30)
    _over("signup:ip:9.9.9.9", limit=3, window=30)
    ratelimit.clear("signup:ip:9.9.9.9")
    assert client.exists("metaic:rl:signup:ip:9.9.9.9") == 0
