"""Counted edges of the card page: link clicks through `/c/{slug}/l/{key}`, and the time zone beacon.

A link on the card points at `/c/{slug}/l/s0` (social link 0), `/l/web` (the business website) or
`/l/w2` (work item 2); its title shows the target, and the redirect works without JavaScript. The key
names a link of the card's own published content, so the route can only send visitors where the card
itself links (no open redirect), and only to http(s) addresses.

The beacon (`POST /c/{slug}/b?tz=Europe/Paris`, sent by the page's script) reports the browser's time
zone; the analytics flush turns it into the country of that visitor's views. It answers 204 and is
never cached.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from metaic.analytics import buffer
from metaic.api.deps import db_session
from metaic.cards import flows
from metaic.cards.public import get_public
from metaic.cards.schemas import CardContent, PublicCard
from metaic.core.errors import RateLimited
from metaic.web.card_cache import cache
from metaic.web.responses import anonymous_visitor, limit, not_found, serve, too_many, visitor_of

router = APIRouter(include_in_schema=False)


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
        return too_many(exc, html=True)
    visitor = visitor_of(request, session)
    found = get_public(session=session, slug=slug, viewer_id=visitor.user_id)

    def build(card: PublicCard) -> Response:
        target = link_target(card.content, key)
        if target is None:
            return not_found()
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
