"""Card pages link content-hashed files (immutable for a year) and, with CDN_BASE_URL, link them on the CDN."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from metaic.admin import seed
from metaic.api.app import build_api
from metaic.cards import flows, service
from metaic.config import get_settings
from metaic.db import session_scope
from metaic.files import service as file_service
from metaic.jobs.queue import drain_local
from metaic.web import security
from metaic.web.card_cache import cache
from metaic.web.fastpath import public_card_fastpath
from tests.cards.fixtures import BROWSER
from tests.cards.helpers import rich
from tests.files import imaging

CDN = "https://cdn.example.net"
IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture
def cdn(monkeypatch) -> str:
    """Put the app behind a CDN."""
    monkeypatch.setenv("CDN_BASE_URL", CDN + "/")
    get_settings.cache_clear()
    return CDN


def _page(client, slug: str) -> dict[str, str]:
    """What a card page links: stylesheet, og:image, QR image, avatar and cover pictures."""
    html = client.get(f"/c/{slug}").text
    found = {
        "css": r'<link rel="stylesheet" href="([^"]+)"',
        "og": r'<meta property="og:image" content="([^"]+)"',
        "qr": r'<img src="([^"]+/qr\.[^"]+)"',
        "avatar": r'<img src="([^"]+)"[^>]*itemprop="image"',
        "cover": r'<img src="([^"]+)"[^>]*fetchpriority="high"',
    }
    return {name: m.group(1) for name, rx in found.items() if (m := re.search(rx, html))}


def _with_avatar(owner, **changes) -> tuple[str, str]:
    """A published card whose photo is an upload (variants made); returns the slug and the stored photo address."""
    with session_scope() as s:
        upload = file_service.upload(
            session=s, owner=owner, purpose="avatar", filename="me.jpg", data=imaging.noisy_jpeg(900, 900)
        )
        card = service.create(session=s, owner=owner, name="Ada")
        service.save_draft(session=s, owner=owner, card_id=card.id, content=rich(**changes))
        # The test host has no dot, so a card keeps the site path of a picture stored on it (as the builder does).
        stored = upload.original_url.removeprefix("http://testserver")
        service.set_avatar(session=s, owner=owner, card_id=card.id, file_id=upload.id, url=stored)
        flows.publish(session=s, owner=owner, card_id=card.id)
        slug = card.slug
    drain_local()
    return slug, stored


def test_without_a_cdn_the_page_links_stay_on_this_site(client, owner):
    slug, _ = _with_avatar(owner)
    links = _page(client, slug)
    assert re.fullmatch(r"/c/-/card\.[0-9a-f]{12}\.css", links["css"])
    assert re.fullmatch(rf"http://testserver/c/{slug}/preview\.[0-9a-f]{{16}}\.png", links["og"])
    assert re.fullmatch(rf"/c/{slug}/qr\.[0-9a-f]{{16}}\.svg\?border=2", links["qr"].replace("&amp;", "&"))
    assert links["avatar"].startswith("http://testserver/files/img/")


def test_with_a_cdn_every_file_the_page_links_is_on_it(client, owner, cdn):
    slug, _ = _with_avatar(owner)
    links = _page(client, slug)
    assert set(links) >= {"css", "og", "qr", "avatar"}
    for name, url in links.items():
        assert url.startswith(CDN + "/"), (name, url)
    # The CDN pulls each of them from the app by the same path, and may keep it for a year.
    for name in ("css", "og", "qr", "avatar"):
        response = client.get(links[name].removeprefix(CDN))
        assert response.status_code == 200, name
        assert response.headers["cache-control"] == IMMUTABLE, name


def test_pictures_stored_before_the_cdn_move_onto_it(client, owner, monkeypatch):
    """A card published without a CDN links its pictures on the CDN once one is configured (no republish)."""
    slug, stored = _with_avatar(owner, cover_url="/c/-/assets/cover.svg")
    assert stored.startswith("/files/img/")
    monkeypatch.setenv("CDN_BASE_URL", CDN)
    get_settings.cache_clear()
    cache.drop_all()
    links = _page(client, slug)
    assert re.fullmatch(rf"{CDN}/c/-/assets/cover\.[0-9a-f]{{16}}\.svg", links["cover"])
    assert links["avatar"].startswith(f"{CDN}/files/img/")


def test_new_content_gets_new_preview_and_qr_names(client, publish, owner):
    slug = publish()
    before = _page(client, slug)
    with session_scope() as s:
        card = service.list_(session=s, owner=owner)[0]
        service.save_draft(session=s, owner=owner, card_id=card.id, content=rich(name="Ada Byron"))
        flows.publish(session=s, owner=owner, card_id=card.id)
    drain_local()
    after = _page(client, slug)
    assert before["og"] != after["og"] and before["qr"] != after["qr"] and before["css"] == after["css"]
    old = client.get(urlsplit(before["og"]).path)  # a preview shared earlier still answers, briefly cached
    assert old.status_code == 200 and old.headers["content-type"] == "image/png"
    assert "immutable" not in old.headers["cache-control"]
    assert client.get(urlsplit(after["og"]).path).headers["cache-control"] == IMMUTABLE


def test_plain_names_keep_answering_with_a_short_cache(client, publish):
    slug = publish()
    for path in (f"/c/{slug}/preview.png", f"/c/{slug}/qr.svg", "/c/-/assets/cover.svg"):
        response = client.get(path)
        assert response.status_code == 200 and "immutable" not in response.headers["cache-control"], path
    assert client.get("/c/-/assets/cover.0000000000000000.svg").headers["cache-control"] != IMMUTABLE
    assert client.get("/c/-/assets/nothing.svg").status_code == 404


def test_hashed_qr_images_come_from_the_card_cache(db, publish):
    """The page's QR image (a hashed name with ?border=2) is served from memory after the first request."""
    fast = TestClient(public_card_fastpath(build_api()))
    fast.headers["user-agent"] = BROWSER
    slug = publish()
    qr = _page(fast, slug)["qr"].replace("&amp;", "&")
    first = fast.get(qr)
    hits = cache.hits
    second = fast.get(qr)
    assert first.status_code == second.status_code == 200 and cache.hits == hits + 1
    assert second.headers["cache-control"] == IMMUTABLE and second.content == first.content


