"""Social sign-in end to end: our app, a browser played by hand, and real providers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pyotp
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlmodel import select
from starlette.testclient import TestClient

from metaic.api import oauth_routes
from metaic.auth import flows, mfa, sessions
from metaic.auth import service as user_service
from metaic.auth.models import SocialAccount, User
from metaic.config import get_settings
from metaic.core import clock
from metaic.core.security import unsign
from metaic.db import session_scope
from tests.conftest import PRODUCTION_HASH_COST
from tests.support.oidc_provider import OIDCProvider, OIDCUser, WeChatProvider, WeChatUser, parse_form

PASSWORD = "Correct-Horse-42"
CALLBACK = "http://testserver/auth/oauth/{}/callback"


@pytest.fixture
def client(client: TestClient) -> TestClient:
    """The shared client, not following redirects: each hop of a sign-in flow is checked on its own."""
    client.follow_redirects = False
    return client


def _configure(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    """Set provider settings through the environment, as in production."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()


@pytest.fixture
def google(monkeypatch: pytest.MonkeyPatch) -> Iterator[OIDCProvider]:
    """A Google-style provider (PKCE, client_secret_basic) the app is pointed at."""
    with OIDCProvider(client_id="google-client", client_secret="google-secret") as provider:
        _configure(
            monkeypatch,
            GOOGLE_CLIENT_ID="google-client",
            GOOGLE_CLIENT_SECRET="google-secret",
            GOOGLE_METADATA_URL=provider.metadata_url,
        )
        yield provider


@pytest.fixture
def apple(monkeypatch: pytest.MonkeyPatch) -> Iterator[OIDCProvider]:
    """An Apple-style provider: form_post, an ES256 client-secret JWT checked against our team key."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    with OIDCProvider(
        client_id="dev.metaic.web", apple_key=("TEAM123456", "KEY1234567", key.public_key()), pkce=False
    ) as provider:
        _configure(
            monkeypatch,
            APPLE_CLIENT_ID="dev.metaic.web",
            APPLE_TEAM_ID="TEAM123456",
            APPLE_KEY_ID="KEY1234567",
            APPLE_PRIVATE_KEY=pem.replace("\n", "\\n"),
            APPLE_METADATA_URL=provider.metadata_url,
        )
        yield provider


@pytest.fixture
def wechat(monkeypatch: pytest.MonkeyPatch) -> Iterator[WeChatProvider]:
    """A WeChat-style provider serving both the QR-connect page and the /sns API."""
    with WeChatProvider(app_id="wx-app", app_secret="wx-secret") as provider:
        _configure(
            monkeypatch,
            WECHAT_APP_ID="wx-app",
            WECHAT_APP_SECRET="wx-secret",
            WECHAT_BASE_URL=provider.base_url,
            WECHAT_API_URL=provider.base_url,
        )
        yield provider


def _to_provider(client: TestClient, path: str) -> httpx.Response:
    """Start a flow in our app and let the (real) provider answer the browser."""
    start = client.get(path)
    assert start.status_code == 302, start.text
    return httpx.get(start.headers["location"], follow_redirects=False)


def _back(client: TestClient, answer: httpx.Response) -> httpx.Response:
    """Bring the provider's answer to our callback: follow its redirect, or submit its form_post."""
    if answer.status_code == 302:
        return client.get(answer.headers["location"])
    assert answer.status_code == 200, answer.text
    action, fields = parse_form(answer.text)
    return client.post(action, data=fields)


def _sign_in(client: TestClient, provider: str, next_path: str = "/dashboard") -> httpx.Response:
    """A whole round trip; returns our callback's response."""
    return _back(client, _to_provider(client, f"/auth/oauth/{provider}/start?next={next_path}"))


