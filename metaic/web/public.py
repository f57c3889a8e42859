"""Public card routes: `/c/{slug}` page and its forms, vCard, QR codes, preview image and share counters."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from metaic.analytics.models import SHARE_CHANNELS
from metaic.api.deps import client_ip, db_session, require_same_origin
from metaic.api.errors import problem
from metaic.auth import sessions
from metaic.cards import flows, qr, vcard
from metaic.cards.flows import Visitor
from metaic.cards.photo import avatar_jpeg, avatar_sources
from metaic.cards.public import get_public
from metaic.cards.schemas import PublicCard, SlugRedirect
from metaic.contacts import enrichment, sharing
from metaic.core import ratelimit
from metaic.core.errors import NotFound, PermissionDenied, RateLimited, ValidationError
from metaic.web import forms, preview, render, strings

router = APIRouter(include_in_schema=False)

PUBLIC_LIMIT = (120, 60)  # requests per IP per window (seconds), across every public card route
SHARE_LIMIT = (20, 60)  # share counts per IP and card
CACHE_PUBLIC = "public, max-age=60, stale-while-revalidate=600"
CACHE_PRIVATE = "private, no-store"
CACHE_REDIRECT = "public, max-age=300"
CACHE_SIGNED_IN = "private, no-cache"  # the page shows a save button only signed-in people see


def _limit(request: Request) -> None:
    """Count the request against the caller's per-IP budget (raises RateLimited)."""
    ratelimit.hit(f"public:{client_ip(request)}", limit=PUBLIC_LIMIT[0], window=PUBLIC_LIMIT[1])


def _visitor(request: Request, session: Session) -> Visitor:
    """The caller as analytics sees them; the session cookie is read only when present."""
    user_id = None
    token = request.cookies.get(sessions.COOKIE_NAME)
    if token:
        found = sessions.resolve(session=session, token=token)
        user_id = found[0].id if found else None
    return Visitor(
        user_agent=request.headers.get("user-agent", ""),
        referrer=request.headers.get("referer", ""),
        user_id=user_id,
        count=request.method == "GET",
    )


def _headers(card: PublicCard, etag: str) -> dict[str, str]:
    """Caching and indexing headers for a card's responses."""
    headers = {
        "ETag": etag,
        "Cache-Control": CACHE_PUBLIC if card.visibility != "private" else CACHE_PRIVATE,
        "X-Content-Type-Options": "nosniff",
    }
    if card.visibility != "public":
        headers["X-Robots-Tag"] = "noindex"
    return headers


def _fresh(request: Request, etag: str) -> bool:
    """True when the client's If-None-Match already names this ETag (weak comparison)."""
    header = request.headers.get("if-none-match", "")
    wanted = {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
    return "*" in wanted or etag.removeprefix("W/") in wanted


def _not_found() -> HTMLResponse:
    """The branded 404 page (never cached, so a card published a moment later shows up)."""
    t = strings.for_language("en")
    html = render.render_message("message.html", status=404, title=t["not_found"], message=t["not_found_text"])
    return HTMLResponse(html, status_code=404, headers={"Cache-Control": "no-cache", "X-Robots-Tag": "noindex"})


def _too_many(exc: RateLimited, *, html: bool) -> Response:
    """429 as a page for browsers, as problem details for files and counters."""
    headers = {"Retry-After": str(exc.retry_after), "Cache-Control": "no-store"}
    if not html:
        return problem(429, "Rate limited", exc.message, code="rate_limited", headers=headers)
    t = strings.for_language("en")
    return HTMLResponse(
        render.render_message("message.html", status=429, title=t["too_many"], message=exc.message),
        status_code=429,
        headers=headers,
    )


def _redirect(request: Request, path: str) -> RedirectResponse:
    """301 to a card's current address, keeping the query (such as `?src=qr`)."""
    query = request.url.query
    return RedirectResponse(
        f"{path}?{query}" if query else path, status_code=301, headers={"Cache-Control": CACHE_REDIRECT}
    )


def _serve(
    request: Request, found, moved_path: Callable[[str], str], build: Callable[[PublicCard], Response]
) -> Response:
    """Common answers: 404 for nothing, 301 for a former slug, else `build(card)`."""
    if found is None:
        return _not_found()
    if isinstance(found, SlugRedirect):
        return _redirect(request, moved_path(found.slug))
    return build(found)


ASSETS = render.HERE / "static" / "demo"
_ASSET_NAMES = frozenset(p.name for p in ASSETS.glob("*.svg"))


@router.get("/c/-/assets/{name}")
def asset(name: str) -> Response:
    """Built-in images (the demo card's cover and portfolio pictures), cached for a day."""
    if name not in _ASSET_NAMES:
        return _not_found()
    return Response(
        (ASSETS / name).read_bytes(),
        media_type="image/svg+xml",
        headers={
            "Cache-Control": "public, max-age=86400",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        },
    )


@router.api_route("/c/{slug}.vcf", methods=["GET", "HEAD"])
def card_vcard(slug: str, request: Request, session: Session = Depends(db_session)) -> Response:
    """The card as a vCard 3.0 download (UTF-8, CRLF, photo inline when the card has one)."""
    try:
        _limit(request)
    except RateLimited as exc:
        return _too_many(exc, html=False)
    found = flows.download_vcard(session=session, slug=slug, visitor=_visitor(request, session))

    def build(card: PublicCard) -> Response:
        etag = card.etag[:-1] + '-vcf"'
        headers = _headers(card, etag)
        if _fresh(request, etag):
            return Response(status_code=304, headers=headers)
        text = vcard.build(
            card.content,
            avatar_jpeg(session=session, file_id=card.avatar_file_id),
            card_id=card.card_id,
            revised=card.published_at,
            url=render.public_url(card.slug),
        )
        headers["Content-Disposition"] = f'attachment; filename="{vcard.filename(card.slug)}"'
        return Response(text.encode("utf-8"), media_type="text/vcard; charset=utf-8", headers=headers)

    return _serve(request, found, lambda s: f"/c/{s}.vcf", build)


def _qr(request: Request, session: Session, slug: str, kind: str, params: dict) -> Response:
    """A QR code of the card (SVG or PNG); options are checked and the print budget enforced (422)."""
    try:
        _limit(request)
    except RateLimited as exc:
        return _too_many(exc, html=False)
    opts = qr.options(**params)
    visitor = _visitor(request, session)
    found = get_public(session=session, slug=slug, viewer_id=visitor.user_id)

    def build(card: PublicCard) -> Response:
        digest = hashlib.sha256(f"{kind}|{sorted(params.items())}".encode()).hexdigest()[:10]
        etag = card.etag[:-1] + f'-qr{digest}"'
        headers = _headers(card, etag)
        if _fresh(request, etag):
            return Response(status_code=304, headers=headers)
        page = render.public_url(card.slug)
        data = {
            "url": f"{page}?src=qr",
            "vcard": vcard.compact(card.content, url=page),
            "mecard": vcard.mecard(card.content, url=page),
        }[opts.payload]
        body = qr.render(qr.make(data, opts), opts, kind)
        if request.query_params.get("download"):
            headers["Content-Disposition"] = f'attachment; filename="{card.slug}-qr.{kind}"'
        media = "image/svg+xml" if kind == "svg" else "image/png"
        return Response(body, media_type=media, headers=headers)

    return _serve(request, found, lambda s: f"/c/{s}/qr.{kind}", build)


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
    }


