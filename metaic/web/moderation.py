"""Moderation pages outside the app: "Report this card" (anonymous) and the owner's takedown notice with its appeal.

Plain server-rendered forms that work without JavaScript. The report page speaks the card's language, the
appeal page its owner's account language (the language of the takedown notification that links to it).
The report form reads no cookie: a token signed for the card and its render time stops forged and instant
posts, a honeypot stops form-fillers, and a post from a page of another site is refused.
The appeal form is the owner's (session cookie, same origin only).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from metaic.api.deps import client_ip, db_session, require_same_origin
from metaic.auth import sessions
from metaic.auth.models import User
from metaic.cards.public import get_public
from metaic.cards.schemas import PublicCard
from metaic.cards.slugs import owner_of_slug
from metaic.config import get_settings
from metaic.core import cdn, links
from metaic.core.errors import Conflict, NotFound, PermissionDenied, RateLimited, ValidationError
from metaic.moderation import flows, reports, service
from metaic.web import moderation_words, render
from metaic.web.responses import limit, message_page, not_found, too_many

router = APIRouter(include_in_schema=False)

HONEYPOT = "website"
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
# Our stylesheet and the page's own small style block; forms post to this site only; no script at all.
CSP = (
    "default-src 'none'; img-src 'self' data:; style-src {styles}; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def _csp() -> str:
    """The pages' policy: the stylesheet may come from the CDN (CDN_BASE_URL)."""
    return CSP.format(styles=cdn.sources("'self'", "'unsafe-inline'"))


def _page(template: str, status: int = 200, *, language: str, **model) -> HTMLResponse:
    """A moderation page in `language` with the site's stylesheet, never cached, never indexed."""
    html = (
        render.environment()
        .get_template(template)
        .render(
            css_url=render.stylesheet_url(),
            home=get_settings().public_base_url.rstrip("/") + "/",
            lang=moderation_words.html_lang(language),
            **model,
        )
    )
    return HTMLResponse(html, status_code=status, headers={**NO_STORE, "Content-Security-Policy": _csp()})


def _reported(card: PublicCard) -> reports.ReportedCard:
    """What a report keeps of the card it is about."""
    return reports.ReportedCard(card_id=card.card_id, owner_id=card.owner_id, slug=card.slug, name=card.content.name)


def _report_form(card: PublicCard, *, values=None, errors=None, status: int = 200, token: str = "") -> HTMLResponse:
    """The report form, empty or with what the visitor typed, what to fix and the token they had."""
    t = moderation_words.report_words(card.content.language)
    errors = moderation_words.refusals(errors or {}, t)
    return _page(
        "report.html",
        status,
        language=card.content.language,
        t=t,
        card=card,
        reasons=moderation_words.reasons(t),
        values=values or {},
        errors=errors,
        form_error=errors.get("form", t["check_fields"] if errors else ""),
        token=reports.token_to_keep(token, card.slug) if token else reports.issue_token(card.slug),
        honeypot=HONEYPOT,
        sent=False,
    )


def takedown_notice(session: Session, slug: str) -> HTMLResponse | None:
    """The 410 page of a card an admin took down (None when the slug names no such card)."""
    card, _history = owner_of_slug(session=session, slug=(slug or "").strip().lower())
    if card is None or service.active_takedown(session=session, card_id=card.id) is None:
        return None
    t = moderation_words.report_words(card.language)
    html = render.render_message(
        "message.html", status=410, title=t["removed_title"], message=t["removed_text"], language=card.language
    )
    # The page's own style block needs 'unsafe-inline' (the shared 404 policy, style-src 'self', drops it).
    return HTMLResponse(html, status_code=410, headers={**NO_STORE, "Content-Security-Policy": _csp()})


@router.get("/c/{slug}/report")
def report_form(
    slug: str, request: Request, sent: str = "", session: Session = Depends(db_session, scope="function")
) -> Response:
    """The "Report this card" form (and its thank-you page after a report was sent)."""
    try:
        limit(request)
    except RateLimited as exc:
        return too_many(exc, html=True, request=request)
    card = get_public(session=session, slug=slug)
    if not isinstance(card, PublicCard) or card.visibility == "private":
        return not_found(request)
    if sent:
        language = card.content.language
        return _page("report.html", language=language, t=moderation_words.report_words(language), card=card, sent=True)
    return _report_form(card)


def _forbidden(language: str) -> HTMLResponse:
    """403 for a post from another site (the only refusal here that is not about the form), in `language`."""
    t = moderation_words.report_words(language)
    return message_page(403, t["forbidden"], t["forbidden_text"], dict(NO_STORE), language=language)


