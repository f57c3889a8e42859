"""Map domain errors to RFC 9457 problem details."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from metaic.core.errors import DomainError, RateLimited
from metaic.core.kv import REDIS_DOWN

log = logging.getLogger(__name__)

PROBLEM = "application/problem+json"
PROBLEM_REF = "#/components/schemas/ProblemDetails"
# What each status means on this API; every one is answered as a ProblemDetails.
PROBLEM_STATUSES = {
    400: "The body could not be read (not UTF-8, not JSON, a broken multipart form).",
    401: "Not signed in, or the token expired or was revoked.",
    403: "Signed in, but not allowed to do this.",
    404: "Not found (also for something that belongs to someone else).",
    409: "Clashes with existing data (a taken name, a message already sent).",
    422: "The input was refused; `errors` names each field.",
    429: "Too many attempts; wait the seconds in Retry-After.",
}


UNAVAILABLE_RETRY_AFTER = 5  # seconds; a restarting database or Redis is usually back within that


class ProblemDetails(BaseModel):
    """An RFC 9457 problem: every 4xx answer of the API, with one message per refused field in `errors`."""

    type: str
    title: str
    status: int
    detail: str
    errors: dict[str, str] | None = None


def problem(
    status: int, title: str, detail: str, *, code: str, errors: dict | None = None, headers: dict | None = None
) -> JSONResponse:
    """A problem-details JSON response."""
    body = {"type": f"https://metaic.dev/problems/{code}", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


async def _domain_error(_request: Request, exc: DomainError) -> JSONResponse:
    """Domain errors carry their own status and a message safe to show."""
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    return problem(
        exc.status,
        exc.code.replace("_", " ").capitalize(),
        exc.message,
        code=exc.code,
        errors=exc.errors or None,
        headers=headers,
    )


async def _request_validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
    """Malformed bodies and parameters become 422 with one message per field."""
    errors = {".".join(str(p) for p in err["loc"] if p != "body") or "body": err["msg"] for err in exc.errors()}
    return problem(422, "Validation error", "Some fields are not valid.", code="validation_error", errors=errors)


async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """Framework HTTP errors (404, 405) as problem details too."""
    return problem(
        exc.status_code,
        str(exc.detail),
        str(exc.detail),
        code=f"http_{exc.status_code}",
        headers=getattr(exc, "headers", None),
    )


def _service_down(page: Callable[[int], Response] | None) -> Callable[[Request, Exception], Any]:
    """A handler answering 503 with Retry-After while the database or Redis cannot be reached."""

    async def handler(request: Request, exc: Exception) -> Response:
        """Problem details for the API (and anything not asking for HTML), `page` for browsers."""
        log.warning("%s %s: a service is unreachable (%s)", request.method, request.url.path, type(exc).__name__)
        wants_html = "text/html" in request.headers.get("accept", "")
        if page is not None and wants_html and not request.url.path.startswith("/api/"):
            return page(UNAVAILABLE_RETRY_AFTER)
        headers = {"Retry-After": str(UNAVAILABLE_RETRY_AFTER), "Cache-Control": "no-store"}
        detail = "A service this needs is briefly unavailable; try again in a few seconds."
        return problem(503, "Service unavailable", detail, code="service_unavailable", headers=headers)

    return handler


def _statuses(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    """The problem statuses an operation documents: 401, 403, 422 and 429 always, 404 with an id in the path,
    409 for writes, 400 when it reads a body."""
    statuses = [401, 403, 422, 429]
    statuses += [400] if "requestBody" in operation else []
    statuses += [404] if "{" in path else []
    statuses += [409] if method in ("post", "put", "patch") else []
    return [str(s) for s in sorted(statuses)]


def _problem_response(status: str, existing: dict[str, Any] | None) -> dict[str, Any]:
    """A documented problem answer, keeping a route's own description (FastAPI's default 422 is replaced)."""
    own = (existing or {}).get("description")
    answer: dict[str, Any] = {
        "description": own if own and own != "Validation Error" else PROBLEM_STATUSES.get(int(status), "Refused."),
        "content": {PROBLEM: {"schema": {"$ref": PROBLEM_REF}}},
    }
    if status == "429":
        answer["headers"] = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}
    return answer


def _add_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Document the problem answers of every /api/v1 operation (and any 4xx a route names) as ProblemDetails."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas["ProblemDetails"] = ProblemDetails.model_json_schema(ref_template="#/components/schemas/{model}")
    for path, operations in schema.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            named = [s for s in responses if s.startswith("4")]  # a route's own 4xx (413, ...) is a problem too
            for status in {*_statuses(path, method, operation), *named}:
                responses[status] = _problem_response(status, responses.get(status))
            operation["responses"] = dict(sorted(responses.items()))
    for unused in ("HTTPValidationError", "ValidationError"):  # FastAPI's 422 body, which this API never sends
        if f"#/components/schemas/{unused}" not in json.dumps(schema):
            schemas.pop(unused, None)
    return schema


def _document_problems(app: FastAPI) -> None:
    """Make /api/v1/openapi.json list the problem answers with their schema (FastAPI's documented override)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        """FastAPI's document, with the problem answers added."""
        return _add_problems(build())

    app.openapi = openapi


def install(app: FastAPI, *, unavailable_page: Callable[[int], Response] | None = None) -> None:
    """Register the handlers on an app, and document the problem answers they give.

    A lost database or Redis connection answers 503 with Retry-After (`unavailable_page(seconds)` for
    browsers on non-API paths) instead of a 500: the pool reconnects once the server is back.
    """
    app.add_exception_handler(DomainError, _domain_error)
    down = _service_down(unavailable_page)
    for error in (OperationalError, InterfaceError, *REDIS_DOWN):
        app.add_exception_handler(error, down)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    _document_problems(app)
