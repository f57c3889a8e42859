"""Browser-facing protections for every response: security headers and the trusted origins of `/_event`.

Pure ASGI middlewares, applied to the whole backend (Reflex pages and their assets, the API, webhooks,
public cards) through `rx.App(api_transformer=[...])`; see `transformers`. The public card fast path
answers before these run, so it adds `headers_for(path)` itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from metaic.api.errors import problem
from metaic.config import Settings, get_settings, origin_of
from metaic.core import cdn
from metaic.web import body_limits

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Headers = list[tuple[bytes, bytes]]

EVENT_PATH = "/_event"
# JSON and operations endpoints: they get the API's headers and policy.
API_PREFIXES = ("/api", "/hooks", "/healthz", "/livez", "/readyz", "/metrics", "/_health", "/ping", EVENT_PATH)
CSP = b"content-security-policy"
FRAME = b"x-frame-options"
# Camera for the card scanner on our own pages; the rest nobody here uses.
PERMISSIONS = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"
HSTS = "max-age=31536000"
# JSON, webhooks and redirects: nothing in them may load anything.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# User files and uploads: never run what someone uploaded (an SVG with a script), even opened directly.
FILE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"
# Public card answers that set no policy of their own (404, redirects, images): the page sets a stricter one.
CARD_CSP = (
    "default-src 'none'; img-src {images}; style-src 'unsafe-inline'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'self'"
)
# Swagger UI (/api/v1/docs): its bundle, starter and styles from this server, inline styles it sets.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

# ReDoc (/api/v1/redoc): its bundle and starter from this server, styles it injects, a blob: worker for search.
REDOC_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src blob:; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'"
)


def _ws_origin(origin: str) -> str:
    """The websocket origin of a page origin (http→ws, https→wss)."""
    return "ws" + origin.removeprefix("http")


def app_csp(settings: Settings) -> str:
    """The policy of the Reflex pages: our own scripts and styles (Reflex inlines some), our websocket,
    images from uploads, data:/blob: previews and the public bucket."""
    origins = settings.allowed_origins
    bucket = origin_of(settings.s3_public_base_url, strict=False)
    images = cdn.sources("'self'", "data:", "blob:", *([bucket] if bucket else []), settings=settings)
    styles = cdn.sources("'self'", "'unsafe-inline'", settings=settings)  # /directory links the card CSS
    # 'self' covers the same-origin websocket in current browsers; the explicit ws(s) origins cover the rest.
    connect = " ".join(["'self'", *origins, *(_ws_origin(origin) for origin in origins)])
    # Reflex inlines its boot scripts in every prerendered page and runs `rx.call_script` through eval().
    return (
        f"default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src {styles}; "
        f"img-src {images}; font-src 'self' data:; connect-src {connect}; media-src 'self' blob:; "
        "worker-src 'self' blob:; manifest-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


def _under(path: str, prefix: str) -> bool:
    """Whether `path` is `prefix` or below it."""
    return path == prefix or path.startswith(prefix + "/")


def _kind(path: str) -> str:
    """Which policy family a response at `path` belongs to."""
    if _under(path, "/api/v1/docs"):
        return "docs"
    if _under(path, "/api/v1/redoc"):
        return "redoc"
    if _under(path, "/c"):
        return "card"
    if _under(path, "/files") or _under(path, "/_upload"):
        return "file"
    if any(_under(path, prefix) for prefix in API_PREFIXES):
        return "api"
    return "app"


def _build(kind: str, settings: Settings) -> Headers:
    """The header set of one policy family."""
    card = CARD_CSP.format(images=cdn.sources("'self'", "data:", settings=settings))
    policies = {"docs": DOCS_CSP, "redoc": REDOC_CSP, "card": card, "file": FILE_CSP, "api": API_CSP}
    csp = policies.get(kind) or app_csp(settings)
    headers = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"permissions-policy", PERMISSIONS.encode()),
        # The card page may be shown in our own frames (its CSP says frame-ancestors 'self'); nothing else.
        (FRAME, b"SAMEORIGIN" if kind == "card" else b"DENY"),
        (CSP, csp.encode()),
    ]
    if settings.is_production:
        headers.append((b"strict-transport-security", HSTS.encode()))
    return headers


# Built once per settings object: the card fast path asks for them on every cached answer.
_BUILT: dict[str, tuple[Settings, Headers]] = {}


def headers_for(path: str) -> Headers:
    """The security headers of a response at `path` (lower-case names, as ASGI carries them; a fresh list)."""
    settings, kind = get_settings(), _kind(path)
    built = _BUILT.get(kind)
    if built is None or built[0] is not settings:
        built = _BUILT[kind] = (settings, _build(kind, settings))
    return list(built[1])


def add_missing(headers: Iterable[tuple[bytes, bytes]], extra: Iterable[tuple[bytes, bytes]]) -> Headers:
    """`headers` plus each of `extra` whose name it lacks: a policy a route set on purpose is kept."""
    result = list(headers)
    present = {name.lower() for name, _ in result}
    result.extend((name, value) for name, value in extra if name not in present)
    return result


class SecurityHeaders:
    """Adds `headers_for(path)` to every HTTP response, keeping any header the route already set."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; complete the response's headers on its way out."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            """Add the missing security headers to the response start."""
            if message["type"] == "http.response.start":
                message = {**message, "headers": add_missing(message.get("headers", []), headers_for(path))}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def origin_allowed(origin: str) -> bool:
    """Whether a browser page at `origin` may act for the signed-in user."""
    return origin.lower() in get_settings().allowed_origins


def _header(scope: Scope, name: bytes) -> str | None:
    """The first value of a request header, or None."""
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


class EventOriginGuard:
    """Refuses Reflex's event channel (`/_event`, websocket or polling) to pages of foreign origins.

    A browser always names the page's origin when it opens a websocket, and sends its cookies along,
    so without this any site could drive a signed-in user's tab state. Clients that are not browsers
    send no Origin and carry no one's cookies; they pass.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Close the handshake (403) when the Origin is present and not trusted."""
        if scope["type"] not in ("http", "websocket") or not _under(scope.get("path", ""), EVENT_PATH):
            await self.app(scope, receive, send)
            return
        origin = _header(scope, b"origin")
        if origin is None or origin_allowed(origin):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            # Closing before accepting makes the server answer the upgrade with 403.
            await send({"type": "websocket.close", "code": 1008, "reason": ""})
            return
        answer = problem(403, "Forbidden", "This origin may not use the event channel.", code="forbidden")
        await answer(scope, receive, send)


def reflex_client_check(get_app: Callable[[], Any]) -> body_limits.TokenCheck:
    """Whether a Reflex client token belongs to a tab with an open event websocket (on any worker)."""

    async def connected(token: str) -> bool:
        """Ask the app's token manager (Redis-wide when Redis holds the state)."""
        namespace = get_app().event_namespace
        if namespace is None:
            return False
        # Reflex 0.10 exposes the cross-worker check only on its (private) token manager.
        manager = getattr(namespace, "_token_manager", None)
        if manager is not None:
            return await manager.is_token_connected(token)
        return token in namespace.token_to_sid

    return connected


def transformers(*, upload_client_known: body_limits.TokenCheck) -> list[Callable[[ASGIApp], ASGIApp]]:
    """The middlewares for `rx.App(api_transformer=[api, *transformers(...)])`, innermost first."""
    return [
        lambda app: body_limits.BodyLimit(app, upload_client_known=upload_client_known),
        EventOriginGuard,
        SecurityHeaders,
    ]
