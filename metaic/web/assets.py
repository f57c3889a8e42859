"""Content-hashed addresses of what a card page loads: its stylesheet, built-in pictures, preview and QR images.

Each name carries a hash of what makes its bytes (the file itself, or the published version and the code that
draws it), so the answer under it is cached for a year (`immutable`) and a CDN never needs purging. Addresses
are computed when a page is rendered (a cache miss), never per visitor; `metaic/core/cdn.py` puts them behind
CDN_BASE_URL when it is set. The older names (`/c/{slug}/preview.png`, `/c/-/assets/cover.svg`) still answer,
with a short cache, so links already shared keep working.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from metaic.cards.schemas import PublicCard
from metaic.config import get_settings
from metaic.core import cdn

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
DEMO = STATIC / "demo"
BUILT_IN_PREFIX = "/c/-/assets/"
# `/c/-/assets/cover.svg` (the older name) or `/c/-/assets/cover.<hash>.svg`.
_BUILT_IN = re.compile(r"([a-z0-9-]{1,40})(?:\.([0-9a-f]{16}))?\.svg")
# The code that draws the preview and QR images: a change to it is a change of their bytes.
_DRAWN_BY = {"preview": ("preview.py",), "qr": ("../cards/qr.py",)}


@lru_cache
def stylesheet() -> bytes:
    """The CSS every card page shares."""
    return (STATIC / "card.css").read_bytes()


@lru_cache
def stylesheet_digest() -> str:
    """The hash in the stylesheet's name."""
    return cdn.digest(stylesheet(), 12)


def stylesheet_url() -> str:
    """Where pages link the CSS (`/c/-/card.<hash>.css`, on the CDN when set)."""
    return cdn.url(f"/c/-/card.{stylesheet_digest()}.css")


@lru_cache
def built_in() -> dict[str, tuple[bytes, str]]:
    """The built-in pictures (the demo card's cover and portfolio) by stem: bytes and hash."""
    return {path.stem: ((data := path.read_bytes()), cdn.digest(data)) for path in sorted(DEMO.glob("*.svg"))}


def built_in_file(name: str) -> tuple[bytes, bool] | None:
    """The bytes asked for by a built-in picture's name, and whether the name is its current hashed one."""
    match = _BUILT_IN.fullmatch(name)
    found = built_in().get(match.group(1)) if match else None
    if found is None:
        return None
    return found[0], match.group(2) == found[1]


def picture_url(address: str) -> str:
    """A picture address a card holds, as the page links it: built-in ones hashed, ours on the CDN."""
    if address.startswith(BUILT_IN_PREFIX):
        match = _BUILT_IN.fullmatch(address.removeprefix(BUILT_IN_PREFIX))
        found = built_in().get(match.group(1)) if match else None
        if found is not None:
            return cdn.url(f"{BUILT_IN_PREFIX}{match.group(1)}.{found[1]}.svg")
    return cdn.rebase(address)


@lru_cache
def code_digest(kind: str) -> str:
    """A hash of the source that draws a kind of image (preview, qr)."""
    return cdn.digest(b"".join((HERE / name).resolve().read_bytes() for name in _DRAWN_BY[kind]))


def preview_version(card: PublicCard, images: dict[str, dict[int, str]]) -> str:
    """The hash in the link-preview image's name: the published version, the photo it draws and the drawing code."""
    photo = sorted(images.get(card.content.avatar_url, {}).items()) if card.content.avatar_url else []
    made_of = f"{card.etag}|{photo}|{get_settings().public_base_url}|{code_digest('preview')}"
    return cdn.digest(made_of.encode())


def qr_version(card: PublicCard) -> str:
    """The hash in the QR image's name: the published version (its address and text) and the drawing code."""
    return cdn.digest(f"{card.etag}|{get_settings().public_base_url}|{code_digest('qr')}".encode())


def preview_url(card: PublicCard, images: dict[str, dict[int, str]]) -> str:
    """The Open Graph image's full address (`/c/{slug}/preview.<hash>.png`, on the CDN when set)."""
    return cdn.absolute(f"/c/{card.slug}/preview.{preview_version(card, images)}.png")


def qr_url(card: PublicCard) -> str:
    """The QR image the page shows (`/c/{slug}/qr.<hash>.svg`, on the CDN when set)."""
    return cdn.url(f"/c/{card.slug}/qr.{qr_version(card)}.svg")