def _cookie(response: httpx.Response, name: str) -> str | None:
    """The Set-Cookie header for one cookie."""
    return next((h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")), None)


def _signed_in_as(client: TestClient) -> str | None:
    """The email /api/v1/me reports for the browser's cookie, or None."""
    response = client.get("/api/v1/me")
    return response.json()["email"] if response.status_code == 200 else None


def _rows(model) -> list:
    """Every row of a table."""
    with session_scope() as session:
        return list(session.exec(select(model)))


def _password_user(email: str = "ada@example.com", verified: bool = True) -> User:
    """An account created the ordinary way."""
    with session_scope() as session:
        return user_service.create(session=session, email=email, password=PASSWORD, name="Ada", verified=verified)


def test_google_sign_in_end_to_end(client, google):
    start = client.get("/auth/oauth/google/start?next=/cards")
    assert start.status_code == 302
    query = {k: v[0] for k, v in parse_qs(urlsplit(start.headers["location"]).query).items()}
    assert query["redirect_uri"] == CALLBACK.format("google") and query["scope"] == "openid email profile"
    assert query["code_challenge_method"] == "S256" and query["code_challenge"] and query["nonce"]
    flow_cookie = _cookie(start, oauth_routes.FLOW_COOKIE).lower()
    assert "httponly" in flow_cookie and "samesite=lax" in flow_cookie and "path=/auth/oauth/" in flow_cookie

    done = _back(client, httpx.get(start.headers["location"], follow_redirects=False))
    assert done.status_code == 303 and done.headers["location"] == "/cards"
    cookie = _cookie(done, sessions.COOKIE_NAME)
    assert cookie and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "max-age=" in cookie.lower()  # remembered, like "keep me signed in"
    assert _signed_in_as(client) == "ada@example.com"
    # The back channel carried the PKCE verifier and client authentication; the provider accepted both.
    assert google.token_requests[0]["code_verifier"] and google.errors == []
    [user] = _rows(User)
    assert user.password_hash is None and user.email_verified_at is not None and user.name == "Ada Lovelace"

    # A second sign-in, in another browser, reaches the same account through the link.
    other = TestClient(client.app, follow_redirects=False)
    assert _sign_in(other, "google").status_code == 303
    assert _signed_in_as(other) == "ada@example.com"
    assert len(_rows(User)) == 1 and len(_rows(SocialAccount)) == 1


def test_sessions_work_with_the_redis_store(client, google, redis_url):
    assert _sign_in(client, "google").headers["location"] == "/dashboard"
    assert _signed_in_as(client) == "ada@example.com"


def test_existing_password_account_with_the_verified_email_is_linked_not_duplicated(client, google):
    owner = _password_user()
    assert _sign_in(client, "google").status_code == 303
    assert _signed_in_as(client) == "ada@example.com"
    assert [u.id for u in _rows(User)] == [owner.id]
    [link] = _rows(SocialAccount)
    assert (link.user_id, link.provider, link.subject) == (owner.id, "google", "user-1")


def test_unverified_provider_email_does_not_take_over_an_account(client, google):
    _password_user()
    google.user = OIDCUser(sub="mallory", email="ada@example.com", email_verified=False)
    done = _sign_in(client, "google")
    assert done.headers["location"] == "/login?error=unverified"
    assert _cookie(done, sessions.COOKIE_NAME) is None and _signed_in_as(client) is None
    assert _rows(SocialAccount) == [] and len(_rows(User)) == 1


def test_a_tampered_or_missing_state_is_refused(client, google):
    answer = _to_provider(client, "/auth/oauth/google/start")
    location = answer.headers["location"].replace("state=", "state=x")
    done = client.get(location)
    assert done.headers["location"] == "/login?error=state" and _cookie(done, sessions.COOKIE_NAME) is None
    # The flow cookie is single use: the genuine answer is refused after a failed attempt.
    assert client.get(answer.headers["location"]).headers["location"] == "/login?error=expired"
    # A callback in a browser that never started the flow (login CSRF) is refused too.
    answer = _to_provider(client, "/auth/oauth/google/start")
    stranger = TestClient(client.app, follow_redirects=False)
    assert stranger.get(answer.headers["location"]).headers["location"] == "/login?error=expired"
    client.cookies.clear()
    client.cookies.set(oauth_routes.FLOW_COOKIE, "forged." + "x" * 40)
    assert client.get(answer.headers["location"]).headers["location"] == "/login?error=expired"
    assert google.token_requests == [] and _rows(User) == []


def test_a_wrong_nonce_in_the_id_token_is_refused(client, google):
    google.nonce_override = "replayed-nonce"
    done = _sign_in(client, "google")
    assert done.headers["location"] == "/login?error=token"
    assert _signed_in_as(client) is None and _rows(User) == []


def test_a_code_redeemed_with_another_pkce_verifier_is_refused(client, google):
    # The victim's code is stolen and injected into the attacker's own flow: the states match (the
    # attacker's), but the attacker's verifier does not match the victim's challenge.
    victim = TestClient(client.app, follow_redirects=False)
    stolen = parse_qs(urlsplit(_to_provider(victim, "/auth/oauth/google/start").headers["location"]).query)
    mine = parse_qs(urlsplit(_to_provider(client, "/auth/oauth/google/start").headers["location"]).query)
    done = client.get(f"/auth/oauth/google/callback?code={stolen['code'][0]}&state={mine['state'][0]}")
    assert done.headers["location"] == "/login?error=provider"
    assert google.errors == ["invalid_grant: PKCE verification failed"]
    assert _signed_in_as(client) is None and _rows(User) == []


def test_consent_denied_and_provider_down_redirect_with_a_code(client, google, monkeypatch):
    google.deny = True
    assert _sign_in(client, "google").headers["location"] == "/login?error=denied"
    google.deny = False
    answer = _to_provider(client, "/auth/oauth/google/start")
    google.stop()  # the provider goes away between the browser's return and our back-channel call
    assert client.get(answer.headers["location"]).headers["location"] == "/login?error=provider"
    _configure(monkeypatch, GOOGLE_METADATA_URL="http://127.0.0.1:9/.well-known/openid-configuration")
    assert client.get("/auth/oauth/google/start").headers["location"] == "/login?error=provider"


def test_unconfigured_providers_are_404(client, google):
    for path in (
        "/auth/oauth/apple/start",
        "/auth/oauth/wechat/callback?code=x&state=y",
        "/auth/oauth/wechat/link",
        "/auth/oauth/myspace/start",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("application/problem+json")
    assert client.post("/auth/oauth/apple/callback", data={"code": "x"}).status_code == 404


def test_next_must_stay_on_this_site(client, google):
    for target in ("https://evil.example/", "//evil.example", "/\\evil.example"):
        assert _sign_in(client, "google", next_path=target).headers["location"] == "/dashboard"


def test_mfa_accounts_get_the_second_step_instead_of_a_session(client, google):
    owner = _password_user()
    with session_scope() as session:
        user = session.get(User, owner.id)
        secret = mfa.start_enrolment(session=session, user=user)
        mfa.confirm_enrolment(session=session, user=user, code=pyotp.TOTP(secret).now())
    done = _sign_in(client, "google", next_path="/cards")
    target = urlsplit(done.headers["location"])
    assert target.path == "/login/mfa" and _cookie(done, sessions.COOKIE_NAME) is None
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert query["next"] == "/cards"
    assert unsign("mfa-challenge", query["challenge"], max_age=60) == {"u": str(owner.id)}
    with session_scope() as session:
        assert (
            flows.check_mfa(session=session, challenge=query["challenge"], code=pyotp.TOTP(secret).now()).id == owner.id
        )


def test_apple_sign_in_with_form_post(client, apple):
    start = client.get("/auth/oauth/apple/start")
    query = {k: v[0] for k, v in parse_qs(urlsplit(start.headers["location"]).query).items()}
    assert query["response_mode"] == "form_post" and query["scope"] == "name email" and query["nonce"]
    assert "code_challenge" not in query  # Apple's discovery document does not offer PKCE
    answer = httpx.get(start.headers["location"], follow_redirects=False)
    assert answer.status_code == 200 and 'method="post"' in answer.text
    done = _back(client, answer)
    assert done.status_code == 303 and done.headers["location"] == "/dashboard", done.headers
    assert apple.errors == []  # the ES256 client secret was accepted
    assert apple.token_requests[0]["client_secret"].count(".") == 2
    assert _signed_in_as(client) == "ada@example.com"
    [user] = _rows(User)
    assert user.name == "Ada Lovelace" and user.email_verified_at is not None  # "true" as a string counts


def test_flow_cookie_crosses_sites_only_for_apple_in_production(client, apple, google, monkeypatch):
    _configure(monkeypatch, METAIC_ENV="production", PUBLIC_BASE_URL="https://metaic.example", **PRODUCTION_HASH_COST)
    apple_cookie = _cookie(client.get("/auth/oauth/apple/start"), oauth_routes.FLOW_COOKIE).lower()
    assert "samesite=none" in apple_cookie and "secure" in apple_cookie and "httponly" in apple_cookie
    google_start = client.get("/auth/oauth/google/start")
    google_cookie = _cookie(google_start, oauth_routes.FLOW_COOKIE).lower()
    assert "samesite=lax" in google_cookie and "secure" in google_cookie
    assert (
        "redirect_uri=https%3A%2F%2Fmetaic.example%2Fauth%2Foauth%2Fgoogle%2Fcallback"
        in (google_start.headers["location"])
    )


def test_wechat_needs_a_linked_account_then_signs_in(client, wechat):
    done = _sign_in(client, "wechat")
    assert done.headers["location"] == "/login?error=no_email" and _rows(User) == []

    owner = _password_user()
    with session_scope() as session:
        token = sessions.create(session=session, user=session.get(User, owner.id), remember=False, activated=True)
    client.cookies.set(sessions.COOKIE_NAME, token)
    start = client.get("/auth/oauth/wechat/link")
    location = start.headers["location"]
    assert location.startswith(f"{wechat.base_url}/connect/qrconnect?") and location.endswith("#wechat_redirect")
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert (query["appid"], query["scope"], query["response_type"]) == ("wx-app", "snsapi_login", "code")
    linked = _back(client, httpx.get(location, follow_redirects=False))
    assert linked.headers["location"] == "/account?linked=wechat"
    [link] = _rows(SocialAccount)
    assert (link.user_id, link.subject, link.email) == (owner.id, "u-union-1", None)

    other = TestClient(client.app, follow_redirects=False)
    assert _sign_in(other, "wechat").headers["location"] == "/dashboard"
    assert _signed_in_as(other) == "ada@example.com"


def test_wechat_without_unionid_uses_openid_and_reports_errors(client, wechat):
    owner = _password_user()
    wechat.user = WeChatUser(openid="o-only", nickname="Ming")
    with session_scope() as session:
        token = sessions.create(session=session, user=session.get(User, owner.id), remember=False, activated=True)
    client.cookies.set(sessions.COOKIE_NAME, token)
    assert (
        _back(client, _to_provider(client, "/auth/oauth/wechat/link?next=/account/security")).headers["location"]
        == "/account/security?linked=wechat"
    )
    assert [a.subject for a in _rows(SocialAccount)] == ["o-only"]
    # A code WeChat does not know comes back as errcode; the user is told, not shown a 500.
    answer = _to_provider(client, "/auth/oauth/wechat/link")
    bad = answer.headers["location"].replace("code=", "code=stale")
    assert client.get(bad).headers["location"] == "/account?error=provider"
    wechat.deny = True
    assert _sign_in(client, "wechat").headers["location"] == "/login?error=denied"


def test_linking_needs_a_session_and_refuses_identities_of_other_accounts(client, google):
    start = client.get("/auth/oauth/google/link")
    assert start.headers["location"] == "/login?next=%2Fauth%2Foauth%2Fgoogle%2Flink"
    assert _sign_in(client, "google").status_code == 303  # ada@example.com now signs in with Google
    bob = _password_user("bob@example.com")
    with session_scope() as session:
        token = sessions.create(session=session, user=session.get(User, bob.id), remember=False, activated=True)
    # Bob's browser: only his session cookie (httpx2's jar would otherwise keep Ada's testserver cookie beside it).
    client.cookies.clear()
    client.cookies.set(sessions.COOKIE_NAME, token)
    done = _back(client, _to_provider(client, "/auth/oauth/google/link"))
    assert done.headers["location"] == "/account?error=linked_elsewhere"
    [link] = _rows(SocialAccount)
    assert link.user_id != bob.id
    # Nothing changed for Bob's browser: still signed in as Bob.
    assert _signed_in_as(client) == "bob@example.com"


def test_an_unusable_apple_key_turns_off_apple_only(client, google, monkeypatch):
    _configure(
        monkeypatch,
        APPLE_CLIENT_ID="dev.metaic.web",
        APPLE_TEAM_ID="TEAM123456",
        APPLE_KEY_ID="K",
        APPLE_PRIVATE_KEY="not a PEM key",
    )
    assert client.get("/auth/oauth/apple/start").headers["location"] == "/login?error=provider"
    assert _sign_in(client, "google").headers["location"] == "/dashboard"


def test_the_flow_cookie_expires_after_ten_minutes(client, google):
    answer = _to_provider(client, "/auth/oauth/google/start")
    clock.advance(timedelta(seconds=oauth_routes.FLOW_SECONDS + 1))
    assert client.get(answer.headers["location"]).headers["location"] == "/login?error=expired"
    assert google.token_requests == []
