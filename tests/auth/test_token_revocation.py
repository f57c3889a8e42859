"""An access token dies with the credentials it was issued under (issue 11 finding 9).

A password change used to revoke the refresh tokens but leave the 15-minute access token working: a thief
who held it kept the account for the rest of its life. Every bearer request now checks the account's
credential version, which password changes, resets, signing out everywhere and MFA changes bump.
"""

from __future__ import annotations

import jwt
import pyotp
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from metaic.auth import api_tokens, flows, mfa, verification
from metaic.auth import service as user_service
from metaic.auth.models import User
from metaic.config import get_settings
from metaic.db import get_engine, session_scope
from metaic.schema import metadata
from tests.support.http import problem

PASSWORD = "Correct-Horse-42"
NEW_PASSWORD = "Another-Secret-77"


def _signed_in(client) -> dict[str, str]:
    """A committed account signed in through the API; the bearer header of its access token."""
    with session_scope() as s:
        user_service.create(session=s, email="ada@example.com", password=PASSWORD, name="Ada", verified=True)
    response = client.post("/api/v1/auth/token", json={"email": "ada@example.com", "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _owner(s) -> User:
    """Ada's row in this transaction."""
    return user_service.get_by_email(session=s, email="ada@example.com")


def _works(client, bearer: dict[str, str]) -> bool:
    """True when /me accepts the bearer token, False on a 401 problem."""
    response = client.get("/api/v1/me", headers=bearer)
    if response.status_code == 200:
        return True
    problem(response, 401)
    return False


def test_password_change_kills_the_access_token(client, outbox):
    bearer = _signed_in(client)
    assert _works(client, bearer)
    with session_scope() as s:
        flows.change_password(
            session=s, user=_owner(s), current_password=PASSWORD, new_password=NEW_PASSWORD, current_token=None
        )
    assert not _works(client, bearer)
    # Signing in again with the new password gives a token that works.
    fresh = client.post("/api/v1/auth/token", json={"email": "ada@example.com", "password": NEW_PASSWORD})
    assert _works(client, {"Authorization": f"Bearer {fresh.json()['access_token']}"})


def test_password_reset_kills_the_access_token(client, outbox):
    bearer = _signed_in(client)
    with session_scope() as s:
        token = verification.password_reset_link(_owner(s)).split("token=")[1]
        flows.reset_password(session=s, token=token, new_password=NEW_PASSWORD)
    assert not _works(client, bearer)


def test_signing_out_everywhere_kills_the_access_token(client, outbox):
    bearer = _signed_in(client)
    with session_scope() as s:
        flows.sign_out_everywhere(session=s, user=_owner(s), keep_token=None)
    assert not _works(client, bearer)


def test_turning_mfa_on_or_off_kills_the_access_token(client, outbox):
    bearer = _signed_in(client)
    with session_scope() as s:
        secret = mfa.start_enrolment(session=s, user=_owner(s))
    assert _works(client, bearer)  # starting enrolment changes nothing yet
    with session_scope() as s:
        mfa.confirm_enrolment(session=s, user=_owner(s), code=pyotp.TOTP(secret).now())
    assert not _works(client, bearer)
    creds = {"email": "ada@example.com", "password": PASSWORD, "code": pyotp.TOTP(secret).now()}
    second = {"Authorization": f"Bearer {client.post('/api/v1/auth/token', json=creds).json()['access_token']}"}
    assert _works(client, second)
    with session_scope() as s:
        mfa.disable(session=s, user=_owner(s), password=PASSWORD, code=pyotp.TOTP(secret).now())
    assert not _works(client, second)


def test_another_account_keeps_its_token(client, outbox):
    bearer = _signed_in(client)
    with session_scope() as s:
        user_service.create(session=s, email="bob@example.com", password=PASSWORD, name="Bob", verified=True)
    bob = client.post("/api/v1/auth/token", json={"email": "bob@example.com", "password": PASSWORD}).json()
    with session_scope() as s:
        flows.change_password(
            session=s, user=_owner(s), current_password=PASSWORD, new_password=NEW_PASSWORD, current_token=None
        )
    assert not _works(client, bearer)
    assert _works(client, {"Authorization": f"Bearer {bob['access_token']}"})


def test_a_token_without_the_credential_version_is_refused(client):
    """A validly signed token that names no credential version (forged or from before the change) is a 401."""
    bearer = _signed_in(client)
    token = bearer["Authorization"].split()[1]
    claims = jwt.decode(token, options={"verify_signature": False})
    del claims["cv"]
    stale = jwt.encode(claims, get_settings().secret_key, algorithm=api_tokens.ALGORITHM)
    assert not _works(client, {"Authorization": f"Bearer {stale}"})


def test_the_migration_matches_the_users_model(db):
    """After `upgrade heads`, `users` (credential_version included) is exactly what the model says."""
    with get_engine().connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert [d for d in compare_metadata(context, metadata) if "'users'" in repr(d)] == []
    with session_scope() as s:
        user = user_service.create(session=s, email="ada@example.com", password=PASSWORD)
    with session_scope() as s:
        assert s.get(User, user.id).credential_version == 0
