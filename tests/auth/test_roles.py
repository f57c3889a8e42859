"""Roles enforced in the services, the last-admin rule, and account deletion cascades."""

from __future__ import annotations

import pyotp
import pytest
from sqlmodel import func, select

from metaic.auth import api_tokens, mfa, sessions, verification
from metaic.auth import service as user_service
from metaic.auth.models import (
    ROLE_ADMIN,
    ROLE_USER,
    PhoneVerification,
    RecoveryCode,
    RefreshToken,
    SocialAccount,
    User,
    UserSession,
)
from metaic.core.errors import NotFound, PermissionDenied, ValidationError

PASSWORD = "Correct-Horse-42"


def _user(session, email: str, role: str = ROLE_USER) -> User:
    """A fresh account with a role."""
    return user_service.create(session=session, email=email, password=PASSWORD, name=email.split("@")[0], role=role)


def _count(session, model, user_id) -> int:
    """Rows of a table that belong to a user."""
    return session.exec(select(func.count()).select_from(model).where(model.user_id == user_id)).one()


def test_only_admins_list_accounts(session):
    """`list_` refuses ordinary users, nobody and deactivated admins."""
    admin = _user(session, "admin@example.com", ROLE_ADMIN)
    user = _user(session, "user@example.com")
    for actor in (user, None):
        with pytest.raises(PermissionDenied):
            user_service.list_(session=session, actor=actor)
    emails = {u.email for u in user_service.list_(session=session, actor=admin)}
    assert emails == {"admin@example.com", "user@example.com"}
    assert len(user_service.list_(session=session, actor=admin, limit=1)) == 1
    admin.is_active = False
    with pytest.raises(PermissionDenied):
        user_service.list_(session=session, actor=admin)


def test_only_admins_set_roles(session):
    """`set_role` refuses non-admins (even on themselves) and unknown roles."""
    admin = _user(session, "admin@example.com", ROLE_ADMIN)
    user = _user(session, "user@example.com")
    other = _user(session, "other@example.com")
    for target in (user, other, admin):
        with pytest.raises(PermissionDenied):
            user_service.set_role(session=session, actor=user, user=target, role=ROLE_ADMIN)
    assert (user.role, other.role, admin.role) == (ROLE_USER, ROLE_USER, ROLE_ADMIN)
    with pytest.raises(ValidationError):
        user_service.set_role(session=session, actor=admin, user=user, role="superuser")
    assert user_service.set_role(session=session, actor=admin, user=user, role=ROLE_ADMIN).role == ROLE_ADMIN
    assert user_service.list_(session=session, actor=user)


def test_unknown_role_refused_at_creation(session):
    """Accounts can only be created with a known role."""
    with pytest.raises(ValidationError):
        _user(session, "root@example.com", role="root")


def test_last_admin_cannot_be_demoted(session):
    """At least one admin always remains."""
    first = _user(session, "first@example.com", ROLE_ADMIN)
    with pytest.raises(PermissionDenied):
        user_service.set_role(session=session, actor=first, user=first, role=ROLE_USER)
    assert first.role == ROLE_ADMIN
    second = _user(session, "second@example.com")
    user_service.set_role(session=session, actor=first, user=second, role=ROLE_ADMIN)
    session.flush()
    user_service.set_role(session=session, actor=second, user=first, role=ROLE_USER)
    session.flush()
    assert user_service.count_admins(session=session) == 1
    with pytest.raises(PermissionDenied):
        user_service.set_role(session=session, actor=second, user=second, role=ROLE_USER)


def test_last_admin_cannot_be_deleted(session):
    """The last admin must hand over before deleting the account."""
    admin = _user(session, "admin@example.com", ROLE_ADMIN)
    with pytest.raises(PermissionDenied):
        user_service.delete(session=session, user=admin, password=PASSWORD)
    assert user_service.get(session=session, user_id=admin.id) is not None
    heir = _user(session, "heir@example.com")
    user_service.set_role(session=session, actor=admin, user=heir, role=ROLE_ADMIN)
    session.flush()
    user_service.delete(session=session, user=admin, password=PASSWORD)
    session.expire_all()
    assert user_service.get(session=session, user_id=admin.id) is None
    assert user_service.count_admins(session=session) == 1


def test_delete_needs_the_password(session):
    """Deleting an account with a password asks for it."""
    user = _user(session, "ada@example.com")
    for wrong in ("wrong-password", "", None):
        with pytest.raises(ValidationError):
            user_service.delete(session=session, user=user, password=wrong)
    assert user_service.get(session=session, user_id=user.id) is not None


def test_delete_cascades_owned_rows(session):
    """Deleting an account removes its sessions, recovery codes, refresh tokens and other rows."""
    user = _user(session, "ada@example.com")
    bystander = _user(session, "bob@example.com")
    token = sessions.create(session=session, user=user, remember=True, activated=True)
    bob_token = sessions.create(session=session, user=bystander, remember=True, activated=True)
    secret = mfa.start_enrolment(session=session, user=user)
    mfa.confirm_enrolment(session=session, user=user, code=pyotp.TOTP(secret).now())
    api_tokens.issue(session=session, user=user)
    bob_pair = api_tokens.issue(session=session, user=bystander)
    verification.start_phone_verification(session=session, user=user, phone="+14155550123")
    session.add(SocialAccount(user_id=user.id, provider="google", subject="g-123", email=user.email))
    session.flush()
    owned = (UserSession, RecoveryCode, RefreshToken, PhoneVerification, SocialAccount)
    assert all(_count(session, model, user.id) > 0 for model in owned)
    user_id = user.id
    user_service.delete(session=session, user=user, password=PASSWORD)
    session.expire_all()
    assert {model.__name__: _count(session, model, user_id) for model in owned} == dict.fromkeys(
        (m.__name__ for m in owned), 0
    )
    assert sessions.resolve(session=session, token=token) is None
    with pytest.raises(NotFound):
        user_service.require(session=session, user_id=user_id)
    assert sessions.resolve(session=session, token=bob_token) is not None
    assert api_tokens.rotate(session=session, refresh_token=bob_pair.refresh_token)


def test_delete_ends_redis_sessions(session, redis_url):
    """With sessions in Redis (no cascade), a deleted account's cookie no longer resolves."""
    user = _user(session, "ada@example.com")
    token = sessions.create(session=session, user=user, remember=True, activated=True)
    assert sessions.resolve(session=session, token=token) is not None
    user_service.delete(session=session, user=user, password=PASSWORD)
    session.expire_all()
    assert sessions.resolve(session=session, token=token) is None
