"""Counted edges of the card page: link clicks through `/c/{slug}/l/{key}`, and the time zone beacon.

A link on the card points at `/c/{slug}/l/s0` (social link 0), `/l/web` (the business website) or
`/l/w2` (work item 2); its title shows the target, and the redirect works without JavaScript. The key
names a link of the card's own published content, so the route can only send visitors where the card
itself links (no open redirect), and only to http(s) addresses.

The beacon (`POST /c/{slug}/b?tz=Europe/Paris`, sent by the page's script) reports the browser's time
zone; the analytics flush turns it into the country of that visitor's views. It answers 204 and is
never cached.

Custom events (`POST /c/{slug}/e?event=wallet_apple`): a pass added to a wallet, a tap on "call" or
"directions", from our own pages or apps. Only allow-listed names; per-address-and-card and per-card
limits; the same rules as views (bots dropped at flush, DNT/GPC counted without a hash, the owner's own
never counted, no address stored); queued for the next batch, never a synchronous INSERT. Browsers may
call it from our own origins only: others get no CORS headers, and a POST naming another origin is refused.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from metaic.analytics import buffer
from metaic.analytics.models import CUSTOM_EVENTS
from metaic.api.deps import client_ip, db_session
from metaic.api.errors import problem
from metaic.auth import sessions
from metaic.cards import flows
from metaic.cards.public import get_public
from metaic.cards.schemas import CardContent, PublicCard
from metaic.config import get_settings
from metaic.core import ratelimit
from metaic.core.errors import RateLimited
from metaic.web.card_cache import cache
from metaic.web.responses import anonymous_visitor, limit, not_found, serve, too_many, visitor_of

router = APIRouter(include_in_schema=False)

EVENT_LIMIT = (30, 60)  # custom events per address and card, per minute
CARD_EVENT_LIMIT = (600, 60)  # custom events per card from everyone, per minute
NO_STORE = {"Cache-Control": "no-store"}


def is_counted(url: str) -> bool:
    """True for the addresses a card's links may be redirected to (http and https only)."""
    return url.strip().lower().startswith(("http://", "https://"))


def link_target(content: CardContent, key: str) -> str | None:
    """The address a link key names in the card's content, or None (unknown key, or not http/https)."""
    target = ""
    if key == "web":
        target = content.business.website
    elif key[:1] in ("s", "w") and key[1:].isdigit():
        index = int(key[1:])
        items = content.socials if key[0] == "s" else content.works
        if index < len(items):
            target = items[index].url if key[0] == "s" else items[index].link
    return target.strip() if target and is_counted(target) else None


@router.api_route("/c/{slug}/l/{key}", methods=["GET", "HEAD"])
def card_link(
    slug: str, key: str, request: Request, session: Session = Depends(db_session, scope="function")
) -> Response:
    """Count a click on one of the card's links and send the visitor on to it."""
    try:
        limit(request)
    except RateLimited as exc:
        return too_many(exc, html=True, request=request)
    visitor = visitor_of(request, session)
    found = get_public(session=session, slug=slug, viewer_id=visitor.user_id)

    def build(card: PublicCard) -> Response:
        target = link_target(card.content, key)
        if target is None:
            return not_found(request)
        flows.record(card, visitor, "link_click", target=target)
        return RedirectResponse(target, status_code=302, headers={"Cache-Control": "no-store"})

    return serve(request, found, lambda s: f"/c/{s}/l/{key}", build)


@router.post("/c/{slug}/b")
def card_beacon(slug: str, request: Request, tz: str = "") -> Response:
    """Take the browser's time zone for the country of this visitor's recent views (best effort, 204)."""
    try:
        limit(request)
    except RateLimited as exc:
        return too_many(exc, html=False)
    entry = cache.get(f"/c/{slug}")
    if entry is not None and tz:
        visitor = anonymous_visitor(request)
        buffer.track(
            card_id=entry.card_id,
            kind=buffer.BEACON,
            user_agent=visitor.user_agent,
            target=tz[:64],
            address=visitor.address,
            private=visitor.private,
        )
    return Response(status_code=204, headers={"Cache-Control": "no-store"})


def own_origin(request: Request) -> str | None:
    """The request's Origin when it is one of ours (configured, or this host); "" when absent; None: foreign."""
    origin = request.headers.get("origin", "")
    if not origin:
        return ""
    if origin in get_settings().allowed_origins or urlsplit(origin).netloc == request.headers.get("host", ""):
        return origin
    return None


def _cors(origin: str) -> dict[str, str]:
    """CORS headers for one of our own origins (none when the request named no origin)."""
    if not origin:
        return {}
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


@router.options("/c/{slug}/e")
def card_event_preflight(slug: str, request: Request) -> Response:
    """Let our own origins POST custom events; every other origin gets no CORS headers."""
    origin = own_origin(request)
    if not origin:
        return Response(status_code=403, headers=NO_STORE)
    headers = {**_cors(origin), "Access-Control-Allow-Methods": "POST", "Access-Control-Max-Age": "600"}
    return Response(status_code=204, headers={**headers, **NO_STORE})


def _event_card(slug: str, request: Request, session: Session):
    """(card id, visitor) for a custom event: the cached page's card for strangers, a read only when the
    request carries a session cookie (it may be the owner, whose own events are not counted) or misses."""
    entry = None if request.cookies.get(sessions.COOKIE_NAME) else cache.get(f"/c/{slug}")
    if entry is not None:
        return entry.card_id, anonymous_visitor(request)
    visitor = visitor_of(request, session)
    found = get_public(session=session, slug=slug, viewer_id=visitor.user_id)
    if not isinstance(found, PublicCard):
        return None, visitor
    if visitor.user_id is not None and visitor.user_id == found.owner_id:
        return found.card_id, None
    return found.card_id, visitor


@router.post("/c/{slug}/e")
def card_custom_event(
    slug: str, request: Request, event: str = "", session: Session = Depends(db_session, scope="function")
) -> Response:
    """Count an allow-listed custom event of a card (202: queued for the next batch)."""
    origin = own_origin(request)
    if origin is None:
        return problem(403, "Forbidden", "Cross-site event refused.", code="forbidden", headers=NO_STORE)
    headers = {**_cors(origin), **NO_STORE}
    try:
        limit(request)
        ratelimit.hit(f"event:{client_ip(request)}:{slug}", limit=EVENT_LIMIT[0], window=EVENT_LIMIT[1])
        ratelimit.hit(f"event-card:{slug}", limit=CARD_EVENT_LIMIT[0], window=CARD_EVENT_LIMIT[1])
    except RateLimited as exc:
        return too_many(exc, html=False)
    if event not in CUSTOM_EVENTS:
        detail = f"Choose one of: {', '.join(CUSTOM_EVENTS)}."
        return problem(422, "Unknown event", detail, code="validation_error", headers=headers)
    card_id, visitor = _event_card(slug, request, session)
    if card_id is None:
        return problem(404, "Not found", "Card not found.", code="not_found", headers=headers)
    if visitor is not None and visitor.count:
        buffer.track(
            card_id=card_id,
            kind="custom",
            user_agent=visitor.user_agent,
            referrer=visitor.referrer,
            target=event,
            accept_language=visitor.accept_language,
            address=visitor.address,
            private=visitor.private,
        )
    return Response(status_code=202, headers=headers)
