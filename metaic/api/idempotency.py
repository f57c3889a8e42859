"""`Idempotency-Key` on create routes: one dependency claims the key, one middleware keeps or replays the answer.

A create route lists `dependencies=[IDEMPOTENT]`. With the header, the dependency claims the key for the
caller (metaic/idempotency/service.py); a finished twin's answer is sent again with `Idempotent-Replayed:
true`. The middleware holds back the answer of a claimed request until it is stored, so a retry that
arrives right after the first answer already finds it; a refused or failed request releases the key.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from metaic.api.deps import current_user
from metaic.auth.models import User
from metaic.db import session_scope
from metaic.idempotency import service
from metaic.idempotency.service import StoredAnswer

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
_STATE = "metaic.idempotency_claim"


class Replay(Exception):
    """Raised by the dependency when the key already has an answer: the handler sends it again."""

    def __init__(self, answer: StoredAnswer):
        super().__init__("replay")
        self.answer = answer


def _claim(owner_id: uuid.UUID, key: str, digest: str) -> uuid.UUID | StoredAnswer:
    """Claim the key in its own committed transaction (so a concurrent twin sees it)."""
    with session_scope() as session:
        return service.claim(session=session, owner_id=owner_id, key=key, request_hash=digest)


async def idempotent(
    request: Request,
    idempotency_key: str | None = Header(
        None,
        alias=HEADER,
        max_length=service.MAX_KEY_CHARS,
        description="A unique value (a UUID) per create: a retry with the same key and body gets the first answer "
        "again (`Idempotent-Replayed: true`) for 24 hours instead of creating twice.",
    ),
    user: User = Depends(current_user),
) -> None:
    """Claim the request's key for the caller, or replay the answer its first use got."""
    if idempotency_key is None:
        return
    digest = service.fingerprint(request.method, request.url.path, await request.body())
    found = await run_in_threadpool(_claim, user.id, idempotency_key, digest)
    if isinstance(found, StoredAnswer):
        raise Replay(found)
    request.scope.setdefault("state", {})[_STATE] = found


IDEMPOTENT = Depends(idempotent)


async def _replay(_request: Request, exc: Replay) -> Response:
    """The stored answer, marked as a replay."""
    headers = {**exc.answer.headers, REPLAYED: "true"}
    return Response(content=exc.answer.body, status_code=exc.answer.status, headers=headers)


def _finish(claim_id: uuid.UUID, status: int, body: bytes, headers: dict[str, str]) -> None:
    """Keep a successful answer; release the key of anything else."""
    with session_scope() as session:
        if 200 <= status < 300:
            service.complete(session=session, claim_id=claim_id, status=status, body=body, headers=headers)
        else:
            service.release(session=session, claim_id=claim_id)


class IdempotencyMiddleware:
    """Stores the answer of a request whose key was claimed, before sending it (pure ASGI)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        """Pass everything through; buffer and store only the answer of a claimed request."""
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        held: list[dict] = []

        async def capture(message: dict) -> None:
            """Hold a claimed request's answer until the last body part, store it, then send it all."""
            claim_id = scope.get("state", {}).get(_STATE)
            if claim_id is None:
                await send(message)
                return
            held.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                start = held[0]
                headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start.get("headers", [])}
                body = b"".join(m.get("body", b"") for m in held if m["type"] == "http.response.body")
                scope["state"].pop(_STATE)
                await run_in_threadpool(_finish, claim_id, start["status"], body, headers)
                for part in held:
                    await send(part)

        try:
            await self.app(scope, receive, capture)
        except BaseException:
            claim_id = scope.get("state", {}).pop(_STATE, None)
            if claim_id is not None:
                await run_in_threadpool(_finish, claim_id, 500, b"", {})
            raise


def install(api: FastAPI) -> None:
    """Replay stored answers and keep new ones on `api`."""
    api.add_exception_handler(Replay, _replay)
    api.add_middleware(IdempotencyMiddleware)
