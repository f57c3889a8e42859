"""Rendered public card responses kept in each process, dropped in every process when a card changes.

The public page, its vCard and its QR codes are the same bytes for every anonymous visitor until the
card is published again, so each app process keeps them in a dictionary keyed by the request path
and query. Entries are dropped:
- at once in this process, and in every other process through Redis pub/sub, when a card is
  published, unpublished, renamed, hidden or deleted (metaic/core/card_changes.py announces it);
- after `TTL` seconds at the latest, so what depends on more than the published version (image
  variants that finish later, a change made by another process when Redis is not configured, the
  share-back form's signed render time) never goes stale for long;
- after `OUTAGE_TTL` seconds while the pub/sub subscription is lost (Redis down): other processes'
  changes cannot reach this one then, so every entry (kept ones capped once when the loss is noticed,
  new ones as they are stored) lives at most that long, and a change made by another process shows
  here within OUTAGE_TTL seconds. This process's own changes still drop their entries at once. The
  cache keeps answering meanwhile (a card is rendered again at most once per OUTAGE_TTL per process),
  rather than being emptied at every reconnection attempt; once subscribed again it is emptied once
  (whatever was missed) and entries live their full TTL again.

Only anonymous, non-private answers are stored (the route decides); a fill that raced with an
invalidation is discarded (generation check), so a republish is never undone by a slow render.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from dataclasses import dataclass, field, replace

import redis

from metaic.config import get_settings
from metaic.core import card_changes

log = logging.getLogger(__name__)

TTL = 300.0  # seconds an entry may live without an invalidation
MAX_ENTRIES = 20_000  # per process; a full cache is emptied (cheap, and rare: one entry per card variant)
# While other processes' changes cannot arrive: how stale a card may get, and how often a hot one is rendered.
OUTAGE_TTL = 10.0
RESUBSCRIBE_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Entry:
    """One cached answer: its body (and a gzip copy when worth it), headers, and what a hit counts."""

    card_id: uuid.UUID
    body: bytes
    gzip_body: bytes | None
    headers: tuple[tuple[bytes, bytes], ...]
    etag: bytes
    event: str | None  # the analytics event a GET counts ("view", "vcard_download"), None for none
    expires_at: float = field(default=0.0)


class CardCache:
    """The per-process store: path+query -> Entry, with an index by card for invalidation."""

    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}
        self._by_card: dict[uuid.UUID, set[str]] = {}
        self._lock = threading.Lock()
        self.generation = 0
        self.hits = 0
        self.misses = 0
        self.outage_ttl: float | None = None  # set while changes from other processes cannot arrive

    def get(self, key: str, now: float | None = None) -> Entry | None:
        """The live entry for a key, or None (expired entries count as missing)."""
        entry = self._entries.get(key)
        if entry is None or entry.expires_at < (time.monotonic() if now is None else now):
            self.misses += 1
            return None
        self.hits += 1
        return entry

    def put(self, key: str, entry: Entry, *, generation: int) -> bool:
        """Store an entry rendered while `generation` was current; refused if a card changed since."""
        with self._lock:
            if generation != self.generation:
                return False
            if self.outage_ttl is not None:
                entry = _capped(entry, time.monotonic() + self.outage_ttl)
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
                self._by_card.clear()
            self._entries[key] = entry
            self._by_card.setdefault(entry.card_id, set()).add(key)
            return True

    def drop_card(self, card_id: uuid.UUID) -> None:
        """Forget every entry of one card."""
        with self._lock:
            self.generation += 1
            for key in self._by_card.pop(card_id, ()):
                self._entries.pop(key, None)

    def drop_all(self) -> None:
        """Forget everything."""
        with self._lock:
            self.generation += 1
            self._entries.clear()
            self._by_card.clear()

    def cap(self, ttl: float) -> None:
        """Other processes' changes stop arriving: every entry, kept or new, lives at most `ttl` seconds more."""
        with self._lock:
            self.outage_ttl = ttl
            until = time.monotonic() + ttl
            for key, entry in list(self._entries.items()):
                self._entries[key] = _capped(entry, until)

    def uncap(self) -> None:
        """Changes arrive again: forget everything (what was missed meanwhile); entries live their full TTL."""
        with self._lock:
            self.outage_ttl = None
            self.generation += 1
            self._entries.clear()
            self._by_card.clear()

    def __len__(self) -> int:
        return len(self._entries)


def _capped(entry: Entry, until: float) -> Entry:
    """The entry, expiring at `until` at the latest."""
    return entry if entry.expires_at <= until else replace(entry, expires_at=until)


cache = CardCache()
_listener_pid: int | None = None
_listener_lock = threading.Lock()


def _apply(message: str) -> None:
    """Act on one change message: a card id, or ALL."""
    if message == card_changes.ALL:
        cache.drop_all()
        return
    try:
        cache.drop_card(uuid.UUID(message))
    except ValueError:
        cache.drop_all()


# Changes made in this process drop the entries at once; other processes' changes arrive by `listen`.
card_changes.on_change(_apply)


def ensure_listener() -> None:
    """Start this process's pub/sub listener once (again after a fork), when Redis is configured."""
    global _listener_pid
    if _listener_pid == os.getpid() or not get_settings().redis_url:
        return
    with _listener_lock:
        if _listener_pid == os.getpid():
            return
        _listener_pid = os.getpid()
        url = get_settings().redis_url
        threading.Thread(target=listen, args=(url,), name="public-card-cache", daemon=True).start()


def listen(url: str, stop: threading.Event | None = None) -> None:
    """Apply other processes' changes; while the subscription is lost, cap entries at OUTAGE_TTL and retry.

    Runs until `stop` is set (checked between connections; tests stop it, the app's listener never ends).
    """
    lost = False
    while stop is None or not stop.is_set():
        client = redis.Redis.from_url(url, decode_responses=True, health_check_interval=30, socket_connect_timeout=2)
        try:
            # Its own connection without a read timeout: a quiet channel is normal, not an error.
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(card_changes.CHANNEL)
            cache.uncap()  # whatever was missed while not subscribed
            if lost:
                log.warning("public card cache is subscribed to card changes again; emptied it once")
            lost = False
            for message in pubsub.listen():
                _apply(str(message.get("data", card_changes.ALL)))
        except Exception as exc:
            if stop is not None and stop.is_set():
                return
            if not lost:
                log.warning(
                    "public card cache lost its Redis subscription (%s); cards live %.0f s until it is back",
                    exc,
                    OUTAGE_TTL,
                )
                cache.cap(OUTAGE_TTL)
            lost = True
            time.sleep(RESUBSCRIBE_SECONDS)
        finally:
            client.close()