@router.api_route("/c/{slug}/qr.svg", methods=["GET", "HEAD"])
def card_qr_svg(
    slug: str, request: Request, params: dict = Depends(_qr_params), session: Session = Depends(db_session)
) -> Response:
    """The card's QR code as SVG."""
    return _qr(request, session, slug, "svg", params)


@router.api_route("/c/{slug}/qr.png", methods=["GET", "HEAD"])
def card_qr_png(
    slug: str, request: Request, params: dict = Depends(_qr_params), session: Session = Depends(db_session)
) -> Response:
    """The card's QR code as PNG."""
    return _qr(request, session, slug, "png", params)


@router.api_route("/c/{slug}/preview.png", methods=["GET", "HEAD"])
def card_preview(slug: str, request: Request, session: Session = Depends(db_session)) -> Response:
    """The Open Graph preview image."""
    try:
        _limit(request)
    except RateLimited as exc:
        return _too_many(exc, html=False)
    found = get_public(session=session, slug=slug)

    def build(card: PublicCard) -> Response:
        etag = card.etag[:-1] + '-png"'
        headers = _headers(card, etag)
        if _fresh(request, etag):
            return Response(status_code=304, headers=headers)
        body = preview.render_png(card.content, url=render.public_url(card.slug))
        return Response(body, media_type="image/png", headers=headers)

    return _serve(request, found, lambda s: f"/c/{s}/preview.png", build)


@router.get("/c/{slug}/share/{channel}")
def card_share_link(slug: str, channel: str, request: Request, session: Session = Depends(db_session)) -> Response:
    """Count a share and send the visitor on to WhatsApp, their mail app or LinkedIn (works without JavaScript)."""
    try:
        _limit(request)
    except RateLimited as exc:
        return _too_many(exc, html=True)
    if channel not in ("whatsapp", "email", "linkedin"):
        return _not_found()
    found = flows.share(session=session, slug=slug, channel=channel, visitor=_visitor(request, session))

    def build(card: PublicCard) -> Response:
        target = render.share_target(
            channel, url=render.public_url(card.slug), name=card.content.name, language=card.content.language
        )
        return RedirectResponse(target, status_code=302, headers={"Cache-Control": "no-store"})

    return _serve(request, found, lambda s: f"/c/{s}/share/{channel}", build)


