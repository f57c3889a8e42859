"""Fixed-window rate limits: Redis when configured, process memory otherwise."""

from __future__ import annotations

import math
import threading
import time

from metaic.core.errors import RateLimited
from metaic.core.kv import get_redis

_lock = threading.Lock()
_memory: dict[str, tuple[int, float]] = {}


def hit(key: str, *, limit: int, window: int) -> None:
    """Count one attempt for `key`; raise RateLimited when over `limit` in `window` seconds."""
    count, retry_after = _hit_redis(key, window) if get_redis() else _hit_memory(key, window)
    if count > limit:
        raise RateLimited(max(1, retry_after))


def check(key: str, *, limit: int) -> None:
    """Raise RateLimited when `key` is already over its limit, without counting."""
    count, retry_after = _peek_redis(key) if get_redis() else _peek_memory(key)
    if count >= limit:
        raise RateLimited(max(1, retry_after))


def clear(key: str) -> None:
    """Forget the attempts for a key (after a success)."""
    client = get_redis()
    if client:
        client.delete(_redis_key(key))
    with _lock:
        _memory.pop(key, None)


def reset_all() -> None:
    """Forget every in-memory counter (tests)."""
    with _lock:
        _memory.clear()


def _redis_key(key: str) -> str:
    """Namespace rate-limit keys."""
    return f"metaic:rl:{key}"


def _hit_redis(key: str, window: int) -> tuple[int, int]:
    """Increment a Redis counter that expires with its window."""
    client = get_redis()
    name = _redis_key(key)
    pipe = client.pipeline()
    pipe.incr(name)
    pipe.expire(name, window, nx=True)
    pipe.ttl(name)
    count, _, ttl = pipe.execute()
    return int(count), int(ttl if ttl and ttl > 0 else window)


def _peek_redis(key: str) -> tuple[int, int]:
    """Read a Redis counter without changing it."""
    client = get_redis()
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
