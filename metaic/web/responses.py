"""Answers shared by the public card routes: rate limit, caching headers, 404/429 pages, redirects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from metaic.api.deps import client_ip
from metaic.api.errors import problem
from metaic.auth import sessions
from metaic.cards.flows import Visitor
from metaic.cards.schemas import PublicCard, SlugRedirect
from metaic.core import cdn, ratelimit
from metaic.core.errors import RateLimited
from metaic.core.kv import REDIS_DOWN
from metaic.web import render, strings

PUBLIC_LIMIT = (120, 60)  # requests per IP per window (seconds), across every public card route
CACHE_PUBLIC = "public, max-age=60, stale-while-revalidate=600"
CACHE_PRIVATE = "private, no-store"
CACHE_REDIRECT = "public, max-age=300"
CACHE_SIGNED_IN = "private, no-cache"  # the page shows a save button only signed-in people see


def limit(request: Request) -> None:
    """Count the request against the caller's per-IP budget (raises RateLimited)."""
    ratelimit.hit(f"public:{client_ip(request)}", limit=PUBLIC_LIMIT[0], window=PUBLIC_LIMIT[1])


def anonymous_visitor(request: Request) -> Visitor:
    """The caller as analytics sees them, without reading any cookie (HEAD requests count nothing)."""
    return Visitor(
        user_agent=request.headers.get("user-agent", ""),
        referrer=request.headers.get("referer", ""),
        count=request.method != "HEAD",
        address=client_ip(request),
        accept_language=request.headers.get("accept-language", ""),
        query=request.url.query,
        private=request.headers.get("dnt") == "1" or request.headers.get("sec-gpc") == "1",
    )


def visitor_of(request: Request, session: Session) -> Visitor:
    """The caller as analytics sees them; the session cookie is read only when present."""
    user_id = None
    token = request.cookies.get(sessions.COOKIE_NAME)
    if token:
        try:
            found = sessions.resolve(session=session, token=token)
        except REDIS_DOWN:  # sessions live in Redis: while it is down the card still shows, to a stranger
            found = None
        user_id = found[0].id if found else None
    return replace(anonymous_visitor(request), user_id=user_id)


def card_headers(card: PublicCard, etag: str) -> dict[str, str]:
    """Caching and indexing headers for a card's responses."""
    headers = {
        "ETag": etag,
        "Cache-Control": CACHE_PUBLIC if card.visibility != "private" else CACHE_PRIVATE,
        "X-Content-Type-Options": "nosniff",
    }
    if card.visibility != "public":
        headers["X-Robots-Tag"] = "noindex"
    return headers


def fresh(request: Request, etag: str) -> bool:
    """True when the client's If-None-Match already names this ETag (weak comparison)."""
    header = request.headers.get("if-none-match", "")
    wanted = {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
    return "*" in wanted or etag.removeprefix("W/") in wanted


# The 404/403/429 pages: our stylesheet (from this site or the CDN) and nothing else.
MESSAGE_CSP = "default-src 'none'; style-src {styles}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


def _styles(html: str) -> str:
    """The page's style sources: our stylesheet (on the CDN when set) and exactly its own inline style block."""
    return cdn.sources("'self'", *render.inline_style_hashes(html))


def message_page(status: int, title: str, message: str, headers: dict[str, str], language: str = "en") -> HTMLResponse:
    """A small branded page for an error answer (title and message already in `language`)."""
    html = render.render_message("message.html", status=status, title=title, message=message, language=language)
    return HTMLResponse(
        html,
        status_code=status,
        headers={**headers, "Content-Security-Policy": MESSAGE_CSP.format(styles=_styles(html))},
    )


def not_found(request: Request | None = None) -> HTMLResponse:
    """The branded 404 page in the visitor's language (never cached, so a card published a moment later shows up)."""
    language = _visitor_language(request)
    t = strings.for_language(language)
    headers = {"Cache-Control": "no-cache", "X-Robots-Tag": "noindex", "Vary": "Accept-Language"}
    return message_page(404, t["not_found"], t["not_found_text"], headers, language=language)


def too_many(exc: RateLimited, *, html: bool, request: Request | None = None) -> Response:
    """429 as a page in the visitor's language for browsers, as problem details for files and counters."""
    headers = {"Retry-After": str(exc.retry_after), "Cache-Control": "no-store"}
    if not html:
        return problem(429, "Rate limited", exc.message, code="rate_limited", headers=headers)
    language = _visitor_language(request)
    t = strings.for_language(language)
    text = t["too_many_text"].format(seconds=exc.retry_after)
    return message_page(429, t["too_many"], text, {**headers, "Vary": "Accept-Language"}, language=language)


def _visitor_language(request: Request | None) -> str:
    """The page language for someone we know nothing else about: their browser's Accept-Language."""
    return strings.preferred_language(request.headers.get("accept-language", "")) if request else "en"


def unavailable(retry_after: int) -> HTMLResponse:
    """The 503 page while the database or Redis is briefly unreachable (never cached)."""
    headers = {"Retry-After": str(retry_after), "Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
    message = "This page is briefly unavailable. Please try again in a few seconds."
    return message_page(503, "Briefly unavailable", message, headers)


def redirect(request: Request, path: str) -> RedirectResponse:
    """301 to a card's current address, keeping the query (such as `?src=qr`)."""
    query = request.url.query
    return RedirectResponse(
        f"{path}?{query}" if query else path, status_code=301, headers={"Cache-Control": CACHE_REDIRECT}
    )


def serve(
    request: Request, found, moved_path: Callable[[str], str], build: Callable[[PublicCard], Response]
) -> Response:
    """Common answers: 404 for nothing, 301 for a former slug, else `build(card)`."""
    if found is None:
        return not_found(request)
    if isinstance(found, SlugRedirect):
        return redirect(request, moved_path(found.slug))
    return build(found)


CSP = (
    "default-src 'none'; img-src * data:; style-src {styles}; script-src '{script}'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'"
)


def page_headers(request: Request, card: PublicCard, etag: str) -> dict[str, str]:
    """Headers of the card page: cache by card, but never share a copy made for a session cookie."""
    headers = card_headers(card, etag)
    headers["Vary"] = "Cookie"
    if request.cookies.get(sessions.COOKIE_NAME) and card.visibility != "private":
        headers["Cache-Control"] = CACHE_SIGNED_IN
    styles = cdn.sources("'self'", "'unsafe-inline'")  # the stylesheet may come from the CDN
    headers["Content-Security-Policy"] = CSP.format(script=render.script_hash(), styles=styles)
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    return headers
