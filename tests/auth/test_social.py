"""Social sign-in rules on SQLite and PostgreSQL: links, verified-email matches, new accounts, unlinking."""

from __future__ import annotations

import pyotp
import pytest
from sqlmodel import select

from metaic.auth import api_tokens, mfa, sessions, social
from metaic.auth import service as user_service
from metaic.auth.models import SocialAccount, User
from metaic.config import Settings
from metaic.core.errors import Conflict, NotFound

PASSWORD = "Correct-Horse-42"


def _links(session, user_id=None) -> list[SocialAccount]:
    """Every stored link, optionally of one user."""
    query = select(SocialAccount)
    if user_id is not None:
        query = query.where(SocialAccount.user_id == user_id)
    return list(session.exec(query))


def _users(session) -> list[User]:
    """Every account."""
    return list(session.exec(select(User)))


def test_enabled_providers_lists_only_configured_ones(monkeypatch):
    for name in (
        "GOOGLE_CLIENT_ID",
        "GOOGLE_CLIENT_SECRET",
        "APPLE_CLIENT_ID",
        "APPLE_TEAM_ID",
        "APPLE_PRIVATE_KEY",
        "WECHAT_APP_ID",
        "WECHAT_APP_SECRET",
    ):
        monkeypatch.delenv(name, raising=False)
    assert social.enabled_providers(Settings(_env_file=None)) == []
    settings = Settings(
        _env_file=None, GOOGLE_CLIENT_ID="g", GOOGLE_CLIENT_SECRET="s", WECHAT_APP_ID="wx", WECHAT_APP_SECRET="ws"
    )
    assert social.enabled_providers(settings) == [("google", "Google"), ("wechat", "WeChat")]
    apple = Settings(_env_file=None, APPLE_CLIENT_ID="a", APPLE_TEAM_ID="t", APPLE_PRIVATE_KEY="k")
    assert social.enabled_providers(apple) == [("apple", "Apple")]


def test_first_sign_in_creates_a_passwordless_account_and_second_finds_it(session):
    user = social.sign_in(
        session=session,
        provider="google",
        subject="g-1",
        email="Ada@Example.com",
        email_verified=True,
        name="  Ada \x07 Lovelace ",
    )
    assert user.email == "ada@example.com" and user.name == "Ada Lovelace"
    assert user.password_hash is None and user.email_verified_at is not None
    again = social.sign_in(
        session=session,
        provider="google",
        subject="g-1",
        email="ada.new@example.com",
        email_verified=True,
        name="Someone Else",
    )
    assert again.id == user.id and again.name == "Ada Lovelace"
    [link] = _links(session)
    assert (link.provider, link.subject, link.email) == ("google", "g-1", "ada.new@example.com")
    assert [a.provider for a in social.list_for_user(session=session, user=user)] == ["google"]


def test_verified_email_links_to_the_existing_account(session):
    owner = user_service.create(session=session, email="ada@example.com", password=PASSWORD, name="Ada", verified=True)
    user = social.sign_in(
        session=session, provider="apple", subject="a-1", email="ADA@example.com", email_verified=True
    )
    assert user.id == owner.id and len(_users(session)) == 1
    assert user.password_hash is not None  # a verified owner keeps their password
    assert [(a.provider, a.subject) for a in _links(session, owner.id)] == [("apple", "a-1")]


def test_verified_email_marks_an_unverified_account_verified_and_drops_unproven_credentials(session):
    # Someone registered the owner's address with their own password and MFA, before the owner arrived.
    squatter = user_service.create(session=session, email="ada@example.com", password=PASSWORD, name="Mallory")
    secret = mfa.start_enrolment(session=session, user=squatter)
    mfa.confirm_enrolment(session=session, user=squatter, code=pyotp.TOTP(secret).now())
    token = sessions.create(session=session, user=squatter, remember=False, activated=True)
    api_tokens.issue(session=session, user=squatter)
    user = social.sign_in(
        session=session, provider="google", subject="g-1", email="ada@example.com", email_verified=True
    )
    assert user.id == squatter.id and user.email_verified_at is not None
    assert user.password_hash is None and user.mfa_enabled_at is None
    assert user_service.authenticate(session=session, email="ada@example.com", password=PASSWORD) is None
    assert sessions.resolve(session=session, token=token) is None
    assert api_tokens.revoke_all(session=session, user_id=user.id) == 0


