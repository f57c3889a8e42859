"""`GET /c/{slug}`: server-rendered HTML, meta tags, escaping, caching, redirects, 404s and visibility."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from urllib.parse import urlparse

from PIL import Image

from metaic.admin import seed
from metaic.auth import sessions
from metaic.cards import flows, service
from metaic.core import ratelimit
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.web import responses


class _Meta(HTMLParser):
    """Collects <meta> tags, link rels and the title."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        """Remember meta and link tags."""
        a = dict(attrs)
        if tag == "meta" and a.get("content") is not None:
            self.meta[a.get("property") or a.get("name") or ""] = a["content"]
        if tag == "link":
            self.links[a.get("rel", "")] = a.get("href", "")
        self._in_title = tag == "title"

    def handle_data(self, data):
        """Read the title text."""
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag):
        """Leave the title."""
        self._in_title = False


def _meta(html: str) -> _Meta:
    """Parse a page's head."""
    parser = _Meta()
    parser.feed(html)
    return parser


def test_page_shows_the_card_with_meta_tags(client, publish):
    slug = publish()
    drain_local()  # the summary job of the publish: the page describes the card by its two-line summary
    response = client.get(f"/c/{slug}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.text
    head = _meta(html)
    assert head.title.startswith("Ada Lovelace")
    assert head.meta["og:title"] == "Ada Lovelace" and head.meta["twitter:title"] == "Ada Lovelace"
    assert head.meta["og:url"] == f"http://testserver/c/{slug}" and head.links["canonical"] == head.meta["og:url"]
    assert re.fullmatch(rf"http://testserver/c/{slug}/preview\.[0-9a-f]{{16}}\.png", head.meta["og:image"])
    assert head.meta["twitter:card"] == "summary_large_image"
    assert head.meta["description"].startswith("Ada Lovelace")  # the summary ("Ada Lovelace, ...")
    assert head.meta["og:description"] == head.meta["description"]
    assert "robots" not in head.meta and "x-robots-tag" not in response.headers
    for fragment in (
        'href="tel:+442079460958"',
        'href="mailto:Ada@engines.example.com"',
        'href="https://wa.me/442079460958"',
        f'href="/c/{slug}.vcf"',
        "Save contact",
        'title="https://www.linkedin.com/in/ada"',  # shown on hover; the href goes through the counted redirect
        f'href="/c/{slug}/l/s0"',
        "Bernoulli numbers.",
        "£100-£200",
        "Note G",
        "Mathematics",
        "Algorithms",
        "Mentoring",
        "Video call",
        "Analytical Engines Ltd",
        f'href="/c/{slug}/share/whatsapp"',
        "+44 20 7946 0958",
    ):
        assert fragment in html, fragment
    assert '<script type="module">' in html and "data-native hidden" in html  # optional enhancement only
    assert "script-src 'sha256-" in response.headers["content-security-policy"]


def test_empty_sections_are_hidden(client, publish):
    slug = publish(services=[], works=[], interests=[], socials=[], bio="", networking={}, business={}, contacts=[])
    html = client.get(f"/c/{slug}").text
    for section in (
        'id="h-services"',
        'id="h-work"',
        'id="h-interests"',
        'id="h-net"',
        'id="h-company"',
        'id="h-contact"',
        'id="h-connect"',
        'id="h-about"',
    ):
        assert section not in html, section
    assert "Save contact" in html


def test_user_text_is_html_escaped(client, publish):
    slug = publish(name="<script>alert(1)</script>", bio='"><img src=x onerror=alert(2)>', headline="Tom & Jerry's <b>")
    html = client.get(f"/c/{slug}").text
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "Tom &amp; Jerry&#39;s &lt;b&gt;" in html
    assert len(re.findall(r"<script\b", html)) == 1


def test_etag_gives_304_and_caching_headers(client, publish):
    slug = publish()
    first = client.get(f"/c/{slug}")
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and "max-age=60" in first.headers["cache-control"]
    assert "stale-while-revalidate" in first.headers["cache-control"]
    again = client.get(f"/c/{slug}", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get(f"/c/{slug}", headers={"if-none-match": 'W/"other"'}).status_code == 200


def test_page_serves_the_published_version_not_the_draft(client, publish, owner):
    slug = publish()
    etag = client.get(f"/c/{slug}").headers["etag"]
    with session_scope() as s:
        [card] = service.list_(session=s, owner=owner)
        service.save_draft(session=s, owner=owner, card_id=card.id, content={"name": "Draft Name"})
    response = client.get(f"/c/{slug}", headers={"if-none-match": etag})
    assert response.status_code == 304
    assert "Draft Name" not in client.get(f"/c/{slug}").text
    with session_scope() as s:
        flows.publish(session=s, owner=owner, card_id=card.id)
    response = client.get(f"/c/{slug}", headers={"if-none-match": etag})
    assert response.status_code == 200 and "Draft Name" in response.text


def test_old_slug_redirects_with_301(client, publish, owner):
    slug = publish()
    with session_scope() as s:
        [card] = service.list_(session=s, owner=owner)
        service.set_slug(session=s, owner=owner, card_id=card.id, slug="countess")
    for path, target in (
        (f"/c/{slug}", "/c/countess"),
        (f"/c/{slug}?src=qr", "/c/countess?src=qr"),
        (f"/c/{slug}.vcf", "/c/countess.vcf"),
        (f"/c/{slug}/qr.png?scale=4", "/c/countess/qr.png?scale=4"),
    ):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 301 and response.headers["location"] == target, path
    assert client.get(f"/c/{slug}").status_code == 200


def test_drafts_private_and_unknown_cards_are_a_404_page(client, publish, owner):
    with session_scope() as s:
        draft = service.create(session=s, owner=owner, name="Draft Only").slug
    private = publish(visibility="private")
    for path in (
        f"/c/{draft}",
        f"/c/{private}",
        "/c/nobody-here",
        f"/c/{draft}.vcf",
        f"/c/{private}/qr.png",
        "/c/x",
        "/c/" + "a" * 100,
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html") and "Card not found" in response.text


def test_private_card_is_shown_to_its_owner_only(client, publish, owner):
    slug = publish(visibility="private")
    with session_scope() as s:
        token = sessions.create(session=s, user=owner, remember=False, activated=True)
    response = client.get(f"/c/{slug}", cookies={sessions.COOKIE_NAME: token})
    assert response.status_code == 200 and "Only you can see this card" in response.text
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["x-robots-tag"] == "noindex"
    client.cookies.clear()
    assert client.get(f"/c/{slug}").status_code == 404


def test_unlisted_card_is_noindex(client, publish):
    slug = publish(visibility="unlisted")
    response = client.get(f"/c/{slug}")
    assert response.status_code == 200 and response.headers["x-robots-tag"] == "noindex"
    assert _meta(response.text).meta["robots"].startswith("noindex")


def test_preview_image_is_a_png(client, publish):
    slug = publish(name="王小明")
    response = client.get(f"/c/{slug}/preview.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)


def test_public_routes_are_rate_limited_per_ip(client, publish, monkeypatch):
    slug = publish()
    monkeypatch.setattr(responses, "PUBLIC_LIMIT", (3, 60))
    ratelimit.reset_all()
    for _ in range(3):
        assert client.get(f"/c/{slug}").status_code == 200
    page = client.get(f"/c/{slug}")
    assert page.status_code == 429 and "text/html" in page.headers["content-type"]
    assert int(page.headers["retry-after"]) > 0
    vcf = client.get(f"/c/{slug}.vcf")
    assert vcf.status_code == 429 and vcf.headers["content-type"] == "application/problem+json"


def test_demo_seed_publishes_a_rich_card(client):
    with session_scope() as s:
        seed.seed_demo(session=s)
    with session_scope() as s:
        user = seed.seed_demo(session=s).user  # idempotent
        [card] = service.list_(session=s, owner=user)
        assert card.slug == "demo" and card.status == "published"
        assert len(service.list_versions(session=s, owner=user, card_id=card.id)) == 1
        content = service.get_content(session=s, owner=user, card_id=card.id)
        assert all(
            [
                content.services,
                content.contacts,
                content.socials,
                content.works,
                content.interests,
                content.networking.offer,
                content.business.name,
                content.bio,
            ]
        )
    html = client.get("/c/demo").text
    assert "Save contact" in html and "Northwind Studio" in html
    assert client.get("/c/-/assets/cover.svg").headers["content-type"] == "image/svg+xml"
    assert client.get("/c/-/assets/../../etc/passwd").status_code == 404


def test_avatar_uses_its_400px_variant_once_made(client, owner, publish):
    """While variants are made the page shows the original; then the 400 px WebP with a srcset."""
    from metaic.files import service as file_service
    from metaic.jobs.queue import drain_local
    from tests.files import imaging

    slug = publish()
    with session_scope() as s:
        upload = file_service.upload(
            session=s, owner=owner, purpose="avatar", filename="me.jpg", data=imaging.noisy_jpeg(1200, 1200)
        )
        card = service.list_(session=s, owner=owner)[0]
        original = urlparse(upload.original_url).path  # the test host has no dot: keep the site path
        service.set_avatar(session=s, owner=owner, card_id=card.id, file_id=upload.id, url=original)
        flows.publish(session=s, owner=owner, card_id=card.id)

    def avatar_tag() -> str:
        html = client.get(f"/c/{slug}").text
        return re.search(r'<img src="[^"]*"[^>]*itemprop="image">', html).group(0)

    assert f'src="{original}"' in avatar_tag() and "srcset" not in avatar_tag()
    drain_local()
    with session_scope() as s:
        urls = file_service.variant_urls(session=s, file_id=upload.id)
    assert 400 in urls
    tag = avatar_tag()
    assert f'src="{urls[400]}"' in tag and f"{urls[400]} 400w" in tag and 'sizes="128px"' in tag
    assert original not in tag


def test_the_stylesheet_is_one_immutable_file_shared_by_every_card(client, publish):
    first, second = publish(), publish()
    links = {
        re.search(r'<link rel="stylesheet" href="([^"]+)"', client.get(f"/c/{s}").text).group(1)
        for s in (first, second)
    }
    [href] = links
    css = client.get(href)
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert css.headers["cache-control"] == "public, max-age=31536000, immutable"
    stale = client.get("/c/-/card.000000000000.css")  # a page cached before a deploy still gets styled
    assert stale.status_code == 200 and "immutable" not in stale.headers["cache-control"]
    page = client.get(f"/c/{first}")
    assert "<style>" not in page.text.split("</head>")[0].replace("<style>:root", "")  # only the theme variables inline
    assert "style-src 'self'" in page.headers["content-security-policy"]
    missing = client.get("/c/nobody-here")
    assert href in missing.text and "style-src 'self'" in missing.headers["content-security-policy"]