def test_directory_pictures_are_on_the_cdn(client, owner, cdn):
    slug, _ = _with_avatar(owner)
    with session_scope() as s:
        card = service.list_(session=s, owner=owner)[0]
        service.set_directory_listing(session=s, owner=owner, card_id=card.id, value="public")
    drain_local()
    response = client.get("/directory")
    avatars = re.findall(r'<img src="([^"]+)" alt="" loading="lazy">', response.text)
    assert avatars and all(url.startswith(f"{CDN}/files/img/") for url in avatars), (slug, avatars)
    assert re.search(rf'<link rel="stylesheet" href="{CDN}/c/-/card\.[0-9a-f]{{12}}\.css">', response.text)


def _directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy as directive -> sources."""
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {part[0]: part[1:] for part in parts}


def test_content_security_policies_allow_the_cdn(client, publish, cdn):
    slug = publish()
    page = _directives(client.get(f"/c/{slug}").headers["content-security-policy"])
    assert CDN in page["style-src"] and "'self'" in page["style-src"]
    missing = _directives(client.get("/c/nobody-here").headers["content-security-policy"])
    assert CDN in missing["style-src"]
    app = _directives(dict(security.headers_for("/builder"))[b"content-security-policy"].decode())
    assert CDN in app["img-src"] and CDN in app["style-src"]  # the builder shows uploads; /directory links the CSS
    card = _directives(dict(security.headers_for("/c/x/report"))[b"content-security-policy"].decode())
    assert CDN in card["img-src"]
    report = client.get(f"/c/{slug}/report")  # the moderation pages link the same stylesheet
    assert report.status_code == 200 and f'href="{CDN}/c/-/card.' in report.text
    assert CDN in _directives(report.headers["content-security-policy"])["style-src"]


def test_without_a_cdn_the_policies_name_only_this_site(client, publish):
    slug = publish()
    page = _directives(client.get(f"/c/{slug}").headers["content-security-policy"])
    assert page["style-src"] == ["'self'", "'unsafe-inline'"]


def test_the_demo_card_links_its_built_in_pictures_by_hash(client, cdn):
    with session_scope() as s:
        seed.seed_demo(session=s)
    html = client.get("/c/demo").text
    built_in = set(re.findall(r'src="([^"]+/c/-/assets/[^"]+)"', html))
    assert built_in and all(re.fullmatch(rf"{CDN}/c/-/assets/[a-z0-9-]+\.[0-9a-f]{{16}}\.svg", u) for u in built_in)
    response = client.get(next(iter(built_in)).removeprefix(CDN))
    assert response.headers["cache-control"] == IMMUTABLE and response.headers["content-type"] == "image/svg+xml"


def test_hashed_names_count_under_their_route_in_the_metrics():
    """Cached answers have no route: a hashed name must not become a metrics label of its own."""
    from metaic.web.observe import route_label

    for path, label in {
        "/c/ada/qr.0123456789abcdef.svg": "/c/{slug}/qr.svg",
        "/c/ada/preview.0123456789abcdef.png": "/c/{slug}/preview.png",
        "/c/ada/preview.png": "/c/{slug}/preview.png",
    }.items():
        assert route_label({"path": path}) == label
