"""Strong ETags for single resources: `If-None-Match` answers 304, a stale `If-Match` on a write answers 412.

A route reads `if_none_match: IfNoneMatch = None` (GET) or `if_match: IfMatch = None` (PUT/PATCH) and calls
`answer(...)` with what it returns, or `require(...)` with the current representation before it writes.
The tag is a digest of the JSON answer itself, so it changes exactly when the answer does.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import Header, Response
from pydantic import BaseModel

from metaic.core.errors import DomainError

IfNoneMatch = Annotated[
    str | None,
    Header(max_length=1000, description="An ETag from an earlier answer: 304 Not Modified while it still matches."),
]
IfMatch = Annotated[
    str | None,
    Header(max_length=1000, description="The ETag the change is based on: 412 if the resource changed since."),
]
_ETAG_HEADER = {"ETag": {"description": "A strong tag of this answer.", "schema": {"type": "string"}, "required": True}}
READ_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"headers": _ETAG_HEADER},
    304: {"description": "Not modified: the If-None-Match ETag is current."},
}
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"headers": _ETAG_HEADER},
    412: {"description": "Precondition failed: the If-Match ETag is not the current one (someone changed it)."},
}


class PreconditionFailed(DomainError):
    """The client's copy is out of date (If-Match did not match)."""

    status = 412
    code = "precondition_failed"


def of(body: BaseModel) -> str:
    """The strong ETag of an answer: a digest of its JSON."""
    return '"' + hashlib.sha256(body.model_dump_json().encode()).hexdigest()[:32] + '"'


def _tags(header: str) -> list[str]:
    """The entity tags of an If-Match / If-None-Match header."""
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def answer(body: BaseModel, response: Response, if_none_match: str | None = None) -> Any:
    """`body` with its ETag, or an empty 304 when the client's tag is current (weak comparison, RFC 9110)."""
    tag = of(body)
    if if_none_match and any(t == "*" or t.removeprefix("W/") == tag for t in _tags(if_none_match)):
        return Response(status_code=304, headers={"ETag": tag})
    response.headers["ETag"] = tag
    return body


def require(current: BaseModel, if_match: str | None) -> None:
    """Refuse a write based on an out-of-date copy (strong comparison); no If-Match means no condition."""
    if if_match is None:
        return
    tag = of(current)
    if not any(t == "*" or t == tag for t in _tags(if_match)):
        raise PreconditionFailed("The resource changed since you read it: GET it again and reapply your change.")
