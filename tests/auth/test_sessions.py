"""Browser sessions in the database (with and without Redis configured), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from metaic.auth import service as user_service
from metaic.auth import sessions
from metaic.auth.models import UserSession
from metaic.config import get_settings
from metaic.core import clock
from metaic.core.errors import AuthenticationFailed, NotFound
from metaic.core.kv import get_redis
from metaic.core.security import hash_token

PASSWORD = "Correct-Horse-42"
CHROME_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Safari/604.1"


@pytest.fixture(params=["db-store", "redis-store"])
def store(request: pytest.FixtureRequest) -> str:
    """Run without Redis, then with Redis configured (sessions stay in the database either way)."""
    if request.param == "redis-store":
        request.getfixturevalue("redis_url")
    return request.param


def _user(session, email: str = "ada@example.com"):
    """A fresh account."""
    return user_service.create(session=session, email=email, password=PASSWORD, name="Ada")


def _login(session, user, *, remember: bool = False, nonce: str = "nonce-1", **kwargs) -> tuple[str, str]:
    """Create a pending session and its ticket; returns (token, ticket)."""
    token = sessions.create(session=session, user=user, remember=remember, **kwargs)
    return token, sessions.issue_ticket(token, nonce)


def test_sessions_live_in_the_database_with_or_without_redis(session, store):
    """The database is the one authority: with Redis configured nothing about a session is kept in Redis."""
    user = _user(session)
    token = sessions.create(session=session, user=user, remember=False, activated=True)
    assert session.get(UserSession, hash_token(token)) is not None
    client = get_redis()
    assert (client is not None) == (store == "redis-store")
    if client is not None:
        assert client.keys("metaic:session*") == [] and client.keys("metaic:user-sessions*") == []
    assert sessions.resolve(session=session, token=token)[0].id == user.id


def test_a_session_an_older_release_kept_in_redis_moves_into_the_database(session, redis_url):
    """Nobody is signed out by the upgrade: a legacy Redis session is adopted on first use, once."""
    user = _user(session)
    token = "legacy-token-0123456789"
    now = clock.now()
    legacy = UserSession(
        id=hash_token(token),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(days=1),
        activated_at=now,
    )
    get_redis().set(sessions.LEGACY_PREFIX + legacy.id, legacy.model_dump_json(), ex=86400)
    assert sessions.resolve(session=session, token=token)[0].id == user.id
    assert session.get(UserSession, legacy.id) is not None
    assert get_redis().exists(sessions.LEGACY_PREFIX + legacy.id) == 0
    sessions.revoke_token(session=session, token=token)
    assert sessions.resolve(session=session, token=token) is None


def test_ended_sessions_are_purged(session, store):
    """Expired and revoked rows go; live and pending ones stay."""
    user = _user(session)
    live = sessions.create(session=session, user=user, remember=True, activated=True)
    short = sessions.create(session=session, user=user, remember=False, activated=True)
    clock.advance(timedelta(days=get_settings().session_days, minutes=1))
    assert sessions.purge_ended(session=session) == 1
    assert session.get(UserSession, hash_token(short)) is None
    assert sessions.resolve(session=session, token=live) is not None


def test_session_unusable_until_ticket_redeemed(session, store):
    """A fresh session does nothing until its ticket is exchanged with the right nonce."""
    user = _user(session)
    token, ticket = _login(session, user)
    assert sessions.resolve(session=session, token=token) is None
    assert sessions.list_for_user(session=session, user_id=user.id) == []
    with pytest.raises(AuthenticationFailed):
        sessions.redeem_ticket(session=session, ticket=ticket, nonce="someone-elses-nonce")
    with pytest.raises(AuthenticationFailed):
        sessions.redeem_ticket(session=session, ticket=ticket, nonce="")
    assert sessions.resolve(session=session, token=token) is None
    redeemed, max_age = sessions.redeem_ticket(session=session, ticket=ticket, nonce="nonce-1")
    assert redeemed == token and max_age is None
    found_user, record = sessions.resolve(session=session, token=token)
    assert found_user.id == user.id and record.activated_at is not None


def test_ticket_is_single_use_and_tamper_proof(session, store):
    """A ticket works once; an altered or forged ticket never works."""
    user = _user(session)
    _, ticket = _login(session, user)
    sessions.redeem_ticket(session=session, ticket=ticket, nonce="nonce-1")
    with pytest.raises(AuthenticationFailed, match="already used"):
        sessions.redeem_ticket(session=session, ticket=ticket, nonce="nonce-1")
    _, other = _login(session, user)
    for bad in (other[:-2] + ("AA" if not other.endswith("AA") else "BB"), "not-a-ticket", ""):
        with pytest.raises(AuthenticationFailed):
            sessions.redeem_ticket(session=session, ticket=bad, nonce="nonce-1")
    # A ticket for a session that was revoked before redemption is dead too.
    token3, ticket3 = _login(session, user)
    sessions.revoke_token(session=session, token=token3)
    with pytest.raises(AuthenticationFailed):
        sessions.redeem_ticket(session=session, ticket=ticket3, nonce="nonce-1")


def test_ticket_expires_after_two_minutes(session, store):
    """A ticket older than TICKET_SECONDS is refused."""
    user = _user(session)
    _, ticket = _login(session, user)
    clock.advance(timedelta(seconds=sessions.TICKET_SECONDS + 5))
    with pytest.raises(AuthenticationFailed, match="expired"):
        sessions.redeem_ticket(session=session, ticket=ticket, nonce="nonce-1")


def test_session_expires(session, store):
    """A browser session ends after SESSION_DAYS, a remembered one after REMEMBER_DAYS."""
    settings = get_settings()
    user = _user(session)
    short = sessions.create(session=session, user=user, remember=False, activated=True)
    long = sessions.create(session=session, user=user, remember=True, activated=True)
    clock.advance(timedelta(days=settings.session_days) - timedelta(minutes=1))
    assert sessions.resolve(session=session, token=short) is not None
    clock.advance(timedelta(minutes=2))
    assert sessions.resolve(session=session, token=short) is None
    assert sessions.resolve(session=session, token=long) is not None
    clock.advance(timedelta(days=settings.remember_days))
    assert sessions.resolve(session=session, token=long) is None
    assert sessions.list_for_user(session=session, user_id=user.id) == []


def test_remember_me_sets_max_age_otherwise_browser_session(session, store):
    """Remember-me gives a persistent cookie for REMEMBER_DAYS; otherwise no max-age."""
    user = _user(session)
    _, ticket = _login(session, user, remember=True)
    _, max_age = sessions.redeem_ticket(session=session, ticket=ticket, nonce="nonce-1")
    expected = get_settings().remember_days * 86400
    assert expected - 60 <= max_age <= expected
    _, ticket = _login(session, user, remember=False, nonce="n2")
    assert sessions.redeem_ticket(session=session, ticket=ticket, nonce="n2")[1] is None


def test_list_shows_device_ip_last_seen_and_current(session, store):
    """The security page lists live sessions with device, IP and last seen, marking this one."""
    user = _user(session)
    desktop = sessions.create(
        session=session, user=user, remember=False, activated=True, ip="203.0.113.7", user_agent=CHROME_LINUX
    )
    clock.advance(timedelta(minutes=5))
    phone = sessions.create(
        session=session, user=user, remember=True, activated=True, ip="2001:db8::1", user_agent=SAFARI_IPHONE
    )
    sessions.create(session=session, user=user, remember=False)  # pending: not listed
    listed = sessions.list_for_user(session=session, user_id=user.id, current_token=desktop)
    assert [(s.device, s.ip, s.current) for s in listed] == [
        ("Safari on iPhone", "2001:db8::1", False),
        ("Chrome on Linux", "203.0.113.7", True),
    ]
    assert listed[0].id == hash_token(phone)
    assert listed[0].last_seen_at - listed[1].last_seen_at >= timedelta(minutes=5)
    assert all(s.last_seen_at.tzinfo is not None for s in listed)
    assert sessions.list_for_user(session=session, user_id=user.id)[1].current is False


def test_revoke_one_only_own_sessions(session, store):
    """A user can revoke their own session by id, never someone else's."""
    ada, bob = _user(session), _user(session, "bob@example.com")
    ada_token = sessions.create(session=session, user=ada, remember=False, activated=True)
    bob_token = sessions.create(session=session, user=bob, remember=False, activated=True)
    bob_id = sessions.list_for_user(session=session, user_id=bob.id)[0].id
    with pytest.raises(NotFound):
        sessions.revoke(session=session, user_id=ada.id, session_id=bob_id)
    with pytest.raises(NotFound):
        sessions.revoke(session=session, user_id=ada.id, session_id="no-such-session")
    assert sessions.resolve(session=session, token=bob_token) is not None
    ada_id = sessions.list_for_user(session=session, user_id=ada.id)[0].id
    sessions.revoke(session=session, user_id=ada.id, session_id=ada_id)
    assert sessions.resolve(session=session, token=ada_token) is None
    assert sessions.list_for_user(session=session, user_id=ada.id) == []


