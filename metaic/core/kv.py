"""The shared Redis client, when Redis is configured, and how callers notice it is down."""

from __future__ import annotations

import logging
import threading
import time
from functools import lru_cache

import redis

from metaic.config import get_settings

log = logging.getLogger(__name__)

# The server cannot be reached (stopped, restarting, network): not a bug in a command.
REDIS_DOWN = (redis.ConnectionError, redis.TimeoutError)
RETRY_SECONDS = 5.0  # after a failure, callers with a fallback skip Redis this long before trying again

_lock = threading.Lock()
_down_until: dict[str, float] = {}  # url -> monotonic time before which Redis is not tried again


@lru_cache
def redis_for(url: str) -> redis.Redis:
    """Return a pooled Redis client for a URL (decoded strings)."""
    return redis.Redis.from_url(url, decode_responses=True, socket_timeout=5, socket_connect_timeout=2)


def get_redis() -> redis.Redis | None:
    """The configured Redis client, or None on the embedded default."""
    url = get_settings().redis_url
    return redis_for(url) if url else None


def usable_redis() -> redis.Redis | None:
    """The configured client, or None when there is none or it failed within the last RETRY_SECONDS.

    For callers that have an in-process fallback (rate limits, the job queue): they call `mark_down`
    when a command fails and use their fallback until Redis answers again.
    """
    url = get_settings().redis_url
    if not url:
        return None
    with _lock:
        if time.monotonic() < _down_until.get(url, 0.0):
            return None
    return redis_for(url)


def mark_down(exc: BaseException) -> None:
    """Remember that Redis failed, logging once per outage rather than once per request."""
    url = get_settings().redis_url
    with _lock:
        first = url not in _down_until
        _down_until[url] = time.monotonic() + RETRY_SECONDS
    if first:
        log.warning("Redis is unreachable (%s): falling back to in-process rate limits and jobs", exc)


def mark_up() -> None:
    """Redis answered: forget an outage (logging that it is over)."""
    url = get_settings().redis_url
    if url not in _down_until:  # the usual case, without taking the lock
        return
    with _lock:
        was_down = _down_until.pop(url, None) is not None
    if was_down:
        log.warning("Redis is reachable again: rate limits and jobs use it again")


def outage() -> bool:
    """True from a failed Redis command until one succeeds again (the UI shows a notice meanwhile)."""
    url = get_settings().redis_url
    return bool(url) and url in _down_until


def reset() -> None:
    """Forget every outage (tests)."""
    with _lock:
        _down_until.clear()
