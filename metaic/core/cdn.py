"""Addresses of content-hashed files (images, the card stylesheet, built-in pictures, preview and QR images).

Each of them is named by a hash of what it holds, so it is served `Cache-Control: public, max-age=31536000,
immutable` and a CDN never needs purging: new content gets a new name. With `CDN_BASE_URL` set, every such
address the app writes starts with it (the CDN pulls from PUBLIC_BASE_URL, same paths); without it they stay
on the app's own origin. Addresses are built when a page is rendered or a file stored, never per request.
"""

from __future__ import annotations

import hashlib

from metaic.config import Settings, get_settings, origin_of

IMMUTABLE = "public, max-age=31536000, immutable"
# A name that is not (or no longer) the content's hash: still answered, but cached briefly.
SHORT = "public, max-age=300"
DIGEST_LENGTH = 16
# The app paths whose answers never change under one name: these are the ones put behind the CDN.
HASHED_PREFIXES = ("/files/", "/c/-/")


def digest(data: bytes, length: int = DIGEST_LENGTH) -> str:
    """A short hex SHA-256 of some bytes: the part of a name that changes with the content."""
    return hashlib.sha256(data).hexdigest()[:length]


def base(settings: Settings | None = None) -> str:
    """CDN_BASE_URL without a trailing slash, or "" when no CDN is configured."""
    return (settings or get_settings()).cdn_base_url.rstrip("/")


def url(path: str) -> str:
    """An app path as pages link it: on the CDN when one is configured, else unchanged (site-relative)."""
    return f"{base()}{path}" if path.startswith("/") else path


def absolute(path: str) -> str:
    """An app path as a full address (link previews, emails, API answers): on the CDN, else on PUBLIC_BASE_URL."""
    if not path.startswith("/"):
        return path
    settings = get_settings()
    return f"{base(settings) or settings.public_base_url.rstrip('/')}{path}"


def origin(settings: Settings | None = None) -> str:
    """The CDN's origin, for Content-Security-Policy source lists ("" without a CDN)."""
    return origin_of(base(settings), strict=False)


def sources(*fixed: str, settings: Settings | None = None) -> str:
    """A CSP source list: `fixed` plus the CDN origin when one is configured."""
    extra = origin(settings)
    return " ".join([*fixed, *([extra] if extra and extra not in fixed else [])])


def _app_path(address: str, settings: Settings) -> str | None:
    """The app path behind an address on one of our own bases (site-relative, CDN, PUBLIC_BASE_URL), else None."""
    if address.startswith("/") and not address.startswith("//"):
        return address
    for own in (base(settings), settings.public_base_url.rstrip("/")):
        if own and address.startswith(own + "/"):
            return address[len(own) :]
    return None


def rebase(address: str) -> str:
    """An address stored earlier (an upload, a built-in picture) moved onto today's CDN, when one is set.

    Only our own addresses under a hashed prefix move; another site's picture, or a bucket's own address,
    stays as it is. Without a CDN every address stays as it is.
    """
    settings = get_settings()
    if not base(settings) or not address:
        return address
    path = _app_path(address, settings)
    return url(path) if path is not None and path.startswith(HASHED_PREFIXES) else address
