"""Announce that a public card's output changed, in this process and in every other one.

Each app process keeps rendered public cards in memory (metaic/web/card_cache.py). When a card is
published, unpublished, renamed, hidden or deleted, the process that made the change calls
`announce`: callbacks registered in this process run at once, and with Redis configured the
message also goes out on a pub/sub channel that the other processes' caches listen to. Workers and
the CLI announce too (their changes reach the app processes through Redis), even though they keep
no cache themselves.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from metaic.core.kv import get_redis

log = logging.getLogger(__name__)

CHANNEL = "metaic:public-card-changed"
ALL = "*"
_callbacks: list[Callable[[str], None]] = []


def on_change(callback: Callable[[str], None]) -> None:
    """Call `callback(message)` for each change announced in this process (a card id, or ALL)."""
    if callback not in _callbacks:
        _callbacks.append(callback)


def announce(card_id: uuid.UUID | None = None) -> None:
    """A card's public output changed (None: possibly every card's, e.g. an account was deleted)."""
    message = str(card_id) if card_id else ALL
    for callback in list(_callbacks):
        callback(message)
    client = get_redis()
    if client is None:
        return
    try:
        client.publish(CHANNEL, message)
    except Exception:
        # The other processes still drop their copy when it expires: within seconds when Redis is down
        # for them too (their subscription is lost: metaic/web/card_cache.py), else within a few minutes.
        log.warning("could not broadcast a public card change; other processes catch up on expiry")
