"""Request body caps enforced before any route reads a byte, and Reflex uploads only from live tabs.

Reflex's `/_upload` and a plain `await request.body()` read whatever arrives: a stranger could stream
hundreds of megabytes at a webhook or at `/_upload` (with a made-up client token) before being refused.
This middleware answers 413 from the declared Content-Length alone, and buffers a chunked body only up
to the cap of its path, so an oversized body is never pulled in full.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from metaic.api import files_routes, inbound_routes, notifications_routes
from metaic.api.errors import problem
from metaic.config import get_settings
from metaic.contacts.imports import MAX_IMPORT_BYTES

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
TokenCheck = Callable[[str], Awaitable[bool]]

UPLOAD_PATH = "/_upload"
# Room for the multipart boundaries and small fields around a file.
ENVELOPE_BYTES = 1_000_000
# Everything else is a form or a JSON document; nginx's default is 1 MB, we allow a little more.
DEFAULT_BYTES = 2_000_000


def limits() -> list[tuple[str, int]]:
    """(path prefix, largest body in bytes), most specific first; paths not listed get DEFAULT_BYTES."""
    image_bytes = get_settings().max_upload_mb * 1_000_000
    return [
        # The builder's images and the contacts import both arrive through Reflex's upload route.
        (UPLOAD_PATH, max(image_bytes, MAX_IMPORT_BYTES) + ENVELOPE_BYTES),
        ("/api/v1/files", image_bytes + files_routes.ENVELOPE_BYTES),
        ("/api/v1/contacts/imports", MAX_IMPORT_BYTES + ENVELOPE_BYTES),
        ("/hooks/sendgrid/inbound", inbound_routes.MAX_EMAIL_BYTES),
        ("/hooks/sendgrid", notifications_routes.MAX_WEBHOOK_BYTES),
        ("/hooks/twilio", inbound_routes.MAX_TWILIO_BYTES),
    ]


def limit_for(path: str) -> int:
    """The largest request body accepted at `path`."""
    for prefix, cap in limits():
        if path == prefix or path.startswith(prefix + "/"):
            return cap
    return DEFAULT_BYTES


def _headers(scope: Scope) -> dict[bytes, bytes]:
    """The request headers by lower-case name (the last of repeated ones)."""
    return {name.lower(): value for name, value in scope.get("headers", [])}


def too_large(cap: int):
    """The 413 answer, closing the connection since the body stays unread."""
    detail = f"The request body is larger than the {cap / 1_000_000:g} MB this address accepts."
    return problem(413, "Payload too large", detail, code="payload_too_large", headers={"Connection": "close"})


class ClientGone(Exception):
    """The client disconnected before its body was complete."""


def _replay(first: Message, receive: Receive) -> Receive:
    """A receive that hands over the buffered body once, then the real channel (disconnect notices)."""
    pending: list[Message] = [first]

    async def replayed() -> Message:
        """The buffered body first, then whatever the server sends next."""
        return pending.pop() if pending else await receive()

    return replayed


def _counted(receive: Receive, cap: int) -> Receive:
    """A receive that reports a disconnect instead of passing more than `cap` bytes on (belt and braces:
    the server already stops at the declared Content-Length)."""
    total = 0

    async def counted() -> Message:
        """The next body chunk while under the cap."""
        nonlocal total
        message = await receive()
        if message["type"] == "http.request":
            total += len(message.get("body", b""))
            if total > cap:
                return {"type": "http.disconnect"}
        return message

    return counted


class BodyLimit:
    """Refuses bodies over their path's cap (413) and uploads from unknown Reflex clients (403) unread."""

    def __init__(self, app: ASGIApp, *, upload_client_known: TokenCheck):
        self.app = app
        self.upload_client_known = upload_client_known

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the headers, then pass the request on with its body capped."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, headers = scope.get("path", ""), _headers(scope)
        if path == UPLOAD_PATH and scope.get("method") == "POST" and not await self._client_known(headers):
            refusal = problem(403, "Forbidden", "Upload from an open page of the app.", code="forbidden")
            await refusal(scope, receive, send)
            return
        cap = limit_for(path)
        declared = headers.get(b"content-length")
        if declared is not None and declared.strip().isdigit():
            if int(declared) > cap:
                await too_large(cap)(scope, receive, send)
                return
            await self.app(scope, _counted(receive, cap), send)
            return
        if b"chunked" not in headers.get(b"transfer-encoding", b"").lower():
            await self.app(scope, receive, send)
            return
        try:
            body = await self._buffer(receive, cap)
        except ClientGone:
            return
        if body is None:
            await too_large(cap)(scope, receive, send)
            return
        first = {"type": "http.request", "body": body, "more_body": False}
        await self.app(scope, _replay(first, receive), send)

    async def _client_known(self, headers: dict[bytes, bytes]) -> bool:
        """Whether the upload names the client token of a connected tab."""
        token = headers.get(b"reflex-client-token", b"").decode("latin-1").strip()
        if not token:
            return False
        return await self.upload_client_known(token)

    @staticmethod
    async def _buffer(receive: Receive, cap: int) -> bytes | None:
        """A chunked body read up to `cap` bytes; None as soon as it passes the cap (the rest stays unread)."""
        chunks, total = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise ClientGone  # never hand the app a truncated body as if it were whole
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > cap:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)
