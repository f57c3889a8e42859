"""`/api/v1/auth` and `/api/v1/me`: tokens for API clients."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlmodel import Session

from metaic.api.deps import client_ip, current_user, db_session
from metaic.auth import api_tokens, flows
from metaic.auth.models import User, UserRead
from metaic.core.errors import AuthenticationFailed

router = APIRouter(prefix="/api/v1", tags=["auth"])

SIGNUP_SENT = "Check your email: we sent a message to finish signing up."


class SignupBody(BaseModel):
    """Sign-up request."""

    email: str = Field(max_length=254)
    password: str = Field(max_length=256)
    name: str = Field(default="", max_length=120)


class TokenBody(BaseModel):
    """Password grant, with the MFA code when two-step sign-in is on."""

    email: str = Field(max_length=254)
    password: str = Field(max_length=256)
    code: str | None = Field(default=None, max_length=32)


class RefreshBody(BaseModel):
    """A refresh token to rotate or revoke."""

    refresh_token: str = Field(max_length=200)


class ResetBody(BaseModel):
    """Password reset request."""

    email: str = Field(max_length=254)


class TokenResponse(BaseModel):
    """A fresh token pair."""

    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"


def _pair(pair: api_tokens.TokenPair) -> TokenResponse:
    """Convert the domain pair to the response model."""
    return TokenResponse(access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in)


class SignupAccepted(BaseModel):
    """The answer to every well-formed sign-up: whether the address already had an account is told by email only."""

    detail: str


@router.post("/auth/signup", status_code=202)
def signup(
    body: SignupBody, request: Request, session: Session = Depends(db_session, scope="function")
) -> SignupAccepted:
    """Start an account: the address gets a verification link (or, if it has an account, a note saying so)."""
    flows.signup(session=session, email=body.email, password=body.password, name=body.name, ip=client_ip(request))
    return SignupAccepted(detail=SIGNUP_SENT)


@router.post("/auth/token")
def token(body: TokenBody, request: Request, session: Session = Depends(db_session, scope="function")) -> TokenResponse:
    """Sign in with email and password (and an MFA code when on)."""
    step = flows.check_password(session=session, email=body.email, password=body.password, ip=client_ip(request))
    user = step.user
    if step.mfa_challenge:
        if not body.code:
            raise AuthenticationFailed("Two-step sign-in is on: send `code` too.", field="code")
        user = flows.check_mfa(session=session, challenge=step.mfa_challenge, code=body.code)
    return _pair(api_tokens.issue(session=session, user=user))


@router.post("/auth/refresh")
def refresh(body: RefreshBody, session: Session = Depends(db_session, scope="function")) -> TokenResponse:
    """Rotate a refresh token; reusing an old one revokes the whole family."""
    return _pair(api_tokens.rotate(session=session, refresh_token=body.refresh_token))


@router.post("/auth/password-reset", status_code=202)
def password_reset(body: ResetBody, request: Request, session: Session = Depends(db_session, scope="function")) -> dict:
    """Email a reset link if the account exists; the answer is the same either way."""
    flows.request_password_reset(session=session, email=body.email, ip=client_ip(request))
    return {"detail": "If an account uses this address, we sent it a reset link."}


@router.get("/me")
def me(user: User = Depends(current_user)) -> UserRead:
    """The signed-in account."""
    return UserRead.of(user)
