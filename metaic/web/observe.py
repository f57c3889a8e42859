"""Every request gets an id and is measured: `X-Request-ID` in and out, latency and count per route template.

The id comes from a trusted reverse proxy's `X-Request-ID` when it is safe to log, else it is made here; it
is returned in the answer, set for the request's logs (metaic/core/logs.py) and carried by the jobs the
request enqueues. Routes are labelled by their template (`/api/v1/contacts/{contact_id}`), never by the raw
path, so the number of series stays bounded. Cached public cards are answered before this middleware
(web/fastpath.py) and are counted through the card cache's own counters, synced by `sync_process_counters`.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from metaic.config import get_settings
from metaic.core import error_reports, metrics, tracing
from metaic.core.net import is_trusted_peer
from metaic.core.request_context import accepted_request_id, new_request_id, reset_request_id, set_request_id
from metaic.web.card_cache import cache

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HEADER = b"x-request-id"
# The QR and preview images also answer under content-hashed names; they count under the plain one.
_CARD_ROUTE = re.compile(r"^/c/[^/]+?(\.vcf|/qr(?:\.[0-9a-f]{16})?\.(?:svg|png)|/preview(?:\.[0-9a-f]{16})?\.png)?$")
_HASH = re.compile(r"\.[0-9a-f]{16}(?=\.)")
_STATIC = re.compile(r"^/(_next|assets)/|\.(js|css|map|png|svg|ico|webmanifest|woff2?|txt|json)$")
SYNC_SECONDS = 5.0


def route_label(scope: Scope) -> str:
    """The route template that answered, or a small fixed class for paths outside the API."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if template:
        return (scope.get("root_path", "") or "") + template
    path = scope.get("path", "")
    for prefix in ("/_event", "/_upload"):
        if path.startswith(prefix):
            return prefix
    match = _CARD_ROUTE.match(path)
    if match:
        return "/c/{slug}" + _HASH.sub("", match.group(1) or "")
    if path.startswith("/c/"):
        return "/c/{slug}/..."
    if _STATIC.search(path):
        return "static"
    return "page"


def _given_id(scope: Scope) -> str | None:
    """The proxy's request id, believed only from a trusted proxy and only when safe to log."""
    peer = (scope.get("client") or ("", 0))[0]
    trusted = get_settings().trusted_proxies
    if not trusted or not is_trusted_peer(peer, trusted):
        return None
    for name, value in scope.get("headers", ()):
        if name == HEADER:
            return accepted_request_id(value.decode("latin-1"))
    return None


class RequestObserver:
    """ASGI middleware: request id, then count and time the answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Set the id for the request's context, add it to the answer, record status and latency."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        rid = _given_id(scope) or new_request_id()
        token = set_request_id(rid)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (HEADER, rid.encode())]
            await send(message)

        try:
            with tracing.span(f"{scope.get('method', 'WS')} {scope['path'][:3]}", kind="server") as span:
                await self.app(scope, receive, send_with_id)
                _finish_span(span, scope, status)
        except Exception as exc:
            user_id = (scope.get("state") or {}).get("user_id")
            error_reports.report(exc, where=scope["type"], route=route_label(scope), user_id=user_id)
            raise
        finally:
            reset_request_id(token)
            if scope["type"] == "http":
                route, method = route_label(scope), scope.get("method", "GET")
                metrics.REQUESTS.labels(route, method, str(status)).inc()
                metrics.LATENCY.labels(route, method).observe(time.perf_counter() - started)


def _finish_span(span, scope: Scope, status: int) -> None:
    """Name the span by its route template (known once routed) and record the status."""
    if span is not None:
        route = route_label(scope)
        span.update_name(f"{scope.get('method', 'WS')} {route}")
        span.set_attribute("http.route", route)
        span.set_attribute("http.response.status_code", status)


_synced = {"hit": 0, "miss": 0}


def sync_process_counters() -> None:
    """Move this process's plain counters (the card cache's hits and misses) into the shared metrics."""
    for result, now in (("hit", cache.hits), ("miss", cache.misses)):
        delta = now - _synced[result]
        if delta > 0:
            metrics.CARD_CACHE.labels(result).inc(delta)
        _synced[result] = now


async def metrics_sync_loop(every: float = SYNC_SECONDS) -> None:
    """Lifespan task: sync the plain counters every few seconds (the hot path never touches a metric)."""
    try:
        while True:
            await asyncio.sleep(every)
            sync_process_counters()
    finally:
        sync_process_counters()
