"""Browser routes that set or clear the HttpOnly session cookie, and email-link landings."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from metaic.api.deps import db_session, require_same_origin
from metaic.auth import sessions, verification
from metaic.config import get_settings
from metaic.core.errors import DomainError

router = APIRouter(prefix="/auth", include_in_schema=False)

NONCE_COOKIE = "metaic_login_nonce"


def safe_next(value: str | None, default: str = "/dashboard") -> str:
    """Only same-site relative paths may be redirect targets."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def set_session_cookie(response: RedirectResponse, token: str, max_age: int | None) -> None:
    """Attach the HttpOnly, SameSite=Lax session cookie (Secure in production)."""
    response.set_cookie(
        sessions.COOKIE_NAME,
        token,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=get_settings().cookie_secure,
        path="/",
    )


@router.get("/session")
def start_session(
    request: Request,
    ticket: str = "",
    next: str = "/dashboard",
    session: Session = Depends(db_session, scope="function"),
) -> RedirectResponse:
    """Exchange a one-time login ticket (bound to this browser's nonce cookie) for the session cookie."""
    try:
        token, max_age = sessions.redeem_ticket(
            session=session,
            ticket=ticket,
            nonce=request.cookies.get(NONCE_COOKIE, ""),
        )
    except DomainError:
        return RedirectResponse("/login?error=expired", status_code=303)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(response, token, max_age)
    response.delete_cookie(NONCE_COOKIE, path="/")
    return response


@router.get("/signed-out")
def signed_out() -> RedirectResponse:
    """Clear the session cookie after the session was revoked server-side."""
    response = RedirectResponse("/login?signed_out=1", status_code=303)
    response.delete_cookie(sessions.COOKIE_NAME, path="/")
    return response


@router.post("/logout")
def logout(request: Request, session: Session = Depends(db_session, scope="function")) -> RedirectResponse:
    """Revoke this browser's session and clear its cookie (same-site POSTs only: no forced sign-out)."""
    require_same_origin(request)
    sessions.revoke_token(session=session, token=request.cookies.get(sessions.COOKIE_NAME))
    response = RedirectResponse("/login?signed_out=1", status_code=303)
    response.delete_cookie(sessions.COOKIE_NAME, path="/")
    return response


@router.get("/verify-email")
def verify_email(token: str = "", session: Session = Depends(db_session, scope="function")) -> RedirectResponse:
    """Land from the verification email, then show the result page."""
    try:
        verification.verify_email(session=session, token=token)
    except DomainError:
        return RedirectResponse("/email-verified?status=invalid", status_code=303)
    return RedirectResponse("/email-verified?status=ok", status_code=303)
