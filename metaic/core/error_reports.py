"""Error tracking: with SENTRY_DSN set, unexpected errors of requests and jobs are reported to Sentry.

Reports are explicit (the request middleware and the job runners call `report`), not collected by the
SDK's automatic integrations, so nothing is sent that we did not choose: the exception and its stack
(without local variables), the request id, the route, the kind of work, and the account's id. Cookies,
headers, query strings, bodies, breadcrumbs, log lines and e-mail addresses never leave the process.
"""

from __future__ import annotations

import uuid
from typing import Any

from metaic.core.logs import mask
from metaic.core.request_context import current_request_id

_state = {"on": False}


def setup(settings) -> bool:
    """Turn reporting on when SENTRY_DSN is set (idempotent); True when on."""
    if not settings.sentry_dsn:
        return False
    if _state["on"]:
        return True
    import sentry_sdk

    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        environment=settings.environment,
        default_integrations=False,
        auto_enabling_integrations=False,
        max_breadcrumbs=0,
        auto_session_tracking=False,
        send_client_reports=False,
        before_send=scrub,
    )
    _state["on"] = True
    return True


def enabled() -> bool:
    """Whether errors are reported."""
    return _state["on"]


def report(exc: BaseException, *, where: str, user_id: uuid.UUID | str | None = None, route: str = "") -> None:
    """Send one unexpected error with the request id, the route or job and the account id (no personal data)."""
    if not _state["on"]:
        return
    import sentry_sdk

    with sentry_sdk.new_scope() as scope:
        scope.set_tag("request_id", current_request_id() or "")
        scope.set_tag("where", where)
        if route:
            scope.set_tag("route", route)
        if user_id:
            scope.set_user({"id": str(user_id)})
        sentry_sdk.capture_exception(exc)


def flush(timeout: float = 2.0) -> None:
    """Wait until queued reports are sent (tests, shutdown)."""
    if _state["on"]:
        import sentry_sdk

        sentry_sdk.flush(timeout=timeout)


def shutdown() -> None:
    """Stop reporting (tests switch it off again)."""
    if _state["on"]:
        import sentry_sdk

        sentry_sdk.get_client().close(timeout=2)
        sentry_sdk.init()
    _state["on"] = False


def scrub(event: dict[str, Any], _hint: Any) -> dict[str, Any]:
    """Keep only what identifies the error: no request data, no local variables, the user by id only."""
    for key in ("request", "breadcrumbs", "extra", "server_name", "modules"):
        event.pop(key, None)
    user = event.get("user") or {}
    event["user"] = {"id": user["id"]} if user.get("id") else {}
    for exception in (event.get("exception") or {}).get("values", []):
        exception["value"] = mask(str(exception.get("value") or ""))  # e-mails, tokens, numbers in a message
        _scrub_frames(exception)
    for thread in (event.get("threads") or {}).get("values", []):
        _scrub_frames(thread)
    return event


def _scrub_frames(holder: dict[str, Any]) -> None:
    """Drop local variables from every frame and mask personal data in the source lines shown."""
    for frame in (holder.get("stacktrace") or {}).get("frames", []):
        frame.pop("vars", None)
        if "context_line" in frame:
            frame["context_line"] = mask(frame["context_line"] or "")
        for key in ("pre_context", "post_context"):
            frame[key] = [mask(line or "") for line in frame.get(key) or []]
