"""Map domain errors to RFC 9457 problem details."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from metaic.core.errors import DomainError, RateLimited

PROBLEM = "application/problem+json"


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


def install(app: FastAPI) -> None:
    """Register the handlers on an app."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(StarletteHTTPException, _http_error)
