"""Social sign-in routes: Google and Apple (OpenID Connect) and WeChat (OAuth 2), built on authlib.

Where the flow's state lives, and why: authlib's Starlette client keeps state, nonce and PKCE verifier in
`request.session` (Starlette's SessionMiddleware cookie, SameSite=Lax). Apple answers with
`response_mode=form_post`, a cross-site POST, and browsers do not send SameSite=Lax cookies with it, so
that state would be lost. We therefore use authlib's client for the protocol (authorization URL, state,
nonce, PKCE, code exchange, ID-token checks) but keep the flow data ourselves in one short-lived signed
cookie, scoped to /auth/oauth, single use, compared with the returned `state`. For Apple in production it
is SameSite=None; Secure, so the form_post carries it; for the other providers it stays SameSite=Lax. It
stays bound to the browser that started the flow (RFC 6749 §10.12), needs no server-side store shared by
app processes, and no SessionMiddleware on the whole app.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from metaic.api.deps import client_ip
from metaic.api.oauth_providers import (
    FLOW_SECONDS,
    Flow,
    FlowFailed,
    Identity,
    authorization_url,
    oidc_identity,
    wechat_identity,
)
from metaic.api.session_routes import safe_next, set_session_cookie
from metaic.auth import service as user_service
from metaic.auth import sessions, social
from metaic.config import Settings, get_settings
from metaic.core import ratelimit
from metaic.core.errors import Conflict, DomainError, NotFound, RateLimited
from metaic.core.security import sign, tokens_equal
from metaic.db import session_scope

log = logging.getLogger(__name__)

router = APIRouter(prefix="/auth/oauth", include_in_schema=False)

FLOW_COOKIE = "metaic_oauth_flow"
FLOW_PATH = "/auth/oauth/"
CALLBACK_IP = (30, 300)
FORM_POST = {"apple"}


# --- finishing in the database --------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What the callback does next."""

    token: str | None = None
    mfa_challenge: str | None = None
    linked: bool = False


def _complete(*, flow: Flow, identity: Identity, ip: str, user_agent: str, cookie_token: str | None) -> Outcome:
    """Sign in (or link) in one transaction; domain refusals roll it back."""
    with session_scope() as session:
        ratelimit.hit(f"oauth:ip:{ip}", limit=CALLBACK_IP[0], window=CALLBACK_IP[1])
        if flow.link_user:
            user = user_service.get(session=session, user_id=uuid.UUID(flow.link_user))
            current = sessions.resolve(session=session, token=cookie_token) if cookie_token else None
            if user is None or not user.is_active or (current is not None and current[0].id != user.id):
                raise FlowFailed("expired")
            social.link(
                session=session, user=user, provider=flow.provider, subject=identity.subject, email=identity.email
            )
            return Outcome(linked=True)
        user = social.sign_in(
            session=session,
            provider=flow.provider,
            subject=identity.subject,
            email=identity.email,
            email_verified=identity.email_verified,
            name=identity.name,
        )
        if user.mfa_enabled_at is not None:
            return Outcome(mfa_challenge=sign("mfa-challenge", {"u": str(user.id)}))
        token = sessions.create(session=session, user=user, remember=True, ip=ip, user_agent=user_agent, activated=True)
        return Outcome(token=token)


# --- HTTP -----------------------------------------------------------------------------------------


def _cookie_options(settings: Settings, provider: str) -> dict:
    """Flow-cookie attributes: SameSite=None; Secure for form_post providers over HTTPS, else Lax."""
    https = settings.is_production or settings.public_base_url.startswith("https://")
    if provider in FORM_POST and https:
        return {"httponly": True, "path": FLOW_PATH, "samesite": "none", "secure": True}
    return {"httponly": True, "path": FLOW_PATH, "samesite": "lax", "secure": settings.cookie_secure}


def _with_query(path: str, **params: str) -> str:
    """Add query parameters to a same-site path."""
    return f"{path}{'&' if '?' in path else '?'}{urlencode(params)}"


def _require_provider(settings: Settings, provider: str) -> None:
    """404 for unknown or unconfigured providers."""
    if provider not in dict(social.enabled_providers(settings)):
        raise NotFound("This sign-in method is not available.")


async def _begin(settings: Settings, provider: str, next_path: str, link_user: str | None) -> RedirectResponse:
    """Redirect the browser to the provider and remember the flow in its cookie."""
    failure = _with_query(next_path, error="provider") if link_user else "/login?error=provider"
    try:
        url, flow = await authorization_url(settings, provider, next_path, link_user)
    except Exception as exc:  # provider down, a bad discovery document, an unusable key: never a 500
        log.warning("could not start %s sign-in: %r", provider, exc, exc_info=not isinstance(exc, httpx.HTTPError))
        return RedirectResponse(failure, status_code=303)
    response = RedirectResponse(url, status_code=302)
    response.set_cookie(FLOW_COOKIE, flow.dump(), max_age=FLOW_SECONDS, **_cookie_options(settings, provider))
    return response


