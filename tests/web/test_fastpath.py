"""The public card hot path: cached answers, unlimited for one address, counted after the flush, never stale."""

from __future__ import annotations

import asyncio
import gzip
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from metaic.analytics import buffer
from metaic.api.app import build_api
from metaic.auth import sessions
from metaic.cards import flows, service
from metaic.cards.models import Card
from metaic.db import session_scope
from metaic.web import card_cache, responses
from metaic.web.card_cache import CardCache, Entry, cache
from metaic.web.fastpath import page_key, public_card_fastpath
from tests.cards.fixtures import BROWSER
from tests.cards.helpers import rich

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fast(db: str) -> TestClient:
    """The HTTP app as production serves it: the fast path in front of the routes (one client address)."""
    client = TestClient(public_card_fastpath(build_api()), raise_server_exceptions=False)
    client.headers["user-agent"] = BROWSER
    return client


def _republish(owner, slug: str, **changes) -> None:
    """Save a new draft of the card at `slug` and publish it through the flow."""
    with session_scope() as s:
        card = s.exec(Card.__table__.select().where(Card.slug == slug)).first()
        service.save_draft(session=s, owner=owner, card_id=card.id, content=rich(**changes))
        flows.publish(session=s, owner=owner, card_id=card.id)


def _views(owner, card_slug: str) -> int:
    """Views and scans of a card once the buffer is flushed."""
    buffer.flush()
    with session_scope() as s:
        card = s.exec(Card.__table__.select().where(Card.slug == card_slug)).first()
        return service.stats(session=s, owner=owner, card_id=card.id)["views"]


def test_one_address_gets_every_cached_answer_but_is_limited_on_unknown_slugs(fast, publish):
    slug = publish()
    statuses = [fast.get(f"/c/{slug}").status_code for _ in range(200)]
    assert statuses == [200] * 200
    unknown = [fast.get(f"/c/nobody-{n}").status_code for n in range(200)]
    assert unknown[0] == 404
    assert 429 in unknown


def test_counts_arrive_after_the_flush_and_a_qr_scan_is_a_scan(fast, publish, owner):
    slug = publish()
    for _ in range(4):
        assert fast.get(f"/c/{slug}").status_code == 200
    assert fast.get(f"/c/{slug}?src=qr&utm_source=badge").status_code == 200
    assert fast.head(f"/c/{slug}").status_code == 200  # a HEAD counts nothing
    assert cache.hits >= 4
    buffer_before = buffer.pending_count()
    assert buffer_before == 5
    assert _views(owner, slug) == 5
    buffer.flush()
    assert _views(owner, slug) == 5  # a second flush writes nothing twice


def test_304_from_the_cache_counts_nothing_and_gzip_is_offered(fast, publish):
    slug = publish()
    first = fast.get(f"/c/{slug}")
    second = fast.get(f"/c/{slug}", headers={"accept-encoding": "gzip"})
    assert second.headers.get("content-encoding") == "gzip"
    assert second.text == first.text  # httpx decodes it
    raw = fast.get(f"/c/{slug}", headers={"accept-encoding": "gzip"}).headers
    assert "Accept-Encoding" in raw["vary"] and "Cookie" in raw["vary"]
    pending = buffer.pending_count()
    not_modified = fast.get(f"/c/{slug}", headers={"if-none-match": first.headers["etag"]})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert buffer.pending_count() == pending


def test_a_republish_is_visible_at_once(fast, publish, owner):
    slug = publish(headline="First headline")
    assert "First headline" in fast.get(f"/c/{slug}").text
    assert "First headline" in fast.get(f"/c/{slug}").text  # now from the cache
    _republish(owner, slug, headline="Second headline")
    page = fast.get(f"/c/{slug}").text
    assert "Second headline" in page and "First headline" not in page


def test_unpublish_visibility_and_delete_drop_the_cached_copy(fast, publish, owner):
    slug = publish()
    fast.get(f"/c/{slug}")
    with session_scope() as s:
        card_id = s.exec(Card.__table__.select().where(Card.slug == slug)).first().id
        service.set_visibility(session=s, owner=owner, card_id=card_id, visibility="private")
    assert fast.get(f"/c/{slug}").status_code == 404
    with session_scope() as s:
        service.set_visibility(session=s, owner=owner, card_id=card_id, visibility="public")
    assert fast.get(f"/c/{slug}").status_code == 200
    with session_scope() as s:
        service.unpublish(session=s, owner=owner, card_id=card_id)
    assert fast.get(f"/c/{slug}").status_code == 404


def test_a_private_card_and_a_signed_in_page_never_come_from_the_shared_cache(fast, publish, owner):
    slug = publish(visibility="private")
    with session_scope() as s:
        token = sessions.create(session=s, user=owner, remember=False, activated=True)
    mine = fast.get(f"/c/{slug}", cookies={sessions.COOKIE_NAME: token})
    assert mine.status_code == 200
    assert len(cache) == 0
    fast.cookies.clear()
    assert fast.get(f"/c/{slug}").status_code == 404

    public = publish()
    fast.get(f"/c/{public}")  # an anonymous visit fills the cache
    signed_in = fast.get(f"/c/{public}", cookies={sessions.COOKIE_NAME: token})
    assert signed_in.headers["cache-control"].startswith("private")  # rendered for them, not the shared copy


