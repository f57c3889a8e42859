"""The public card hot path: answer `/c/...` GETs from the per-process cache before any framework routing.

It runs as the outermost of our ASGI transformers, so a cached card costs one dictionary lookup, one
append to the analytics buffer and two ASGI messages. Everything else goes on to the FastAPI routes
unchanged: a miss (which renders and fills the cache), a signed-in visitor (their page differs), the
forms, `?shared=1`/`?saved=1` pages, unknown slugs (rate-limited there against enumeration).

Counting rules: a GET that returns the page counts a view (a QR scan with `?src=qr`), a GET of the
vCard a download. HEAD requests and 304 answers count nothing: a HEAD is not a visit, and a 304 is the
same browser revalidating a page it already has (documented in README, "Public card caching").
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import Response

from metaic.analytics import buffer
from metaic.auth.sessions import COOKIE_NAME
from metaic.cards.schemas import PublicCard
from metaic.web import security
from metaic.web.card_cache import TTL, Entry, cache, ensure_listener

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Query parameters that only describe where a visitor came from: the page bytes are the same with them.
TRACKING_PARAMS = frozenset({"src", "ref", "fbclid", "gclid"})
_COOKIE = COOKIE_NAME.encode() + b"="
# The vCard, QR and preview images, under their plain or content-hashed names (metaic/web/assets.py).
_DOWNLOAD = re.compile(r"(\.vcf|/qr(\.[0-9a-f]{16})?\.(svg|png)|/preview(\.[0-9a-f]{16})?\.png)$")
GZIP_MIN_BYTES = 1024
FILL_WAIT_SECONDS = 5.0  # how long a request waits for another's render of the same page before rendering itself


def page_key(path: str, query: str) -> str | None:
    """The cache key of a request, or None when its answer must not come from the shared cache."""
    if not query:
        return path
    params = parse_qsl(query, keep_blank_values=True)
    if _DOWNLOAD.search(path):
        if any(name == "download" for name, _ in params):
            return None  # attachment headers differ; rare enough to render
        return f"{path}?{urlencode(sorted(params))}"
    if all(name in TRACKING_PARAMS or name.startswith("utm_") for name, _ in params):
        return path
    return None


def is_qr_source(src: str) -> bool:
    """True for `?src=qr` and a printed variant's `?src=qr-<name>`."""
    return src == "qr" or src.startswith("qr-")


def event_for(entry_event: str | None, query: str) -> str | None:
    """What a GET of a cached answer counts: a page read with `?src=qr` (or `?src=qr-badge`) is a QR scan."""
    if entry_event == "view" and query and any(n == "src" and is_qr_source(v) for n, v in parse_qsl(query)):
        return "qr_scan"
    return entry_event


def make_entry(
    *, card_id: uuid.UUID, body: bytes, headers: dict[str, str], event: str | None, ttl: float, now: float
) -> Entry:
    """A cache entry for a rendered answer (a gzip copy is kept for bodies worth compressing)."""
    kept = {k.lower(): v for k, v in headers.items() if k.lower() not in {"content-length", "content-encoding"}}
    gz = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= GZIP_MIN_BYTES else None
    if gz is not None and len(gz) >= len(body):
        gz = None
    vary = {v.strip() for v in kept.get("vary", "").split(",") if v.strip()}
    if gz is not None:
        vary.add("Accept-Encoding")
    if vary:
        kept["vary"] = ", ".join(sorted(vary))
    return Entry(
        card_id=card_id,
        body=body,
        gzip_body=gz,
        headers=tuple((k.encode("latin-1"), v.encode("latin-1")) for k, v in kept.items()),
        etag=kept.get("etag", "").encode("latin-1"),
        event=event,
        expires_at=now + ttl,
    )