@router.get("/{provider}/start")
async def start(provider: str, next: str = "/dashboard") -> RedirectResponse:
    """Start signing in with a provider."""
    settings = get_settings()
    _require_provider(settings, provider)
    return await _begin(settings, provider, safe_next(next[:512]), link_user=None)


@router.get("/{provider}/link")
async def start_link(provider: str, request: Request, next: str = "/account") -> RedirectResponse:
    """Start linking a provider to the signed-in account (from account settings)."""
    settings = get_settings()
    _require_provider(settings, provider)
    next_path = safe_next(next[:512], default="/account")
    found = await run_in_threadpool(_resolve, request.cookies.get(sessions.COOKIE_NAME))
    if found is None:
        return RedirectResponse(_with_query("/login", next=f"/auth/oauth/{provider}/link"), status_code=303)
    return await _begin(settings, provider, next_path, link_user=found)


def _resolve(token: str | None) -> str | None:
    """The signed-in user's id for a session cookie, or None."""
    with session_scope() as session:
        found = sessions.resolve(session=session, token=token)
        return str(found[0].id) if found else None


@router.api_route("/{provider}/callback", methods=["GET", "POST"])
async def callback(provider: str, request: Request) -> RedirectResponse:
    """The provider sends the browser back here (Apple by a cross-site form POST); finish the sign-in."""
    settings = get_settings()
    _require_provider(settings, provider)
    if request.method == "POST":
        async with request.form() as form:
            params = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    else:
        params = dict(request.query_params)
    flow = Flow.load(request.cookies.get(FLOW_COOKIE))
    try:
        outcome = await _finish(settings, provider, flow, params, request)
    except FlowFailed as exc:
        response = _failed(flow, exc.code)
    else:
        response = _succeeded(settings, flow, outcome)
    response.delete_cookie(FLOW_COOKIE, **_cookie_options(settings, provider))  # single use
    return response


async def _finish(
    settings: Settings, provider: str, flow: Flow | None, params: dict[str, str], request: Request
) -> Outcome:
    """Check the state, talk to the provider, then sign in or link; FlowFailed carries the reason."""
    if flow is None:
        raise FlowFailed("expired")
    if flow.provider != provider or not tokens_equal(params.get("state", ""), flow.state):
        raise FlowFailed("state")
    if params.get("error") or not params.get("code"):
        raise FlowFailed("denied")  # includes WeChat, which comes back without a code when declined
    try:
        if provider == "wechat":
            identity = await wechat_identity(settings, params["code"])
        else:
            identity = await oidc_identity(settings, flow, params["code"], params)
    except FlowFailed:
        raise
    except Exception as exc:  # network errors, bad JSON, a provider that is down: never a 500
        log.warning("%s sign-in failed talking to the provider: %r", provider, exc)
        raise FlowFailed("provider") from exc
    try:
        return await run_in_threadpool(
            _complete,
            flow=flow,
            identity=identity,
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent", ""),
            cookie_token=request.cookies.get(sessions.COOKIE_NAME),
        )
    except social.SocialSignInRefused as exc:
        raise FlowFailed(exc.reason) from exc
    except RateLimited as exc:
        raise FlowFailed("rate_limited") from exc
    except Conflict as exc:
        raise FlowFailed("linked_elsewhere" if flow.link_user else "conflict") from exc
    except DomainError as exc:
        log.warning("%s sign-in refused: %s", provider, exc.message)
        raise FlowFailed("refused") from exc
    except IntegrityError as exc:  # two callbacks for one new identity at once: the loser retries
        raise FlowFailed("conflict") from exc


def _failed(flow: Flow | None, code: str) -> RedirectResponse:
    """Back to the sign-in page (or, when linking, the page that started it) with a short error code."""
    if flow is not None and flow.link_user:
        return RedirectResponse(_with_query(flow.next, error=code), status_code=303)
    return RedirectResponse(_with_query("/login", error=code), status_code=303)


def _succeeded(settings: Settings, flow: Flow, outcome: Outcome) -> RedirectResponse:
    """Set the session cookie and go on, or hand over to the MFA step, or report the new link."""
    if outcome.linked:
        return RedirectResponse(_with_query(flow.next, linked=flow.provider), status_code=303)
    if outcome.mfa_challenge:
        return RedirectResponse(
            _with_query("/login/mfa", challenge=outcome.mfa_challenge, next=flow.next), status_code=303
        )
    response = RedirectResponse(flow.next, status_code=303)
    set_session_cookie(response, outcome.token or "", settings.remember_days * 86400)
    return response


def install(api: FastAPI) -> None:
    """Add the social sign-in routes (no middleware needed: the flow lives in its own signed cookie)."""
    api.include_router(router)
