"""What visitors send from a card page: shares, their own details for the owner, and saving the card."""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from metaic.analytics.models import SHARE_CHANNELS
from metaic.api.deps import client_ip, db_session, require_same_origin
from metaic.api.errors import problem
from metaic.auth import sessions
from metaic.cards import flows
from metaic.cards.photo import image_sources
from metaic.cards.schemas import PublicCard, SlugRedirect
from metaic.contacts import enrichment, sharing
from metaic.core import ratelimit
from metaic.core.errors import NotFound, PermissionDenied, RateLimited, ValidationError
from metaic.web import forms, render, strings
from metaic.web.responses import (
    anonymous_visitor,
    limit,
    message_page,
    not_found,
    page_headers,
    serve,
    too_many,
    visitor_of,
)

router = APIRouter(include_in_schema=False)

SHARE_LIMIT = (20, 60)  # share counts per IP and card


@router.get("/c/{slug}/share/{channel}")
def card_share_link(
    slug: str, channel: str, request: Request, session: Session = Depends(db_session, scope="function")
) -> Response:
    """Count a share and send the visitor on to WhatsApp, their mail app or LinkedIn (works without JavaScript)."""
    try:
        limit(request)
    except RateLimited as exc:
        return too_many(exc, html=True, request=request)
    if channel not in ("whatsapp", "email", "linkedin"):
        return not_found(request)
    found = flows.share(session=session, slug=slug, channel=channel, visitor=visitor_of(request, session))

    def build(card: PublicCard) -> Response:
        target = render.share_target(
            channel, url=render.public_url(card.slug), name=card.content.name, language=card.content.language
        )
        return RedirectResponse(target, status_code=302, headers={"Cache-Control": "no-store"})

    return serve(request, found, lambda s: f"/c/{s}/share/{channel}", build)


@router.post("/c/{slug}/share")
def card_share_count(
    slug: str, request: Request, channel: str = Form(...), session: Session = Depends(db_session, scope="function")
) -> Response:
    """Count a share made in the browser (copy link, native share sheet).

    It only bumps a counter, so it takes no cookie and needs no CSRF token; a per-IP limit keeps it honest.
    """
    try:
        limit(request)
        ratelimit.hit(f"share:{client_ip(request)}:{slug}", limit=SHARE_LIMIT[0], window=SHARE_LIMIT[1])
    except RateLimited as exc:
        return too_many(exc, html=False)
    if channel not in SHARE_CHANNELS:
        raise ValidationError(f"Choose one of: {', '.join(SHARE_CHANNELS)}.", field="channel")
    found = flows.share(session=session, slug=slug, channel=channel, visitor=anonymous_visitor(request))
    if found is None:
        return problem(404, "Not found", "Card not found.", code="not_found")
    if isinstance(found, SlugRedirect):
        slug = found.slug
    if "text/html" in request.headers.get("accept", ""):
        return RedirectResponse(f"/c/{slug}", status_code=303)
    return Response(status_code=204)


@router.post("/c/{slug}/share-back")
def card_share_back(
    slug: str,
    request: Request,
    name: str = Form(""),
    email: str = Form(""),
    phone: str = Form(""),
    company: str = Form(""),
    note: str = Form(""),
    consent: str = Form(""),
    form_token: str = Form(""),
    website: str = Form(""),
    session: Session = Depends(db_session, scope="function"),
) -> Response:
    """An anonymous visitor leaves their details for the card's owner (a plain form post).

    No cookie is read, so there is nothing for CSRF to ride on; the signed render time in `form_token`
    stops instant bot posts and replays older than a day, the `website` honeypot stops form-fillers.
    """
    try:
        limit(request)
        card = enrichment.public_card(session, slug, None)
    except RateLimited as exc:
        return too_many(exc, html=True, request=request)
    except NotFound:
        return not_found(request)
    done = RedirectResponse(f"/c/{card.slug}?shared=1", status_code=303, headers={"Cache-Control": "no-store"})
    if website.strip():
        return done  # a bot filled the hidden field: look successful, keep nothing
    values = {"name": name, "email": email, "phone": phone, "company": company, "note": note}
    try:
        sharing.check_form_timing(form_token)
        sharing.share_back(
            session=session,
            slug=card.slug,
            **values,
            consent=bool(consent),
            consent_text=forms.consent_text(card.content),
            ip=client_ip(request),
        )
    except RateLimited as exc:
        return too_many(exc, html=True, request=request)
    except ValidationError as exc:
        form = forms.ShareForm(values=values, errors=exc.errors or {"form": exc.message}, consent=bool(consent))
        signed_in = visitor_of(request, session).user_id is not None
        html = forms.render_page(
            card,
            signed_in=signed_in,
            form=form,
            images=image_sources(session=session, content=card.content, avatar_file_id=card.avatar_file_id),
        )
        headers = page_headers(request, card, forms.etag(card, signed_in=signed_in, shared=False, saved=False))
        headers["Cache-Control"] = "no-store"  # it holds what the visitor typed
        return HTMLResponse(html, status_code=422, headers=headers)
    flows.record(card, anonymous_visitor(request), "lead")
    return done


@router.post("/c/{slug}/save")
def card_save(slug: str, request: Request, session: Session = Depends(db_session, scope="function")) -> Response:
    """Save the card to the signed-in visitor's contacts (cookie-authenticated, so same-origin only)."""
    try:
        limit(request)
    except RateLimited as exc:
        return too_many(exc, html=True, request=request)
    found = sessions.resolve(session=session, token=request.cookies.get(sessions.COOKIE_NAME))
    if found is None:
        return RedirectResponse(f"/login?next=/c/{slug}", status_code=303)
    try:
        # SameSite=Lax already keeps the cookie off cross-site POSTs; the Origin check is defence in depth.
        require_same_origin(request)
        enrichment.save_from_card(session=session, saver=found[0], slug=slug)
        saved = enrichment.public_card(session, slug, found[0].id)
        flows.record(saved, replace(anonymous_visitor(request), user_id=found[0].id), "save")
    except PermissionDenied as exc:
        return message_page(403, strings.for_language("en")["forbidden"], exc.message, {"Cache-Control": "no-store"})
    except NotFound:
        return not_found(request)
    return RedirectResponse(f"/c/{slug}?saved=1", status_code=303, headers={"Cache-Control": "no-store"})