def remember(
    *,
    request: Request,
    card: PublicCard,
    response: Response,
    event: str | None,
    signed_in: bool,
    generation: int,
) -> None:
    """Keep a freshly rendered answer for the next anonymous visitors (private and signed-in answers never)."""
    if response.status_code != 200 or signed_in or card.visibility == "private" or request.method != "GET":
        return
    key = page_key(request.url.path, request.url.query)
    if key is None:
        return
    # Cached answers skip the security-header middleware (they are sent before it), so they carry its headers.
    headers = dict(response.headers)
    for name, value in security.headers_for(request.url.path):
        headers.setdefault(name.decode("latin-1"), value.decode("latin-1"))
    entry = make_entry(
        card_id=card.card_id,
        body=bytes(response.body),
        headers=headers,
        event=event,
        ttl=TTL,
        now=time.monotonic(),
    )
    cache.put(key, entry, generation=generation)


def _request_headers(scope: Scope) -> tuple[bytes, bytes, bytes, bytes, bytes]:
    """Cookie, If-None-Match, Accept-Encoding, User-Agent and Referer of a request (raw bytes)."""
    cookie = inm = enc = ua = ref = b""
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            cookie = value
        elif name == b"if-none-match":
            inm = value
        elif name == b"accept-encoding":
            enc = value
        elif name == b"user-agent":
            ua = value
        elif name == b"referer":
            ref = value
    return cookie, inm, enc, ua, ref


def _matches(if_none_match: bytes, etag: bytes) -> bool:
    """Weak comparison of an If-None-Match header with an entry's ETag."""
    if not etag:
        return False
    wanted = {tag.strip().removeprefix(b"W/") for tag in if_none_match.split(b",")}
    return b"*" in wanted or etag.removeprefix(b"W/") in wanted


def public_card_fastpath(app: ASGIApp) -> ASGIApp:
    """Wrap the app so cached public card answers skip routing, dependencies and the database."""

    filling: dict[str, asyncio.Event] = {}  # keys being rendered by a request of this process right now

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or not scope["path"].startswith("/c/"):
            await app(scope, receive, send)
            return
        ensure_listener()
        query = scope.get("query_string", b"").decode("latin-1")
        key = page_key(scope["path"], query)
        if key is None:
            await app(scope, receive, send)
            return
        cookie, inm, enc, ua, ref = _request_headers(scope)
        if _COOKIE in cookie:
            await app(scope, receive, send)  # a signed-in visitor: their page differs, never shared
            return
        entry = cache.get(key)
        if entry is None and key in filling:
            # A crowd arriving at a cold cache waits for the one render already under way, instead of
            # each rendering (and counting against the address's limit for misses) on its own.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(filling[key].wait(), FILL_WAIT_SECONDS)
            entry = cache.get(key)
        if entry is None:
            await _fill(app, filling, key, scope, receive, send)
            return
        await _answer(scope, send, entry, query, inm, enc, ua, ref)

    return asgi


async def _fill(
    app: ASGIApp, filling: dict[str, asyncio.Event], key: str, scope: Scope, receive: Receive, send: Send
) -> None:
    """Let the routes render a miss (they fill the cache); requests for the same key meanwhile wait for it."""
    done = filling.get(key)
    owner = done is None
    if owner:
        done = filling[key] = asyncio.Event()
    try:
        await app(scope, receive, send)
    finally:
        if owner:
            filling.pop(key, None)
            done.set()


async def _answer(
    scope: Scope, send: Send, entry: Entry, query: str, inm: bytes, enc: bytes, ua: bytes, ref: bytes
) -> None:
    """Send a cached entry: 304 when the client has it, gzip when accepted, count the event on a GET."""
    headers = list(entry.headers)
    if _matches(inm, entry.etag):
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    body = entry.body
    if entry.gzip_body is not None and b"gzip" in enc:
        body = entry.gzip_body
        headers.append((b"content-encoding", b"gzip"))
    headers.append((b"content-length", str(len(body)).encode()))
    is_get = scope["method"] == "GET"
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body if is_get else b""})
    kind = event_for(entry.event, query) if is_get else None
    if kind is not None:
        # The raw header list goes along as it is: language, DNT/GPC and the client address are read at flush.
        buffer.track_request(
            card_id=entry.card_id, kind=kind, headers=scope["headers"], client=scope.get("client"), query=query
        )
