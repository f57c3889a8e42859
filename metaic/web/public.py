"""Public card routes: the `/c/{slug}` page, rendered on the server from the published snapshot.

The routes it links to live beside it, by role: downloads.py (vCard, QR codes, preview image) and
visitors.py (shares, share-back, save); responses.py holds what they all answer with.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from metaic.ai import summaries
from metaic.api.deps import db_session
from metaic.cards import flows
from metaic.cards.photo import image_sources
from metaic.cards.schemas import PublicCard
from metaic.core.errors import RateLimited
from metaic.web import card_events, downloads, forms, moderation, visitors
from metaic.web.card_cache import cache
from metaic.web.fastpath import is_qr_source, remember
from metaic.web.responses import (
    CACHE_PUBLIC,
    PUBLIC_LIMIT,
    fresh,
    limit,
    not_found,
    page_headers,
    serve,
    too_many,
    visitor_of,
)

__all__ = ["CACHE_PUBLIC", "PUBLIC_LIMIT", "router"]

router = APIRouter(include_in_schema=False)
# "/c/{slug}" also matches "/c/{slug}.vcf": the more specific routes go first.
router.include_router(downloads.router)
router.include_router(visitors.router)
router.include_router(card_events.router)
router.include_router(moderation.router)


@router.api_route("/c/{slug}", methods=["GET", "HEAD"])
def card_page(
    slug: str,
    request: Request,
    src: str = "",
    shared: str = "",
    saved: str = "",
    session: Session = Depends(db_session, scope="function"),
) -> Response:
    """The public card page, rendered on the server from the published snapshot."""
    try:
        limit(request)  # only misses get here: cached pages are answered by web/fastpath.py, unlimited
    except RateLimited as exc:
        return too_many(exc, html=True, request=request)
    generation = cache.generation  # before reading, so a change made meanwhile is never cached over
    visitor = visitor_of(request, session)
    found = flows.view(session=session, slug=slug, visitor=visitor, scan=is_qr_source(src))
    signed_in = visitor.user_id is not None

    def build(card: PublicCard) -> Response:
        # Read once per render: cached pages (web/fastpath.py) carry it, and a new summary drops them (ai/jobs.py).
        summary = summaries.card_summary(session=session, card_id=card.card_id) or ""
        etag = forms.etag(card, signed_in=signed_in, shared=bool(shared), saved=bool(saved), summary=summary)
        headers = page_headers(request, card, etag)
        if fresh(request, etag):
            return Response(status_code=304, headers=headers)
        html = forms.render_page(
            card,
            preview=card.visibility == "private",
            signed_in=signed_in,
            saved=bool(saved),
            form=forms.ShareForm(sent=bool(shared)),
            images=image_sources(session=session, content=card.content, avatar_file_id=card.avatar_file_id),
            summary=summary,
        )
        response = HTMLResponse(html, headers=headers)
        if not shared and not saved:
            remember(
                request=request,
                card=card,
                response=response,
                event="view",
                signed_in=signed_in,
                generation=generation,
            )
        return response

    if found is None:  # a card an admin took down says so (410), rather than "not found"
        return moderation.takedown_notice(session, slug) or not_found(request)
    return serve(request, found, lambda s: f"/c/{s}", build)
