"""The shared Redis client, when Redis is configured."""

from __future__ import annotations

from functools import lru_cache

import redis

from metaic.config import get_settings


@lru_cache
def redis_for(url: str) -> redis.Redis:
    """Return a pooled Redis client for a URL (decoded strings)."""
    return redis.Redis.from_url(url, decode_responses=True, socket_timeout=5)


def get_redis() -> redis.Redis | None:
    """The configured Redis client, or None on the embedded default."""
    url = get_settings().redis_url
    return redis_for(url) if url else None