@router.post("/c/{slug}/share")
def card_share_count(
    slug: str, request: Request, channel: str = Form(...), session: Session = Depends(db_session)
) -> Response:
    """Count a share made in the browser (copy link, native share sheet).

    It only bumps a counter, so it takes no cookie and needs no CSRF token; a per-IP limit keeps it honest.
    """
    try:
        _limit(request)
        ratelimit.hit(f"share:{client_ip(request)}:{slug}", limit=SHARE_LIMIT[0], window=SHARE_LIMIT[1])
    except RateLimited as exc:
        return _too_many(exc, html=False)
    if channel not in SHARE_CHANNELS:
        raise ValidationError(f"Choose one of: {', '.join(SHARE_CHANNELS)}.", field="channel")
    visitor = Visitor(user_agent=request.headers.get("user-agent", ""), referrer=request.headers.get("referer", ""))
    found = flows.share(session=session, slug=slug, channel=channel, visitor=visitor)
    if found is None:
        return problem(404, "Not found", "Card not found.", code="not_found")
    if isinstance(found, SlugRedirect):
        slug = found.slug
    if "text/html" in request.headers.get("accept", ""):
        return RedirectResponse(f"/c/{slug}", status_code=303)
    return Response(status_code=204)


def _page_headers(request: Request, card: PublicCard, etag: str) -> dict[str, str]:
    """Headers of the card page: cache by card, but never share a copy made for a session cookie."""
    headers = _headers(card, etag)
    headers["Vary"] = "Cookie"
    if request.cookies.get(sessions.COOKIE_NAME) and card.visibility != "private":
        headers["Cache-Control"] = CACHE_SIGNED_IN
    headers["Content-Security-Policy"] = _CSP.format(script=render.script_hash())
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    return headers


@router.api_route("/c/{slug}", methods=["GET", "HEAD"])
def card_page(
    slug: str,
    request: Request,
    src: str = "",
    shared: str = "",
    saved: str = "",
    session: Session = Depends(db_session),
) -> Response:
    """The public card page, rendered on the server from the published snapshot."""
    try:
        _limit(request)
    except RateLimited as exc:
        return _too_many(exc, html=True)
    visitor = _visitor(request, session)
    found = flows.view(session=session, slug=slug, visitor=visitor, scan=src == "qr")
    signed_in = visitor.user_id is not None

    def build(card: PublicCard) -> Response:
        etag = forms.etag(card, signed_in=signed_in, shared=bool(shared), saved=bool(saved))
        headers = _page_headers(request, card, etag)
        if _fresh(request, etag):
            return Response(status_code=304, headers=headers)
        html = forms.render_page(
            card,
            preview=card.visibility == "private",
            signed_in=signed_in,
            saved=bool(saved),
            form=forms.ShareForm(sent=bool(shared)),
            avatar_sources=avatar_sources(session=session, file_id=card.avatar_file_id),
        )
        return HTMLResponse(html, headers=headers)

    return _serve(request, found, lambda s: f"/c/{s}", build)


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
    session: Session = Depends(db_session),
) -> Response:
    """An anonymous visitor leaves their details for the card's owner (a plain form post).

    No cookie is read, so there is nothing for CSRF to ride on; the signed render time in `form_token`
    stops instant bot posts and replays older than a day, the `website` honeypot stops form-fillers.
    """
    try:
        _limit(request)
        card = enrichment.public_card(session, slug, None)
    except RateLimited as exc:
        return _too_many(exc, html=True)
    except NotFound:
        return _not_found()
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
        return _too_many(exc, html=True)
    except ValidationError as exc:
        form = forms.ShareForm(values=values, errors=exc.errors or {"form": exc.message}, consent=bool(consent))
        signed_in = _visitor(request, session).user_id is not None
        html = forms.render_page(
            card,
            signed_in=signed_in,
            form=form,
            avatar_sources=avatar_sources(session=session, file_id=card.avatar_file_id),
        )
        headers = _page_headers(request, card, forms.etag(card, signed_in=signed_in, shared=False, saved=False))
        headers["Cache-Control"] = "no-store"  # it holds what the visitor typed
        return HTMLResponse(html, status_code=422, headers=headers)
    return done


@router.post("/c/{slug}/save")
def card_save(slug: str, request: Request, session: Session = Depends(db_session)) -> Response:
    """Save the card to the signed-in visitor's contacts (cookie-authenticated, so same-origin only)."""
    try:
        _limit(request)
    except RateLimited as exc:
        return _too_many(exc, html=True)
    found = sessions.resolve(session=session, token=request.cookies.get(sessions.COOKIE_NAME))
    if found is None:
        return RedirectResponse(f"/login?next=/c/{slug}", status_code=303)
    try:
        # SameSite=Lax already keeps the cookie off cross-site POSTs; the Origin check is defence in depth.
        require_same_origin(request)
        enrichment.save_from_card(session=session, saver=found[0], slug=slug)
    except PermissionDenied as exc:
        t = strings.for_language("en")
        html = render.render_message("message.html", status=403, title=t["forbidden"], message=exc.message)
        return HTMLResponse(html, status_code=403, headers={"Cache-Control": "no-store"})
    except NotFound:
        return _not_found()
    return RedirectResponse(f"/c/{slug}?saved=1", status_code=303, headers={"Cache-Control": "no-store"})


_CSP = (
    "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; script-src '{script}'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'"
)