def test_vcard_and_qr_come_from_the_cache_with_their_options(fast, publish):
    slug = publish()
    card = fast.get(f"/c/{slug}.vcf")
    assert fast.get(f"/c/{slug}.vcf").content == card.content
    small = fast.get(f"/c/{slug}/qr.svg?scale=2")
    large = fast.get(f"/c/{slug}/qr.svg?scale=8")
    assert fast.get(f"/c/{slug}/qr.svg?scale=2").content == small.content
    assert fast.get(f"/c/{slug}/qr.svg?scale=8").content == large.content != small.content
    assert fast.get(f"/c/{slug}/qr.png").headers["content-type"] == "image/png"
    assert cache.hits >= 3
    downloads = buffer.pending_count()
    assert downloads == 2  # the vCard twice; QR codes count nothing


def test_page_keys():
    assert page_key("/c/ada", "") == "/c/ada"
    assert page_key("/c/ada", "src=qr&utm_campaign=x") == "/c/ada"
    assert page_key("/c/ada", "shared=1") is None
    assert page_key("/c/ada", "junk=1") is None
    assert page_key("/c/ada/qr.svg", "scale=4&dark=%23000") == page_key("/c/ada/qr.svg", "dark=%23000&scale=4")
    assert page_key("/c/ada/qr.svg", "download=1") is None


def test_a_fill_that_raced_with_a_change_is_not_kept():
    store = CardCache()
    card_id = uuid.uuid4()
    entry = Entry(card_id=card_id, body=b"old", gzip_body=None, headers=(), etag=b"", event=None, expires_at=1e18)
    started = store.generation
    store.drop_card(card_id)  # a publish landed while the old version was being rendered
    assert store.put("/c/x", entry, generation=started) is False
    assert store.get("/c/x") is None
    assert store.put("/c/x", entry, generation=store.generation) is True
    assert store.get("/c/x").body == b"old"
    assert store.get("/c/x", now=2e18) is None  # expired


def test_a_republish_in_another_process_reaches_this_one_through_redis(db, redis_url, fast, publish, owner):
    slug = publish(headline="Before")
    assert "Before" in fast.get(f"/c/{slug}").text
    assert "Before" in fast.get(f"/c/{slug}").text  # cached, and the listener is subscribed
    script = (
        "import uuid\n"
        "from metaic.wiring import wire\n"
        "from metaic.db import session_scope\n"
        "from metaic.cards import flows, service\n"
        "from metaic.auth.models import User\n"
        "from tests.cards.helpers import rich\n"
        "wire()\n"
        "with session_scope() as s:\n"
        f"    owner = s.get(User, uuid.UUID('{owner.id}'))\n"
        f"    card = service.list_(session=s, owner=owner)[0]\n"
        "    service.save_draft(session=s, owner=owner, card_id=card.id, content=rich(headline='After'))\n"
        "    flows.publish(session=s, owner=owner, card_id=card.id)\n"
    )
    env = {**os.environ, "DATABASE_URL": db, "REDIS_URL": redis_url, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True, timeout=60)
    deadline = time.monotonic() + 5
    while "After" not in fast.get(f"/c/{slug}").text and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "After" in fast.get(f"/c/{slug}").text
    assert card_cache._listener_pid == os.getpid()


def test_cached_pages_stay_small_enough_for_a_phone_on_3g(fast, publish):
    slug = publish()
    fast.get(f"/c/{slug}")
    page = fast.get(f"/c/{slug}", headers={"accept-encoding": "gzip"})
    compressed = len(gzip.compress(page.content))
    assert compressed < 20_000, compressed


def test_cached_answers_carry_the_security_headers(fast, publish):
    slug = publish()
    rendered = fast.get(f"/c/{slug}")
    cached = fast.get(f"/c/{slug}")
    assert cache.hits >= 1
    for name in ("x-content-type-options", "referrer-policy", "x-frame-options", "content-security-policy"):
        assert cached.headers.get(name), name
    assert cached.headers["content-security-policy"] == rendered.headers["content-security-policy"]


def test_a_crowd_at_a_cold_cache_waits_for_one_render(db, publish, monkeypatch):
    slug = publish()
    monkeypatch.setattr(responses, "PUBLIC_LIMIT", (3, 60))  # a handful of renders would already be limited
    api = build_api()
    renders = []

    async def counting(scope, receive, send):
        """The routes behind the fast path, counting what reaches them."""
        if scope["type"] == "http":
            renders.append(scope["path"])
        await api(scope, receive, send)

    async def crowd() -> list[int]:
        transport = httpx.ASGITransport(app=public_card_fastpath(counting))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            answers = await asyncio.gather(
                *(client.get(f"/c/{slug}", headers={"user-agent": BROWSER}) for _ in range(40))
            )
        return [a.status_code for a in answers]

    assert asyncio.run(crowd()) == [200] * 40
    assert renders.count(f"/c/{slug}") == 1
