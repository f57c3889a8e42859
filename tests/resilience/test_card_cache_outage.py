"""The public card cache through a Redis outage: it keeps answering, with staleness bounded by OUTAGE_TTL.

While the card-change subscription is lost, other processes' changes cannot arrive: entries then live at
most OUTAGE_TTL seconds (instead of the whole cache being emptied at every reconnection attempt), this
process's own changes still show at once, and once subscribed again entries live their full TTL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient

from metaic.api.app import build_api
from metaic.cards import flows, service
from metaic.cards.models import Card
from metaic.config import get_settings
from metaic.core import card_changes
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.web import card_cache
from metaic.web.card_cache import cache
from metaic.web.fastpath import public_card_fastpath
from tests.cards.fixtures import BROWSER
from tests.cards.helpers import make_user, rich
from tests.conftest import _use_database

ROOT = Path(__file__).resolve().parents[2]
BOUND = 4.0  # OUTAGE_TTL for these tests (10 s in the app), so the bound is checked in seconds, not tens
# Another app process: it loads everything, says "ready", publishes the card when told to, says "done".
OTHER_PROCESS = """
import sys, uuid
from metaic.wiring import wire
from metaic.db import session_scope
from metaic.cards import flows, service
from metaic.auth.models import User
from tests.cards.helpers import rich
wire()
print("ready", flush=True)
sys.stdin.readline()
with session_scope() as s:
    owner = s.get(User, uuid.UUID(sys.argv[1]))
    card = service.list_(session=s, owner=owner)[0]
    service.save_draft(session=s, owner=owner, card_id=card.id, content=rich(headline=sys.argv[2]))
    flows.publish(session=s, owner=owner, card_id=card.id)
print("done", flush=True)
"""


@pytest.fixture
def pg_db(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """This run's PostgreSQL database with empty tables."""
    _use_database(monkeypatch, postgres_url)
    return postgres_url


@pytest.fixture
def subscribed(redis_proxy, redis_server: int, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A card-change listener of this test's own on the proxied Redis, subscribed (the app's may listen elsewhere)."""
    monkeypatch.setattr(card_cache, "OUTAGE_TTL", BOUND)
    monkeypatch.setattr(card_cache, "RESUBSCRIBE_SECONDS", 0.2)
    monkeypatch.setattr(card_cache, "_listener_pid", os.getpid())  # the fast path starts no listener of its own
    stop = threading.Event()
    thread = threading.Thread(target=card_cache.listen, args=(get_settings().redis_url, stop), daemon=True)
    thread.start()
    _wait_for(lambda: _subscribers(redis_server) == 1, "the listener to subscribe")
    yield
    stop.set()
    redis_proxy.close()  # wakes the listener, which sees `stop` and ends without touching the cache
    thread.join(10)
    assert not thread.is_alive()
    cache.uncap()


def _subscribers(port: int) -> int:
    """How many connections listen to card changes on the test's redis-server."""
    client = redis.Redis(port=port)
    try:
        return dict(client.pubsub_numsub(card_changes.CHANNEL)).get(card_changes.CHANNEL.encode(), 0)
    finally:
        client.close()


def _wait_for(condition: Callable[[], bool], what: str, seconds: float = 10) -> None:
    """Poll until `condition` holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def _publish(owner, slug: str | None, headline: str) -> str:
    """Publish the card at `slug` (a new card when None) with `headline`, in this process; returns its slug."""
    with session_scope() as s:
        card = service.create(session=s, owner=owner, name="Ada") if slug is None else s.get(Card, _card_id(slug))
        service.save_draft(session=s, owner=owner, card_id=card.id, content=rich(headline=headline))
        flows.publish(session=s, owner=owner, card_id=card.id)
        slug = card.slug
    drain_local()  # the jobs a publish starts (they may drop the card's copies again) are done
    return slug


def _card_id(slug: str):
    """The id of the card at `slug`."""
    with session_scope() as s:
        return s.exec(Card.__table__.select().where(Card.slug == slug)).first().id


def _visitor() -> tuple[TestClient, list[str]]:
    """The fast path in front of the routes, and the list of requests that reached the routes (renders)."""
    api, renders = build_api(), []

    async def counting(scope, receive, send):
        """The routes behind the fast path, recording what reaches them."""
        if scope["type"] == "http":
            renders.append(scope["path"])
        await api(scope, receive, send)

    client = TestClient(public_card_fastpath(counting), raise_server_exceptions=False)
    client.headers["user-agent"] = BROWSER
    return client, renders


def _other_process(owner, headline: str) -> subprocess.Popen:
    """Start another app process (same database and Redis) that will publish `headline` on the owner's card."""
    env = {**os.environ, "DATABASE_URL": get_settings().database_url, "REDIS_URL": get_settings().redis_url}
    env["PYTHONPATH"] = str(ROOT)
    other = subprocess.Popen(
        [sys.executable, "-c", OTHER_PROCESS, str(owner.id), headline],
        env=env,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert other.stdout.readline().strip() == "ready"
    return other


def test_during_an_outage_cards_stay_cached_and_changes_show_within_the_bound(pg_db, redis_proxy, subscribed):
    """Visits are hits for seconds; this process's edit shows at once; another's within OUTAGE_TTL; then TTL."""
    with session_scope() as s:
        owner = make_user(s)
    slug = _publish(owner, None, "Before")
    visitor, renders = _visitor()
    page = f"/c/{slug}"
    assert "Before" in visitor.get(page).text and "Before" in visitor.get(page).text
    assert renders == [page]

    redis_proxy.cut()
    _wait_for(lambda: cache.outage_ttl == BOUND, "the listener to notice the outage")
    stop_at = time.monotonic() + BOUND - 1.5
    while time.monotonic() < stop_at:  # several reconnection attempts fail meanwhile (every 0.2 s here)
        assert "Before" in visitor.get(page).text
        time.sleep(0.05)
    assert renders == [page], "repeated visits during the outage are cache hits"

    other = _other_process(owner, "Theirs")
    _publish(owner, slug, "Mine")
    assert "Mine" in visitor.get(page).text, "this process's own edit shows at once"
    other.stdin.write("go\n")
    other.stdin.flush()
    assert other.stdout.readline().strip() == "done"
    changed = time.monotonic()
    assert "Mine" in visitor.get(page).text, "another process's edit cannot arrive at once: the copy is served"
    _wait_for(lambda: "Theirs" in visitor.get(page).text, "another process's edit", seconds=BOUND + 5)
    assert time.monotonic() - changed <= BOUND + 0.5, "another process's edit shows within OUTAGE_TTL"
    assert len(renders) <= 4, renders
    other.stdin.close()
    other.wait(30)

    redis_proxy.restore()
    _wait_for(lambda: cache.outage_ttl is None, "the listener to subscribe again")
    rendered = len(renders)
    assert "Theirs" in visitor.get(page).text and len(renders) == rendered + 1, "emptied once on return"
    entry = cache.get(page)
    assert entry is not None and entry.expires_at - time.monotonic() > card_cache.TTL - 60
