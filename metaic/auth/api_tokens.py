"""API credentials: 15-minute JWT access tokens and rotating refresh tokens with reuse detection.

An access token carries the account's credential version (`cv`); every bearer request compares it with
the account's current one, so a password change, a reset, signing out everywhere or an MFA change ends
the access tokens already handed out, not only the refresh tokens.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import jwt
from sqlmodel import Session, select, update

from metaic.audit import service as audit
from metaic.auth.models import RefreshToken, User
from metaic.config import get_settings
from metaic.core import clock
from metaic.core.errors import AuthenticationFailed
from metaic.core.security import hash_token, new_token

ALGORITHM = "HS256"
AUDIENCE = "metaic-api"


@dataclass(frozen=True)
class TokenPair:
    """What a client receives after signing in or refreshing."""

    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"


def _access_token(user: User) -> tuple[str, int]:
    """Sign a short-lived access token for a user."""
    settings = get_settings()
    lifetime = settings.access_token_minutes * 60
    now = clock.now()
    claims = {
        "sub": str(user.id),
        "cv": user.credential_version,
        "role": user.role,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + timedelta(seconds=lifetime),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM), lifetime


def issue(*, session: Session, user: User, family_id: uuid.UUID | None = None) -> TokenPair:
    """Issue an access token and a new refresh token (a new family unless rotating)."""
    refresh = new_token()
    session.add(
        RefreshToken(
            user_id=user.id,
            family_id=family_id or uuid.uuid4(),
            token_hash=hash_token(refresh),
            expires_at=clock.now() + timedelta(days=get_settings().refresh_token_days),
        )
    )
    session.flush()
    if family_id is None:  # a new sign-in through the API, not a rotation
        audit.record(session=session, action="api_token.created", subject_id=user.id, actor_id=user.id)
    access, lifetime = _access_token(user)
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=lifetime)


def _claims(token: str) -> dict:
    """The claims of a valid, unexpired access token."""
    try:
        claims = jwt.decode(
            token,
            get_settings().secret_key,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            options={"require": ["exp", "sub", "iat"], "verify_iat": False},
            leeway=0,
        )
        # pyjwt checks exp (and would check iat) against the real clock; our clock decides (tests move it,
        # and an `iat` a moment ahead of this host's clock must not void a token issued by another host).
        if claims["exp"] <= clock.now().timestamp():
            raise jwt.ExpiredSignatureError
        claims["sub"] = uuid.UUID(claims["sub"])
        return claims
    except jwt.ExpiredSignatureError as exc:
        raise AuthenticationFailed("The access token has expired; refresh it.") from exc
    except (jwt.InvalidTokenError, ValueError, TypeError, AttributeError) as exc:
        raise AuthenticationFailed("The access token is not valid.") from exc


def user_id_from_access(token: str) -> uuid.UUID:
    """Validate an access token's signature and lifetime and return its user id."""
    return _claims(token)["sub"]


def user_for_access(*, session: Session, token: str) -> User:
    """The active account an access token was issued to, under its current credentials; 401 otherwise."""
    claims = _claims(token)
    user = session.get(User, claims["sub"])
    if user is None or not user.is_active:
        # A dead credential is a 401 (sign in again), not a 404 about some resource.
        raise AuthenticationFailed("The account is not active.")
    version = claims.get("cv")
    if type(version) is not int or version != user.credential_version:
        raise AuthenticationFailed("The access token was revoked; sign in again.")
    return user


def rotate(*, session: Session, refresh_token: str) -> TokenPair:
    """Trade a refresh token for a new pair; a reused token revokes its whole family."""
    row = session.exec(select(RefreshToken).where(RefreshToken.token_hash == hash_token(refresh_token or ""))).first()
    if row is None:
        raise AuthenticationFailed("The refresh token is not valid.")
    if row.used_at is not None or row.revoked_at is not None:
        revoke_family(session=session, family_id=row.family_id)
        # Keep the revocation even though the caller rolls back on the error.
        session.commit()
        raise AuthenticationFailed("This refresh token was already used; sign in again.")
    if clock.as_utc(row.expires_at) <= clock.now():
        raise AuthenticationFailed("The refresh token has expired; sign in again.")
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise AuthenticationFailed("The account is not active.")
    row.used_at = clock.now()
    session.add(row)
    return issue(session=session, user=user, family_id=row.family_id)


def revoke_family(*, session: Session, family_id: uuid.UUID) -> int:
    """Revoke every token of one family; returns how many were live."""
    count, owner = 0, None
    for row in session.exec(select(RefreshToken).where(RefreshToken.family_id == family_id)):
        if row.revoked_at is None:
            row.revoked_at = clock.now()
            session.add(row)
            count, owner = count + 1, row.user_id
    if count:
        why = "a used refresh token came back: every token of its sign-in ended"
        audit.record(
            session=session, action="api_token.revoked", subject_id=owner, target_id=str(family_id), detail=why
        )
    return count


def revoke_all(*, session: Session, user_id: uuid.UUID) -> int:
    """End every API token of a user: refresh tokens revoked, access tokens voided by a new credential version.

    Returns how many refresh tokens were live. Password changes and resets, signing out everywhere, MFA
    changes and a provider taking over an account all call this.
    """
    bump_credential_version(session=session, user_id=user_id)
    count = 0
    live = select(RefreshToken).where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
    for row in session.exec(live):
        row.revoked_at = clock.now()
        session.add(row)
        count += 1
    return count


def bump_credential_version(*, session: Session, user_id: uuid.UUID) -> None:
    """Void every access token issued so far to a user (the counter goes up in SQL, so concurrent bumps add up)."""
    session.exec(update(User).where(User.id == user_id).values(credential_version=User.credential_version + 1))
    user = session.get(User, user_id)
    if user is not None:
        # Read the new value back, so tokens issued later in this transaction carry it.
        session.refresh(user, ["credential_version"])
