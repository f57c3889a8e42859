"""Idempotency keys: claim a key before a create runs, keep its answer, replay that answer to a retry.

A key belongs to one owner and lives 24 hours. The first request claims it (a row without an answer); a
second request with the same key while the first runs is a Conflict, with a different body a ValidationError,
and after the first succeeded it gets the stored answer back. Only successful answers are kept: a refused
request releases its key, so the client can correct the body and send it again under the same key.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, delete, select

from metaic.core import clock
from metaic.core.errors import Conflict, ValidationError
from metaic.idempotency.models import IdempotencyKey

TTL = timedelta(hours=24)
# A claim without an answer this old was lost with its process (a crash, a deploy): the key may be used again.
ABANDONED_AFTER = timedelta(minutes=2)
MAX_KEY_CHARS = 255
KEPT_HEADERS = ("content-type", "location")
FIELD = "Idempotency-Key"


@dataclass(frozen=True)
class StoredAnswer:
    """The answer first given to a key: status, body and the headers worth repeating."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def fingerprint(method: str, path: str, body: bytes) -> str:
    """The SHA-256 of what was asked: the same key with another request is refused."""
    digest = hashlib.sha256(f"{method.upper()} {path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def check_key(key: str) -> str:
    """The key if usable (1 to 255 visible ASCII characters); ValidationError otherwise."""
    if not key or len(key) > MAX_KEY_CHARS or not all(33 <= ord(c) <= 126 for c in key):
        message = f"An {FIELD} is 1 to {MAX_KEY_CHARS} visible ASCII characters (a UUID is ideal)."
        raise ValidationError(message, field=FIELD)
    return key


def _busy() -> Conflict:
    """The refusal of a twin that arrives while the first request runs."""
    return Conflict(f"A request with this {FIELD} is still being processed; retry in a moment.", field=FIELD)


def claim(*, session: Session, owner_id: uuid.UUID, key: str, request_hash: str) -> uuid.UUID | StoredAnswer:
    """Claim `key` for a request (returns the claim's id) or return the answer a finished twin got."""
    now = clock.now()
    session.exec(delete(IdempotencyKey).where(IdempotencyKey.owner_id == owner_id, IdempotencyKey.expires_at < now))
    query = select(IdempotencyKey).where(IdempotencyKey.owner_id == owner_id, IdempotencyKey.key == check_key(key))
    found = session.exec(query).first()
    if found is not None:
        if found.request_hash != request_hash:
            raise ValidationError(f"This {FIELD} was already used with a different request.", field=FIELD)
        if found.status_code is not None:
            return StoredAnswer(found.status_code, found.response_body.encode(), dict(found.response_headers))
        if now - clock.as_utc(found.created_at) < ABANDONED_AFTER:
            raise _busy()
        session.delete(found)
        session.flush()
    row = IdempotencyKey(owner_id=owner_id, key=key, request_hash=request_hash, created_at=now, expires_at=now + TTL)
    session.add(row)
    try:
        session.flush()
    except IntegrityError:  # a twin claimed it between our read and our insert
        raise _busy() from None
    return row.id


def complete(*, session: Session, claim_id: uuid.UUID, status: int, body: bytes, headers: dict[str, str]) -> None:
    """Keep the answer of a claimed request, for its retries."""
    row = session.get(IdempotencyKey, claim_id)
    if row is None:
        return
    row.status_code = status
    row.response_body = body.decode("utf-8", errors="replace")
    row.response_headers = {name: value for name, value in headers.items() if name in KEPT_HEADERS}
    session.add(row)


def release(*, session: Session, claim_id: uuid.UUID) -> None:
    """Forget a claim whose request failed, so the key can be used again."""
    session.exec(delete(IdempotencyKey).where(IdempotencyKey.id == claim_id))


def purge_expired(*, session: Session) -> int:
    """Delete every expired key (claims also drop their owner's expired keys as they go)."""
    result = session.exec(delete(IdempotencyKey).where(IdempotencyKey.expires_at < clock.now()))
    return result.rowcount or 0
