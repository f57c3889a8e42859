"""Failure backoffs (growing waits, forgotten after a quiet spell) on the in-memory backend and on real Redis."""

from __future__ import annotations

from datetime import timedelta

import pytest

from metaic.core import clock, ratelimit
from metaic.core.errors import RateLimited
from metaic.core.kv import get_redis

RULE = ratelimit.Backoff(free=2, base=3, cap=20, forget=600)


@pytest.fixture(params=["memory", "redis"])
def backend(request: pytest.FixtureRequest) -> str:
    """Run once with process memory, once with Redis."""
    if request.param == "redis":
        request.getfixturevalue("redis_url")
    assert (get_redis() is not None) == (request.param == "redis")
    return request.param


def test_waits_double_up_to_the_cap():
    assert [RULE.wait_after(n) for n in range(7)] == [0, 0, 3, 6, 12, 20, 20]
    assert RULE.wait_after(1, free=1) == 3 and RULE.wait_after(10**6) == 20


def test_a_key_waits_after_its_free_failures_and_others_do_not(backend):
    assert [ratelimit.fail("a", RULE) for _ in range(3)] == [1, 2, 3]
    with pytest.raises(RateLimited) as err:
        ratelimit.check_backoff(("a", RULE, None), ("b", RULE, None))
    assert err.value.retry_after == 6
    ratelimit.check_backoff(("b", RULE, None))
    clock.advance(timedelta(seconds=6))
    ratelimit.check_backoff(("a", RULE, None))
    ratelimit.forget("a")
    assert ratelimit.failures("a", RULE) == 0


def test_failures_are_forgotten_after_a_quiet_spell(backend):
    for _ in range(4):
        ratelimit.fail("a", RULE)
    clock.advance(timedelta(seconds=RULE.forget + 1))
    assert ratelimit.failures("a", RULE) == 0 and ratelimit.wait_left("a", RULE) == 0
    assert ratelimit.fail("a", RULE) == 1


def test_memory_stays_bounded_under_a_flood_of_names(monkeypatch):
    monkeypatch.setattr(ratelimit, "_BACKOFF_MEMORY_LIMIT", 100)
    for n in range(1000):
        ratelimit.fail(f"name-{n}", RULE)
    assert len(ratelimit._backoffs) <= 100
    assert ratelimit.failures("name-999", RULE) == 1  # the newest are kept
