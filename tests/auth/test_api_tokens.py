"""API access tokens and rotating refresh tokens, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta

import jwt
import pytest
from sqlmodel import select

from metaic.auth import api_tokens, flows
from metaic.auth import service as user_service
from metaic.auth.models import RefreshToken
from metaic.config import get_settings
from metaic.core import clock
from metaic.core.errors import AuthenticationFailed
from metaic.core.security import hash_token
from metaic.db import session_scope

PASSWORD = "Correct-Horse-42"


def _user(session, email: str = "ada@example.com"):
    """A fresh account."""
    return user_service.create(session=session, email=email, password=PASSWORD, name="Ada")


def _rows(session, user_id: uuid.UUID) -> list[RefreshToken]:
    """Every refresh token row of a user."""
    return list(session.exec(select(RefreshToken).where(RefreshToken.user_id == user_id)))


def test_access_token_lasts_fifteen_minutes(session):
    """An access token names its user and expires after 15 minutes by our clock."""
    user = _user(session)
    pair = api_tokens.issue(session=session, user=user)
    assert pair.expires_in == 15 * 60 and pair.token_type == "bearer"
    assert api_tokens.user_id_from_access(pair.access_token) == user.id
    clock.advance(timedelta(minutes=14, seconds=58))
    assert api_tokens.user_id_from_access(pair.access_token) == user.id
    clock.advance(timedelta(seconds=3))
    with pytest.raises(AuthenticationFailed, match="expired"):
        api_tokens.user_id_from_access(pair.access_token)


def test_access_token_issued_later_is_valid(session):
    """A token issued after the clock moved on works (no real-time `iat` surprise)."""
    user = _user(session)
    clock.advance(timedelta(hours=2))
    pair = api_tokens.issue(session=session, user=user)
    assert api_tokens.user_id_from_access(pair.access_token) == user.id
    clock.advance(timedelta(minutes=16))
    with pytest.raises(AuthenticationFailed, match="expired"):
        api_tokens.user_id_from_access(pair.access_token)


def _b64(data: dict) -> str:
    """Unpadded base64url JSON, as in a JWT segment."""
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_tampered_or_forged_access_tokens_are_refused(session):
    """Any change to the token, another key, another audience or `alg: none` is refused."""
    user = _user(session)
    other = _user(session, "eve@example.com")
    good = api_tokens.issue(session=session, user=user).access_token
    header, payload, signature = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    now = int(clock.now().timestamp())
    base = {"sub": str(user.id), "aud": api_tokens.AUDIENCE, "iat": now, "exp": now + 600}
    flipped = signature[:-3] + ("A" if signature[-3] != "A" else "B") + signature[-2:]
    forged = [
        f"{header}.{payload}.{flipped}",
        f"{header}.{_b64({**claims, 'sub': str(other.id), 'role': 'admin'})}.{signature}",
        jwt.encode(base, "another-secret-key-of-sufficient-length", algorithm="HS256"),
        jwt.encode({**base, "aud": "someone-else"}, get_settings().secret_key, algorithm="HS256"),
        jwt.encode({k: v for k, v in base.items() if k != "exp"}, get_settings().secret_key, algorithm="HS256"),
        jwt.encode({**base, "sub": "not-a-uuid"}, get_settings().secret_key, algorithm="HS256"),
        f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(base)}.",
        "garbage",
        "",
        "a.b.c",
        api_tokens.issue(session=session, user=user).refresh_token,
    ]
    for token in forged:
        with pytest.raises(AuthenticationFailed, match="not valid"):
            api_tokens.user_id_from_access(token)


def test_refresh_rotates(session):
    """A refresh token buys a new pair in the same family; the old one is marked used."""
    user = _user(session)
    first = api_tokens.issue(session=session, user=user)
    second = api_tokens.rotate(session=session, refresh_token=first.refresh_token)
    assert second.refresh_token != first.refresh_token
    assert api_tokens.user_id_from_access(second.access_token) == user.id
    rows = {r.token_hash: r for r in _rows(session, user.id)}
    old, new = rows[hash_token(first.refresh_token)], rows[hash_token(second.refresh_token)]
    assert old.used_at is not None and new.used_at is None and old.family_id == new.family_id
    third = api_tokens.rotate(session=session, refresh_token=second.refresh_token)
    assert len({first.refresh_token, second.refresh_token, third.refresh_token}) == 3
    for bad in ("", "unknown-token"):
        with pytest.raises(AuthenticationFailed):
            api_tokens.rotate(session=session, refresh_token=bad)


def test_reuse_revokes_family_and_revocation_persists(db):
    """Replaying a used refresh token kills its family, even though the request itself fails."""
    with session_scope() as s:
        user = _user(s)
        stolen = api_tokens.issue(session=s, user=user)
        other_login = api_tokens.issue(session=s, user=user)
        user_id = user.id
    with session_scope() as s:
        fresh = api_tokens.rotate(session=s, refresh_token=stolen.refresh_token)
    with pytest.raises(AuthenticationFailed, match="already used"), session_scope() as s:
        api_tokens.rotate(session=s, refresh_token=stolen.refresh_token)
    with session_scope() as s:
        by_hash = {r.token_hash: r for r in _rows(s, user_id)}
        assert by_hash[hash_token(fresh.refresh_token)].revoked_at is not None
        assert by_hash[hash_token(other_login.refresh_token)].revoked_at is None
    with pytest.raises(AuthenticationFailed), session_scope() as s:
        api_tokens.rotate(session=s, refresh_token=fresh.refresh_token)
    with session_scope() as s:
        assert api_tokens.rotate(session=s, refresh_token=other_login.refresh_token).refresh_token


def test_expired_refresh_token_is_refused(session):
    """A refresh token works until REFRESH_TOKEN_DAYS have passed, then never."""
    user = _user(session)
    early = api_tokens.issue(session=session, user=user)
    late = api_tokens.issue(session=session, user=user)
    clock.advance(timedelta(days=get_settings().refresh_token_days) - timedelta(minutes=1))
    assert api_tokens.rotate(session=session, refresh_token=early.refresh_token)
    clock.advance(timedelta(minutes=2))
    with pytest.raises(AuthenticationFailed, match="expired"):
        api_tokens.rotate(session=session, refresh_token=late.refresh_token)


def test_inactive_account_cannot_refresh(session):
    """A deactivated account's refresh tokens stop working."""
    user = _user(session)
    pair = api_tokens.issue(session=session, user=user)
    user.is_active = False
    session.add(user)
    with pytest.raises(AuthenticationFailed):
        api_tokens.rotate(session=session, refresh_token=pair.refresh_token)


def test_password_change_and_reset_revoke_refresh_tokens(session, outbox):
    """Changing or resetting the password revokes every refresh token of the account."""
    from metaic.auth import verification

    user = _user(session)
    bob = _user(session, "bob@example.com")
    pairs = [api_tokens.issue(session=session, user=user) for _ in range(2)]
    bobs = api_tokens.issue(session=session, user=bob)
    flows.change_password(
        session=session, user=user, current_password=PASSWORD, new_password="Another-Secret-77", current_token=None
    )
    for pair in pairs:
        with pytest.raises(AuthenticationFailed):
            api_tokens.rotate(session=session, refresh_token=pair.refresh_token)
    assert all(r.revoked_at is not None for r in _rows(session, user.id))
    assert api_tokens.rotate(session=session, refresh_token=bobs.refresh_token)
    after = api_tokens.issue(session=session, user=user)
    token = verification.password_reset_link(user).split("token=")[1]
    flows.reset_password(session=session, token=token, new_password="Third-Secret-99")
    with pytest.raises(AuthenticationFailed):
        api_tokens.rotate(session=session, refresh_token=after.refresh_token)
