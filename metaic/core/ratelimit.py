"""Rate limits, Redis when configured, process memory otherwise: fixed windows, and failure backoffs.

When Redis is configured but unreachable, every call falls back to the in-process counters (logged once
per outage, metaic/core/kv.py) and tries Redis again a few seconds later: a stopped Redis slows nobody
down and never turns into a server error. Counts made in memory during an outage stay in this process.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from metaic.core import clock, kv
from metaic.core.errors import RateLimited

T = TypeVar("T")
_lock = threading.Lock()
_memory: dict[str, tuple[int, float]] = {}


def hit(key: str, *, limit: int, window: int) -> None:
    """Count one attempt for `key`; raise RateLimited when over `limit` in `window` seconds."""
    count, retry_after = _redis_or_memory(lambda c: _hit_redis(c, key, window), lambda: _hit_memory(key, window))
    if count > limit:
        raise RateLimited(max(1, retry_after))


def check(key: str, *, limit: int) -> None:
    """Raise RateLimited when `key` is already over its limit, without counting."""
    count, retry_after = _redis_or_memory(lambda c: _peek_redis(c, key), lambda: _peek_memory(key))
    if count >= limit:
        raise RateLimited(max(1, retry_after))


def clear(key: str) -> None:
    """Forget the attempts for a key (after a success)."""
    _redis_or_memory(lambda c: c.delete(_redis_key(key)), lambda: None)
    with _lock:
        _memory.pop(key, None)


def reset_all() -> None:
    """Forget every in-memory counter (tests)."""
    with _lock:
        _memory.clear()
        _backoffs.clear()
    kv.reset()


def _redis_or_memory(on_redis: Callable[[kv.redis.Redis], T], in_memory: Callable[[], T]) -> T:
    """Run `on_redis` with the client when Redis is configured and reachable, else `in_memory`."""
    client = kv.usable_redis()
    if client is not None:
        try:
            result = on_redis(client)
        except kv.REDIS_DOWN as exc:
            kv.mark_down(exc)
        else:
            kv.mark_up()
            return result
    return in_memory()


def _redis_key(key: str) -> str:
    """Namespace rate-limit keys."""
    return f"metaic:rl:{key}"


def _hit_redis(client, key: str, window: int) -> tuple[int, int]:
    """Increment a Redis counter that expires with its window."""
    name = _redis_key(key)
    pipe = client.pipeline()
    pipe.incr(name)
    pipe.expire(name, window, nx=True)
    pipe.ttl(name)
    count, _, ttl = pipe.execute()
    return int(count), int(ttl if ttl and ttl > 0 else window)


def _peek_redis(client, key: str) -> tuple[int, int]:
    """Read a Redis counter without changing it."""
    name = _redis_key(key)
    count = client.get(name)
    ttl = client.ttl(name)
    return int(count or 0), int(ttl if ttl and ttl > 0 else 1)


def _hit_memory(key: str, window: int) -> tuple[int, int]:
    """Increment an in-process counter."""
    now = time.monotonic()
    with _lock:
        count, reset_at = _memory.get(key, (0, now + window))
        if now >= reset_at:
            count, reset_at = 0, now + window
        count += 1
        _memory[key] = (count, reset_at)
    return count, math.ceil(reset_at - now)


def _peek_memory(key: str) -> tuple[int, int]:
    """Read an in-process counter."""
    now = time.monotonic()
    with _lock:
        count, reset_at = _memory.get(key, (0, now))
    if now >= reset_at:
        return 0, 0
    return count, math.ceil(reset_at - now)


# Failure backoffs. A fixed window ("5 failures, then nobody for 5 minutes") lets anyone lock a key's
# owner out by failing on purpose; here each failure only makes the next try on the same key wait
# longer (doubling up to a cap), and the count is forgotten after a quiet spell. Time is the app
# clock, so tests can wait out a slow-down without sleeping.

_BACKOFF_MEMORY_LIMIT = 50_000  # in-memory keys kept before the forgotten ones are swept
_backoffs: dict[str, tuple[int, float, int]] = {}  # key -> (failures, time of the last, forget seconds)

# KEYS[1]: the counter; ARGV: now, forget seconds. A count quiet for longer than `forget` starts again.
_FAIL_SCRIPT = """
local c = tonumber(redis.call('HGET', KEYS[1], 'c') or '0')
local t = tonumber(redis.call('HGET', KEYS[1], 't') or '0')
if tonumber(ARGV[1]) - t > tonumber(ARGV[2]) then c = 0 end
c = c + 1
redis.call('HSET', KEYS[1], 'c', c, 't', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return c
"""


@dataclass(frozen=True)
class Backoff:
    """How failures on one key slow down its next try."""

    free: int  # failures allowed before any wait
    base: int  # the first wait, in seconds; each further failure doubles it
    cap: int  # the longest wait, in seconds
    forget: int  # failures are forgotten after this many seconds without a new one

    def wait_after(self, failures: int, *, free: int | None = None) -> int:
        """Seconds the next try must wait after `failures` recent ones (0: go ahead)."""
        allowed = self.free if free is None else free
        if failures < allowed:
            return 0
        return min(self.cap, self.base * 2 ** min(failures - allowed, 30))


def _backoff_key(name: str) -> str:
    """A fixed-length storage key (names hold user-typed addresses of any length)."""
    return "metaic:bo:" + hashlib.sha256(name.encode()).hexdigest()[:40]


def _backoff_read(name: str, rule: Backoff) -> tuple[int, float]:
    """(failures, time of the last one) for a key; (0, 0) once forgotten."""
    count, last = _redis_or_memory(lambda c: c.hmget(_backoff_key(name), "c", "t"), lambda: _memory_backoff(name))
    count, last = int(count or 0), float(last or 0)
    if clock.now().timestamp() - last > rule.forget:
        return 0, 0.0
    return count, last


def _memory_backoff(name: str) -> tuple[int, float]:
    """(failures, time of the last one) counted in this process."""
    with _lock:
        count, last, _ = _backoffs.get(_backoff_key(name), (0, 0.0, 0))
    return count, last


def failures(name: str, rule: Backoff) -> int:
    """How many recent failures a key has."""
    return _backoff_read(name, rule)[0]


def wait_left(name: str, rule: Backoff, *, free: int | None = None) -> int:
    """Whole seconds the key must still wait before its next try (0: go ahead)."""
    count, last = _backoff_read(name, rule)
    wait = rule.wait_after(count, free=free)
    return max(0, math.ceil(last + wait - clock.now().timestamp())) if wait else 0


def check_backoff(*keys: tuple[str, Backoff, int | None]) -> None:
    """Raise RateLimited with the longest wait left among (name, rule, free override) keys."""
    longest = max((wait_left(name, rule, free=free) for name, rule, free in keys), default=0)
    if longest > 0:
        raise RateLimited(longest)


def fail(name: str, rule: Backoff) -> int:
    """Count one failure for a key; returns its recent failure count."""
    now = clock.now().timestamp()
    key = _backoff_key(name)
    return int(
        _redis_or_memory(lambda c: c.eval(_FAIL_SCRIPT, 1, key, now, rule.forget), lambda: _fail_memory(key, now, rule))
    )


def _fail_memory(key: str, now: float, rule: Backoff) -> int:
    """Count one failure in this process."""
    with _lock:
        count, last, _ = _backoffs.get(key, (0, 0.0, 0))
        count = 1 if now - last > rule.forget else count + 1
        _backoffs[key] = (count, now, rule.forget)
        if len(_backoffs) > _BACKOFF_MEMORY_LIMIT:
            _sweep_backoffs(now)
    return count


def _sweep_backoffs(now: float) -> None:
    """Drop forgotten keys, then the longest-quiet ones, so a flood of names cannot grow memory (lock held)."""
    for stale in [k for k, (_, at, quiet) in _backoffs.items() if now - at > quiet]:
        del _backoffs[stale]
    if len(_backoffs) > _BACKOFF_MEMORY_LIMIT // 2:
        by_age = sorted(_backoffs, key=lambda k: _backoffs[k][1])
        for key in by_age[: len(_backoffs) - _BACKOFF_MEMORY_LIMIT // 2]:
            del _backoffs[key]


def forget(name: str) -> None:
    """Forget a key's failures (after a success)."""
    key = _backoff_key(name)
    _redis_or_memory(lambda c: c.delete(key), lambda: None)
    with _lock:
        _backoffs.pop(key, None)