def test_unverified_email_never_takes_over_an_existing_account(session):
    owner = user_service.create(session=session, email="ada@example.com", password=PASSWORD, name="Ada", verified=True)
    with pytest.raises(social.SocialSignInRefused) as err:
        social.sign_in(
            session=session, provider="google", subject="evil", email="ada@example.com", email_verified=False
        )
    assert err.value.reason == "unverified" and err.value.status == 401
    assert _links(session) == [] and len(_users(session)) == 1
    assert user_service.get(session=session, user_id=owner.id).password_hash is not None


def test_unverified_email_without_an_account_creates_an_unverified_one(session):
    user = social.sign_in(
        session=session, provider="google", subject="g-2", email="new@example.com", email_verified=False, name="New"
    )
    assert user.email_verified_at is None and user.password_hash is None
    assert len(_links(session, user.id)) == 1


def test_no_email_and_no_link_is_refused_with_advice(session):
    for email in (None, "", "not-an-email"):
        with pytest.raises(social.SocialSignInRefused) as err:
            social.sign_in(session=session, provider="wechat", subject="u-1", email=email, email_verified=False)
        assert err.value.reason == "no_email" and "link WeChat from your account settings" in err.value.message
    assert _users(session) == []


def test_wechat_links_to_a_signed_in_user_then_signs_in(session):
    owner = user_service.create(session=session, email="ada@example.com", password=PASSWORD, verified=True)
    social.link(session=session, user=owner, provider="wechat", subject="u-1")
    # Linking again is a no-op; the link now signs in without any email.
    social.link(session=session, user=owner, provider="wechat", subject="u-1")
    assert (
        social.sign_in(session=session, provider="wechat", subject="u-1", email=None, email_verified=False).id
        == owner.id
    )
    assert len(_links(session)) == 1


def test_link_refuses_identities_of_other_accounts_and_a_second_one_per_provider(session):
    ada = user_service.create(session=session, email="ada@example.com", password=PASSWORD, verified=True)
    bob = user_service.create(session=session, email="bob@example.com", password=PASSWORD, verified=True)
    social.link(session=session, user=ada, provider="google", subject="g-ada", email="ada@example.com")
    with pytest.raises(Conflict):
        social.link(session=session, user=bob, provider="google", subject="g-ada")
    with pytest.raises(Conflict):
        social.link(session=session, user=ada, provider="google", subject="g-other")
    with pytest.raises(NotFound):
        social.link(session=session, user=ada, provider="myspace", subject="x")
    assert [a.user_id for a in _links(session)] == [ada.id]


def test_disabled_accounts_cannot_sign_in_through_a_link(session):
    user = social.sign_in(
        session=session, provider="google", subject="g-1", email="ada@example.com", email_verified=True
    )
    user.is_active = False
    session.add(user)
    with pytest.raises(social.SocialSignInRefused) as err:
        social.sign_in(session=session, provider="google", subject="g-1", email="ada@example.com", email_verified=True)
    assert err.value.reason == "disabled"


def test_unlink_keeps_at_least_one_way_to_sign_in(session):
    user = social.sign_in(
        session=session, provider="google", subject="g-1", email="ada@example.com", email_verified=True
    )
    with pytest.raises(Conflict, match="only way to sign in"):
        social.unlink(session=session, user=user, provider="google")
    social.link(session=session, user=user, provider="wechat", subject="u-1")
    social.unlink(session=session, user=user, provider="google")  # WeChat remains
    with pytest.raises(Conflict):
        social.unlink(session=session, user=user, provider="wechat")
    with pytest.raises(NotFound):
        social.unlink(session=session, user=user, provider="google")
    user_service.set_password(session=session, user=user, new_password=PASSWORD)
    social.unlink(session=session, user=user, provider="wechat")  # the password remains
    assert social.list_for_user(session=session, user=user) == []
