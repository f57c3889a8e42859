"""What a card page links to: its vCard, QR codes, link-preview image and the demo card's built-in pictures."""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from metaic.api.deps import db_session
from metaic.cards import flows, qr, vcard
from metaic.cards.photo import avatar_jpeg, image_sources
from metaic.cards.public import get_public
from metaic.cards.schemas import PublicCard
from metaic.core import cdn
from metaic.core.errors import RateLimited
from metaic.web import assets, preview, render
from metaic.web.card_cache import cache
from metaic.web.fastpath import remember
from metaic.web.responses import card_headers, fresh, limit, not_found, serve, too_many, visitor_of

router = APIRouter(include_in_schema=False)


@router.get("/c/-/assets/{name}")
def asset(name: str) -> Response:
    """Built-in images (the demo card's pictures): immutable under their hashed name, a day under the plain one."""
    found = assets.built_in_file(name)
    if found is None:
        return not_found()
    data, current = found
    return Response(
        data,
        media_type="image/svg+xml",
        headers={
            "Cache-Control": cdn.IMMUTABLE if current else "public, max-age=86400",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        },
    )


@router.api_route("/c/-/card.{digest}.css", methods=["GET", "HEAD"])
def stylesheet(digest: str) -> Response:
    """The card pages' CSS under a content-hashed name: immutable for a year (an old name gets today's CSS briefly)."""
    current = digest == render.stylesheet_digest()
    return Response(
        render.stylesheet(),
        media_type="text/css; charset=utf-8",
        headers={
            "Cache-Control": cdn.IMMUTABLE if current else "public, max-age=60",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _versioned(headers: dict[str, str], card: PublicCard, asked: str | None, current: str) -> dict[str, str]:
    """Headers of a preview or QR image: a year under its current hashed name, as before under any other."""
    if asked is not None and asked == current and card.visibility != "private":
        headers["Cache-Control"] = cdn.IMMUTABLE
    return headers


@router.api_route("/c/{slug}.vcf", methods=["GET", "HEAD"])
def card_vcard(slug: str, request: Request, session: Session = Depends(db_session, scope="function")) -> Response:
    """The card as a vCard 3.0 download (UTF-8, CRLF, photo inline when the card has one)."""
    try:
        limit(request)  # only misses get here (web/fastpath.py answers cached copies)
    except RateLimited as exc:
        return too_many(exc, html=False)
    generation = cache.generation
    visitor = visitor_of(request, session)
    found = flows.download_vcard(session=session, slug=slug, visitor=visitor)

    def build(card: PublicCard) -> Response:
        etag = card.etag[:-1] + '-vcf"'
        headers = card_headers(card, etag)
        if fresh(request, etag):
            return Response(status_code=304, headers=headers)
        text = vcard.build(
            card.content,
            avatar_jpeg(session=session, file_id=card.avatar_file_id),
            card_id=card.card_id,
            revised=card.published_at,
            url=render.public_url(card.slug),
        )
        headers["Content-Disposition"] = f'attachment; filename="{vcard.filename(card.slug)}"'
        response = Response(text.encode("utf-8"), media_type="text/vcard; charset=utf-8", headers=headers)
        signed_in = visitor.user_id is not None
        remember(
            request=request,
            card=card,
            response=response,
            event="vcard_download",
            signed_in=signed_in,
            generation=generation,
        )
        return response

    return serve(request, found, lambda s: f"/c/{s}.vcf", build)


def _qr(request: Request, session: Session, slug: str, kind: str, params: dict, version: str | None = None) -> Response:
    """A QR code of the card (SVG or PNG); options are checked and the print budget enforced (422)."""
    try:
        limit(request)
    except RateLimited as exc:
        return too_many(exc, html=False)
    opts = qr.options(**params)
    generation = cache.generation
    caller = visitor_of(request, session)
    found = get_public(session=session, slug=slug, viewer_id=caller.user_id)

    def build(card: PublicCard) -> Response:
        digest = hashlib.sha256(f"{kind}|{sorted(params.items())}".encode()).hexdigest()[:10]
        etag = card.etag[:-1] + f'-qr{digest}"'
        headers = _versioned(card_headers(card, etag), card, version, assets.qr_version(card))
        if fresh(request, etag):
            return Response(status_code=304, headers=headers)
        page = render.public_url(card.slug)
        data = {
            "url": f"{page}?{qr.source_query(opts.variant)}",
            "vcard": vcard.compact(card.content, url=page),
            "mecard": vcard.mecard(card.content, url=page),
        }[opts.payload]
        body = qr.render(qr.make(data, opts), opts, kind)
        if request.query_params.get("download"):
            headers["Content-Disposition"] = f'attachment; filename="{card.slug}-qr.{kind}"'
        media = "image/svg+xml" if kind == "svg" else "image/png"
        response = Response(body, media_type=media, headers=headers)
        signed_in = caller.user_id is not None
        remember(request=request, card=card, response=response, event=None, signed_in=signed_in, generation=generation)
        return response

    return serve(request, found, lambda s: f"/c/{s}/qr.{kind}", build)


def _qr_params(
    payload: str = Query("url"),
    scale: int | None = Query(None),
    size: int | None = Query(None),
    dark: str = Query("#000000"),
    light: str = Query("#ffffff"),
    border: int | None = Query(None),
    margin: int | None = Query(None),
    error: str | None = Query(None),
    ecc: str | None = Query(None),
    print_mm: float | None = Query(None),
    variant: str = Query(""),
) -> dict:
    """QR query options (`margin` is an alias of `border`, `ecc` of `error`)."""
    chosen_border = border if border is not None else margin
    return {
        "payload": payload,
        "scale": scale,
        "size": size,
        "dark": dark,
        "light": light,
        "border": 4 if chosen_border is None else chosen_border,
        "error": error or ecc or "M",
        "print_mm": print_mm,
        "variant": variant,
    }


@router.api_route("/c/{slug}/qr.svg", methods=["GET", "HEAD"])
def card_qr_svg(
    slug: str,
    request: Request,
    params: dict = Depends(_qr_params),
    session: Session = Depends(db_session, scope="function"),
) -> Response:
    """The card's QR code as SVG."""
    return _qr(request, session, slug, "svg", params)


@router.api_route("/c/{slug}/qr.png", methods=["GET", "HEAD"])
def card_qr_png(
    slug: str,
    request: Request,
    params: dict = Depends(_qr_params),
    session: Session = Depends(db_session, scope="function"),
) -> Response:
    """The card's QR code as PNG."""
    return _qr(request, session, slug, "png", params)


@router.api_route("/c/{slug}/qr.{version}.svg", methods=["GET", "HEAD"])
def card_qr_svg_hashed(
    slug: str,
    version: str,
    request: Request,
    params: dict = Depends(_qr_params),
    session: Session = Depends(db_session, scope="function"),
) -> Response:
    """The card's QR code as SVG under the hashed name the page links (immutable while it is current)."""
    return _qr(request, session, slug, "svg", params, version)


@router.api_route("/c/{slug}/qr.{version}.png", methods=["GET", "HEAD"])
def card_qr_png_hashed(
    slug: str,
    version: str,
    request: Request,
    params: dict = Depends(_qr_params),
    session: Session = Depends(db_session, scope="function"),
) -> Response:
    """The card's QR code as PNG under a hashed name (immutable while it is current)."""
    return _qr(request, session, slug, "png", params, version)


@router.api_route("/c/{slug}/preview.png", methods=["GET", "HEAD"])
def card_preview(slug: str, request: Request, session: Session = Depends(db_session, scope="function")) -> Response:
    """The Open Graph preview image under its plain name (links shared before names were hashed)."""
    return _preview(request, session, slug, None)


@router.api_route("/c/{slug}/preview.{version}.png", methods=["GET", "HEAD"])
def card_preview_hashed(
    slug: str, version: str, request: Request, session: Session = Depends(db_session, scope="function")
) -> Response:
    """The Open Graph preview image under the hashed name the page links (immutable while it is current)."""
    return _preview(request, session, slug, version)


def _preview(request: Request, session: Session, slug: str, version: str | None) -> Response:
    """The 1200x630 link-preview PNG of a card."""
    try:
        limit(request)
    except RateLimited as exc:
        return too_many(exc, html=False)
    generation = cache.generation
    found = get_public(session=session, slug=slug)

    def build(card: PublicCard) -> Response:
        etag = card.etag[:-1] + '-png"'
        headers = card_headers(card, etag)
        if version is not None:
            images = image_sources(session=session, content=card.content, avatar_file_id=card.avatar_file_id)
            headers = _versioned(headers, card, version, assets.preview_version(card, images))
        if fresh(request, etag):
            return Response(status_code=304, headers=headers)
        photo = avatar_jpeg(session=session, file_id=card.avatar_file_id)
        body = preview.render_png(card.content, url=render.public_url(card.slug), photo=photo)
        response = Response(body, media_type="image/png", headers=headers)
        # The same image for everyone (a private card has none), so it is cached for signed-in callers too.
        remember(request=request, card=card, response=response, event=None, signed_in=False, generation=generation)
        return response

    return serve(request, found, lambda s: f"/c/{s}/preview.png", build)