def test_revoke_all_keeps_current(session, store):
    """Signing out everywhere else keeps this browser and leaves other users alone."""
    ada, bob = _user(session), _user(session, "bob@example.com")
    tokens = [sessions.create(session=session, user=ada, remember=i % 2 == 0, activated=True) for i in range(3)]
    bob_token = sessions.create(session=session, user=bob, remember=False, activated=True)
    assert sessions.revoke_all(session=session, user_id=ada.id, except_token=tokens[1]) == 2
    assert [sessions.resolve(session=session, token=t) is not None for t in tokens] == [False, True, False]
    assert sessions.resolve(session=session, token=bob_token) is not None
    assert sessions.revoke_all(session=session, user_id=ada.id) == 1
    assert sessions.resolve(session=session, token=tokens[1]) is None


def test_last_seen_is_touched_at_most_once_a_minute(session, store):
    """Resolving updates last_seen after TOUCH_EVERY, and the update is stored."""
    user = _user(session)
    token = sessions.create(session=session, user=user, remember=False, activated=True)
    first = sessions.list_for_user(session=session, user_id=user.id)[0].last_seen_at
    clock.advance(timedelta(seconds=30))
    sessions.resolve(session=session, token=token)
    assert sessions.list_for_user(session=session, user_id=user.id)[0].last_seen_at == first
    clock.advance(timedelta(seconds=45))
    sessions.resolve(session=session, token=token)
    later = sessions.list_for_user(session=session, user_id=user.id)[0].last_seen_at
    assert later - first >= timedelta(seconds=75)


def test_deleted_or_inactive_user_has_no_session(session, store):
    """A session stops resolving once its account is deactivated."""
    user = _user(session)
    token = sessions.create(session=session, user=user, remember=False, activated=True)
    user.is_active = False
    session.add(user)
    session.flush()
    assert sessions.resolve(session=session, token=token) is None
    assert sessions.resolve(session=session, token=None) is None
    assert sessions.resolve(session=session, token="forged") is None
