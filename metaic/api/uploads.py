"""Reading multipart uploads safely: a hard byte cap while streaming, then Starlette's form parser."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request

from metaic.core.errors import DomainError


async def read_capped(request: Request, cap: int, too_large: Callable[[], DomainError]) -> bytes:
    """Read the request body, raising `too_large()` (a 413) as soon as it passes `cap` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise too_large()
    chunks, total = [], 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > cap:
            raise too_large()
        chunks.append(chunk)
    return b"".join(chunks)


async def form_of(request: Request, body: bytes, *, max_files: int = 1, max_fields: int = 4):
    """Parse an already-read form body (by default one file and a few fields)."""
    sent = False

    async def receive() -> dict:
        """Hand the buffered body to Starlette's parser once."""
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return await Request(request.scope, receive).form(max_files=max_files, max_fields=max_fields)
