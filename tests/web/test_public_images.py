"""The public page shows each uploaded picture at its size, never the multi-megapixel original; link previews get a
1200x630 PNG with the owner's photo in it."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path
from urllib.parse import urlparse

from PIL import Image

from metaic.cards import flows, photo, service
from metaic.db import session_scope
from metaic.files import service as file_service
from metaic.jobs.queue import drain_local
from tests.cards.helpers import rich
from tests.files import imaging
from tests.support.ast_parse import parse_file

RED = (220, 20, 20)


def _upload(session, owner, purpose: str, data: bytes):
    """An upload and the site path of its original (the test host has no dot, so the builder keeps paths)."""
    stored = file_service.upload(session=session, owner=owner, purpose=purpose, filename="x.jpg", data=data)
    return stored, urlparse(stored.original_url).path


def _card_with_pictures(owner) -> tuple[str, dict[str, object]]:
    """A published card whose avatar, cover, logo and portfolio picture are uploads; returns (slug, uploads)."""
    with session_scope() as s:
        avatar, avatar_url = _upload(s, owner, "avatar", imaging.encode(Image.new("RGB", (1200, 1200), RED), "JPEG"))
        cover, cover_url = _upload(s, owner, "cover", imaging.noisy_jpeg(3000, 2000))
        logo, logo_url = _upload(s, owner, "logo", imaging.jpeg(800, 800))
        work, work_url = _upload(s, owner, "work", imaging.jpeg(2400, 1500))
        doc = rich(cover_url=cover_url)
        doc["business"]["logo_url"] = logo_url
        doc["works"][0]["image_url"] = work_url
        card = service.create(session=s, owner=owner, name="Ada")
        service.save_draft(session=s, owner=owner, card_id=card.id, content=doc)
        service.set_avatar(session=s, owner=owner, card_id=card.id, file_id=avatar.id, url=avatar_url)
        flows.publish(session=s, owner=owner, card_id=card.id)
        slug = card.slug
    drain_local()  # the variants are made by a job
    with session_scope() as s:
        urls = {
            name: (upload, file_service.variant_urls(session=s, file_id=upload.id))
            for name, upload in {"avatar": avatar, "cover": cover, "logo": logo, "work": work}.items()
        }
    return slug, urls


def _img(html: str, marker: str) -> str:
    """The first <img> tag whose attributes contain `marker`."""
    return next(tag for tag in re.findall(r"<img [^>]*>", html) if marker in tag)


def test_every_picture_uses_a_variant_of_its_size(client, owner):
    slug, uploads = _card_with_pictures(owner)
    html = client.get(f"/c/{slug}").text
    for _name, (upload, variants) in uploads.items():
        assert set(variants) == {96, 400, 1200}
        assert urlparse(upload.original_url).path not in html  # no 3000x2000 original anywhere on the page
    cover = uploads["cover"][1]
    assert f'src="{cover[1200]}"' in _img(html, 'fetchpriority="high"')
    assert f"{cover[400]} 400w" in _img(html, 'fetchpriority="high"')
    assert f'src="{uploads["logo"][1][400]}"' in _img(html, 'class="biz-logo"')
    assert f'src="{uploads["work"][1][1200]}"' in _img(html, 'width="640"')
    assert f'src="{uploads["avatar"][1][400]}"' in _img(html, 'itemprop="image"')


def test_link_previews_get_a_1200x630_png_with_the_photo(client, owner):
    slug, _uploads = _card_with_pictures(owner)
    html = client.get(f"/c/{slug}").text
    og = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert re.fullmatch(rf"http://testserver/c/{slug}/preview\.[0-9a-f]{{16}}\.png", og)  # content-hashed
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    response = client.get(urlparse(og).path)
    image = Image.open(io.BytesIO(response.content)).convert("RGB")
    assert response.headers["content-type"] == "image/png" and image.size == (1200, 630)
    badge_centre = image.getpixel((160, 170))
    assert all(abs(a - b) < 40 for a, b in zip(badge_centre, RED, strict=True))  # the photo, not initials


def test_card_photos_module_imports_the_files_domain_at_the_top():
    """cards sits above files, so nothing needs hiding inside a function to dodge an import cycle."""
    tree = parse_file(Path(photo.__file__))
    nested = [
        node.lineno
        for func in ast.walk(tree)
        if isinstance(func, ast.FunctionDef)
        for node in ast.walk(func)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    assert nested == []