def _too_many(exc: RateLimited, language: str) -> HTMLResponse:
    """429 for too many reports from one address, or about one card, in `language`."""
    t = moderation_words.report_words(language)
    headers = {"Retry-After": str(exc.retry_after), "Cache-Control": "no-store"}
    text = t["too_many_text"].format(seconds=exc.retry_after)
    return message_page(429, t["too_many"], text, headers, language=language)


def _same_site(request: Request) -> None:
    """Refuse a post sent by a page of another site (browsers name the page's origin on every post)."""
    origin = request.headers.get("origin")
    if origin is not None and origin not in get_settings().allowed_origins:
        require_same_origin(request)


@router.post("/c/{slug}/report")
def report_send(
    slug: str,
    request: Request,
    reason: str = Form(""),
    details: str = Form(""),
    contact_email: str = Form(""),
    form_token: str = Form(""),
    website: str = Form(""),
    session: Session = Depends(db_session, scope="function"),
) -> Response:
    """Store a visitor's report; mistakes come back on the form, the visitor lands on a thank-you page."""
    try:
        limit(request)  # every public route's budget, before any lookup: its page speaks the browser's language
    except RateLimited as exc:
        return too_many(exc, html=True, request=request)
    card = get_public(session=session, slug=slug)
    if not isinstance(card, PublicCard) or card.visibility == "private":
        return not_found(request)
    try:
        _same_site(request)
    except PermissionDenied:
        return _forbidden(card.content.language)
    done = RedirectResponse(f"/c/{card.slug}/report?sent=1", status_code=303, headers=NO_STORE)
    if website.strip():
        return done  # a bot filled the hidden field: look successful, keep nothing
    values = {"reason": reason, "details": details, "contact_email": contact_email}
    try:
        reports.check(**values)  # what to fix in the fields first, then whether the form itself is good
        reports.check_token(form_token, card.slug)
        reports.submit(session=session, card=_reported(card), ip=client_ip(request), **values)
    except RateLimited as exc:
        return _too_many(exc, card.content.language)
    except ValidationError as exc:
        errors = exc.errors or {"form": exc.message}
        return _report_form(card, values=values, errors=errors, status=422, token=form_token)
    return done


def _owner(request: Request, session: Session) -> User | None:
    """The signed-in account of the request's session cookie, if any."""
    found = sessions.resolve(session=session, token=request.cookies.get(sessions.COOKIE_NAME))
    return found[0] if found else None


def _appeal_page(owner: User, takedown, *, text: str = "", error: str = "", sent: bool = False, status: int = 200):
    """The owner's notice in their language: why the card is offline, the appeal form or where the appeal stands."""
    t = moderation_words.appeal_words(owner.language)
    return _page(
        "appeal.html",
        status,
        language=owner.language,
        t=t,
        takedown=takedown,
        text=text,
        error=moderation_words.refusal(error, t) if error else "",
        sent=sent,
        card_url=links.public_card(takedown.slug),
    )


@router.get("/appeals/{takedown_id}")
def appeal_form(
    takedown_id: uuid.UUID, request: Request, sent: str = "", session: Session = Depends(db_session, scope="function")
) -> Response:
    """The takedown notice its owner opens from the notification, with the appeal form."""
    owner = _owner(request, session)
    if owner is None:
        return RedirectResponse(f"/login?next={links.appeal(takedown_id)}", status_code=303, headers=NO_STORE)
    try:
        takedown = flows.owner_takedown(session=session, owner=owner, takedown_id=takedown_id)
    except NotFound:
        return not_found(request)
    return _appeal_page(owner, takedown, sent=bool(sent))


@router.post("/appeals/{takedown_id}")
def appeal_send(
    takedown_id: uuid.UUID,
    request: Request,
    text: str = Form(""),
    session: Session = Depends(db_session, scope="function"),
) -> Response:
    """Send the owner's appeal to the admins' queue (cookie-authenticated, so same-origin only)."""
    owner = _owner(request, session)
    if owner is None:
        return RedirectResponse(f"/login?next={links.appeal(takedown_id)}", status_code=303, headers=NO_STORE)
    try:
        require_same_origin(request)
        flows.appeal(session=session, owner=owner, takedown_id=takedown_id, text=text)
    except PermissionDenied:
        return _forbidden(owner.language)
    except NotFound:
        return not_found(request)
    except (ValidationError, Conflict) as exc:
        takedown = flows.owner_takedown(session=session, owner=owner, takedown_id=takedown_id)
        return _appeal_page(owner, takedown, text=text, error=exc.message, status=422 if exc.status == 422 else 409)
    return RedirectResponse(f"{links.appeal(takedown_id)}?sent=1", status_code=303, headers=NO_STORE)
