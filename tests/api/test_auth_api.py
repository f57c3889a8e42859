"""The auth HTTP edge: problem details, tokens, /me, reset, rate limits, the session cookie route."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pyotp
import pytest
from sqlmodel import func, select
from starlette.requests import Request

from metaic.api.deps import require_same_origin
from metaic.auth import mfa, sessions, verification
from metaic.auth import service as user_service
from metaic.auth.models import User
from metaic.core import clock, ratelimit
from metaic.core.errors import PermissionDenied
from metaic.db import session_scope
from tests.support.http import problem

PASSWORD = "Correct-Horse-42"


def _make_user(email: str = "ada@example.com", **kwargs):
    """Create a committed account."""
    with session_scope() as s:
        return user_service.create(session=s, email=email, password=PASSWORD, name="Ada", **kwargs)


def test_signup_creates_account(client, outbox):
    """Sign-up answers 202 "check your email" and creates an unverified account; a taken address gets the same."""
    response = client.post(
        "/api/v1/auth/signup", json={"email": "Ada@Example.com", "password": PASSWORD, "name": "Ada"}
    )
    assert response.status_code == 202, response.text
    assert response.json() == {"detail": "Check your email: we sent a message to finish signing up."}
    with session_scope() as s:
        user = user_service.get_by_email(session=s, email="ada@example.com")
        assert user.name == "Ada" and user.role == "user" and user.email_verified_at is None
    again = client.post("/api/v1/auth/signup", json={"email": "ada@example.com", "password": PASSWORD})
    assert (again.status_code, again.text) == (response.status_code, response.text)


HOSTILE_JSON = [
    ({}, {"email", "password"}),
    ({"email": "", "password": "", "name": ""}, {"email"}),
    ({"email": 123, "password": 456, "name": 7}, {"email", "password", "name"}),
    ({"email": None, "password": None}, {"email", "password"}),
    ({"email": True, "password": ["a"], "name": 1.5}, {"email", "password", "name"}),
    ({"email": {"$ne": ""}, "password": {"$gt": {"a": [1, {"b": None}]}}}, {"email", "password"}),
    ({"email": "a" * 10_000 + "@example.com", "password": PASSWORD}, {"email"}),
    ({"email": "long@example.com", "password": "Aa1!" * 2_500}, {"password"}),
    ({"email": "long@example.com", "password": PASSWORD, "name": "n" * 10_000}, {"name"}),
    ({"email": "nul\x00@example.com", "password": PASSWORD}, {"email"}),
    ({"email": "nul@example.com", "password": PASSWORD, "name": "Ada\x00Lovelace"}, {"name"}),
    ({"email": "nul@example.com", "password": "\x00" * 12}, {"password"}),
    ({"email": "a@b.c'; DROP TABLE users;--", "password": PASSWORD}, {"email"}),
    ({"email": "' OR '1'='1' --", "password": PASSWORD}, {"email"}),
    ({"email": "<script>alert(1)</script>@example.com", "password": PASSWORD}, {"email"}),
    ({"email": "weak@example.com", "password": "password123"}, {"password"}),
]

HOSTILE_RAW = [
    (b"not json", "application/json"),
    (b"", "application/json"),
    (b"{", "application/json"),
    (b"[]", "application/json"),
    (b"null", "application/json"),
    (b'"ada@example.com"', "application/json"),
    (b"\xff\xfe\x00garbage", "application/json"),
    (b"email=a%40b.c&password=x", "application/x-www-form-urlencoded"),
    (b'{"email": "x@example.com"}', "text/plain"),
    (b"[" * 50_000 + b"]" * 50_000, "application/json"),
    (b'{"email": "sur@example.com", "password": "Correct-Horse-42", "name": "\\ud800"}', "application/json"),
    (b'{"email": "sur@example.com", "password": "Correct-\\udfff-42", "name": "x"}', "application/json"),
    (b'{"email": "sur\\ud83d@example.com", "password": "Correct-Horse-42"}', "application/json"),
]


def test_signup_hostile_bodies_get_problem_details_never_500(client):
    """Wrong types, huge strings, NUL bytes, nesting, SQL, HTML and non-JSON all get 4xx problem details."""
    for body, fields in HOSTILE_JSON:
        ratelimit.reset_all()
        refused = problem(client.post("/api/v1/auth/signup", json=body), 422)
        assert fields <= refused["errors"].keys(), (body, refused)
        assert all(isinstance(msg, str) and msg for msg in refused["errors"].values())
    for raw, content_type in HOSTILE_RAW:
        ratelimit.reset_all()
        response = client.post("/api/v1/auth/signup", content=raw, headers={"content-type": content_type})
        assert 400 <= response.status_code < 500, (raw[:80], response.status_code, response.text[:300])
        problem(response, response.status_code)
    with session_scope() as s:
        assert s.exec(select(func.count()).select_from(User)).one() == 0, "no hostile body may create an account"


def test_signup_keeps_unicode_and_html_as_text(client):
    """Unicode and HTML in names are stored verbatim (escaping is the renderer's job)."""
    for email, name in [
        ("zh@example.com", "王小明 🚀"),
        ("html@example.com", "<img src=x onerror=alert(1)>"),
        ("zoë@bücher.example", "Zoë O'Brien; DROP TABLE users;--"),
    ]:
        response = client.post("/api/v1/auth/signup", json={"email": email, "password": PASSWORD, "name": name})
        assert response.status_code == 202, response.text
        with session_scope() as s:
            assert user_service.get_by_email(session=s, email=email).name == name


def test_token_without_and_with_mfa(client):
    """The password grant issues tokens; with MFA on it needs a right code too."""
    user = _make_user()
    response = client.post("/api/v1/auth/token", json={"email": "ada@example.com", "password": PASSWORD})
    assert response.status_code == 200, response.text
    pair = response.json()
    assert pair["token_type"] == "bearer" and pair["expires_in"] == 900 and pair["refresh_token"]
    wrong = problem(client.post("/api/v1/auth/token", json={"email": "ada@example.com", "password": "nope"}), 401)
    assert wrong["detail"] == "The email or password is not correct."
    with session_scope() as s:
        user = user_service.get(session=s, user_id=user.id)
        secret = mfa.start_enrolment(session=s, user=user)
        recovery = mfa.confirm_enrolment(session=s, user=user, code=pyotp.TOTP(secret).now())
    creds = {"email": "ada@example.com", "password": PASSWORD}
    assert "code" in problem(client.post("/api/v1/auth/token", json=creds), 401)["errors"]
    assert "code" in problem(client.post("/api/v1/auth/token", json={**creds, "code": "12345x"}), 422)["errors"]
    for code in (pyotp.TOTP(secret).now(), recovery[0]):
        response = client.post("/api/v1/auth/token", json={**creds, "code": code})
        assert response.status_code == 200, response.text
    problem(client.post("/api/v1/auth/token", json={**creds, "code": recovery[0]}), 422)


def _tokens(client) -> dict:
    """Sign up and sign in; returns the token pair."""
    _make_user()
    response = client.post("/api/v1/auth/token", json={"email": "ada@example.com", "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()


def test_refresh_rotates_and_reuse_kills_family(client):
    """Refresh rotates; replaying the old token fails and also kills the new one."""
    first = _tokens(client)
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert response.status_code == 200, response.text
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {second['access_token']}"}).status_code == 200
    problem(client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}), 401)
    problem(client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]}), 401)
    problem(client.post("/api/v1/auth/refresh", json={"refresh_token": "x" * 5000}), 422)
    problem(client.post("/api/v1/auth/refresh", json={}), 422)


def test_me_with_bearer_expired_bearer_and_cookie(client):
    """/me accepts a fresh bearer token or an active session cookie; anything else is a 401 problem."""
    pair = _tokens(client)
    bearer = {"Authorization": f"Bearer {pair['access_token']}"}
    me = client.get("/api/v1/me", headers=bearer)
    assert me.status_code == 200 and me.json()["email"] == "ada@example.com"
    assert "password_hash" not in me.json()
    for header in ("Bearer garbage", f"Bearer {pair['access_token'][:-4]}AAAA", "Basic YWRhOnB3"):
        problem(client.get("/api/v1/me", headers={"Authorization": header}), 401)
    problem(client.get("/api/v1/me"), 401)
    clock.advance(timedelta(minutes=16))
    assert "expired" in problem(client.get("/api/v1/me", headers=bearer), 401)["detail"]
    with session_scope() as s:
        user = user_service.get_by_email(session=s, email="ada@example.com")
        live = sessions.create(session=s, user=user, remember=False, activated=True)
        pending = sessions.create(session=s, user=user, remember=False)
    client.cookies.set(sessions.COOKIE_NAME, pending)
    problem(client.get("/api/v1/me"), 401)
    client.cookies.set(sessions.COOKIE_NAME, live)
    response = client.get("/api/v1/me")
    assert response.status_code == 200 and response.json()["email"] == "ada@example.com"


def test_me_refuses_token_of_deactivated_account(client):
    """A still-unexpired bearer token of a deactivated account is a 401, like any dead credential."""
    pair = _tokens(client)
    with session_scope() as s:
        user = user_service.get_by_email(session=s, email="ada@example.com")
        user.is_active = False
        s.add(user)
    problem(client.get("/api/v1/me", headers={"Authorization": f"Bearer {pair['access_token']}"}), 401)


def test_password_reset_answers_the_same_for_any_email(client, outbox):
    """Existing, unknown and malformed addresses get the same 202; only the real one gets mail."""
    _make_user()
    answers = [
        client.post("/api/v1/auth/password-reset", json={"email": e})
        for e in ("ada@example.com", "nobody@example.com", "not an email")
    ]
    assert {(r.status_code, r.text) for r in answers} == {(202, answers[0].text)}
    assert [m["To"] for m in outbox.emails()] == ["ada@example.com"]


def test_rate_limit_gives_429_with_retry_after(client):
    """Too many reset requests from one address get 429, Retry-After and a readable detail."""
    for i in range(5):
        assert client.post("/api/v1/auth/password-reset", json={"email": f"u{i}@example.com"}).status_code == 202
    response = client.post("/api/v1/auth/password-reset", json={"email": "u9@example.com"})
    body = problem(response, 429)
    seconds = int(response.headers["retry-after"])
    assert 0 < seconds <= 900
    assert re.fullmatch(r"Too many attempts\. Try again in \d+ s\.", body["detail"])
    assert f"Try again in {seconds} s" in body["detail"]


def _ticket(remember: bool = False, nonce: str = "browser-nonce") -> tuple[str, str]:
    """A pending session for a new user and its login ticket."""
    with session_scope() as s:
        user = user_service.get_by_email(session=s, email="ada@example.com") or user_service.create(
            session=s, email="ada@example.com", password=PASSWORD
        )
        token = sessions.create(session=s, user=user, remember=remember)
    return token, sessions.issue_ticket(token, nonce)


def _cookie(response, name: str) -> str:
    """The Set-Cookie header for one cookie name."""
    found = [c for c in response.headers.get_list("set-cookie") if c.startswith(f"{name}=")]
    assert len(found) == 1, response.headers.get_list("set-cookie")
    return found[0]


def test_session_route_sets_httponly_cookie_and_redirects(client):
    """Redeeming a ticket with its nonce cookie sets an HttpOnly SameSite=Lax cookie and 303s to `next`."""
    token, ticket = _ticket()
    client.cookies.set("metaic_login_nonce", "browser-nonce")
    response = client.get("/auth/session", params={"ticket": ticket, "next": "/cards?tab=1"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/cards?tab=1"
    cookie = _cookie(response, sessions.COOKIE_NAME)
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert cookie.startswith(f"{sessions.COOKIE_NAME}={token};")
    assert {"httponly", "path", "samesite"} <= attributes and "max-age" not in attributes
    assert "samesite=lax" in cookie.lower() and "secure" not in attributes
    assert "max-age=0" in _cookie(response, "metaic_login_nonce").lower()
    assert client.get("/api/v1/me").json()["email"] == "ada@example.com"
    replay = client.get("/auth/session", params={"ticket": ticket}, follow_redirects=False)
    assert replay.status_code == 303 and replay.headers["location"] == "/login?error=expired"


def test_session_route_remember_me_and_refusals(client):
    """Remember-me sets Max-Age; a wrong nonce or bad ticket sets nothing."""
    _, ticket = _ticket(remember=True)
    client.cookies.set("metaic_login_nonce", "another-browser")
    response = client.get("/auth/session", params={"ticket": ticket}, follow_redirects=False)
    assert response.headers["location"] == "/login?error=expired"
    assert not any(c.startswith(sessions.COOKIE_NAME) for c in response.headers.get_list("set-cookie"))
    client.cookies.set("metaic_login_nonce", "browser-nonce")
    for bad in ("", "forged.ticket"):
        assert (
            client.get("/auth/session", params={"ticket": bad}, follow_redirects=False).headers["location"]
            == "/login?error=expired"
        )
    response = client.get("/auth/session", params={"ticket": ticket}, follow_redirects=False)
    max_age = int(re.search(r"max-age=(\d+)", _cookie(response, sessions.COOKIE_NAME), re.I).group(1))
    assert 30 * 86400 - 60 <= max_age <= 30 * 86400


@pytest.mark.parametrize(
    "target", ["//evil.com", "https://evil.com", "/\\evil.com", "evil.com", "javascript:alert(1)", "", "///evil.com"]
)
def test_session_route_refuses_offsite_next(client, target):
    """An off-site or odd `next` falls back to /dashboard."""
    _, ticket = _ticket()
    client.cookies.set("metaic_login_nonce", "browser-nonce")
    response = client.get("/auth/session", params={"ticket": ticket, "next": target}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/dashboard"


def _request(method: str, headers: dict[str, str]) -> Request:
    """A bare starlette request."""
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "method": method, "path": "/", "headers": raw, "query_string": b""})


def test_require_same_origin():
    """Cookie-authenticated writes must come from this site; reads are always fine."""
    host = {"host": "metaic.example"}
    require_same_origin(_request("GET", {**host, "origin": "https://evil.com"}))
    require_same_origin(_request("POST", {**host, "origin": "https://metaic.example"}))
    require_same_origin(_request("DELETE", {**host, "referer": "https://metaic.example/account"}))
    for headers in (
        {"origin": "https://evil.com"},
        {"origin": "null"},
        {},
        {"referer": "https://metaic.example.evil.com/"},
        {"origin": "https://evil.com/metaic.example"},
    ):
        with pytest.raises(PermissionDenied):
            require_same_origin(_request("POST", {**host, **headers}))


def test_logout_from_another_origin_is_refused(client):
    """The cookie-authenticated logout POST is refused cross-site and works same-site."""
    with session_scope() as s:
        user = user_service.create(session=s, email="ada@example.com", password=PASSWORD)
        token = sessions.create(session=s, user=user, remember=False, activated=True)
    client.cookies.set(sessions.COOKIE_NAME, token)
    problem(client.post("/auth/logout", headers={"Origin": "https://evil.com"}, follow_redirects=False), 403)
    assert client.get("/api/v1/me").status_code == 200
    response = client.post("/auth/logout", headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?signed_out=1"
    client.cookies.set(sessions.COOKIE_NAME, token)
    problem(client.get("/api/v1/me"), 401)


def test_verify_email_route(client):
    """A good link verifies and lands on status=ok; a bad one on status=invalid."""
    user = _make_user()
    link = verification.email_verification_link(user)
    response = client.get(link.replace("http://testserver", ""), follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/email-verified?status=ok"
    with session_scope() as s:
        assert user_service.get(session=s, user_id=user.id).email_verified_at is not None
    for query in ("?token=" + link.split("token=")[1][:-3] + "xyz", "?token=", ""):
        response = client.get("/auth/verify-email" + query, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/email-verified?status=invalid"


def test_openapi_lists_auth_routes(client):
    """The OpenAPI document lists the JSON auth routes and hides the browser-only ones."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = json.loads(response.text)["paths"]
    for path in (
        "/api/v1/auth/signup",
        "/api/v1/auth/token",
        "/api/v1/auth/refresh",
        "/api/v1/auth/password-reset",
        "/api/v1/me",
    ):
        assert path in paths, sorted(paths)
    assert not any(p.startswith("/auth/") for p in paths)


def test_unknown_route_and_method_are_problems(client):
    """Framework errors are problem details too."""
    problem(client.get("/api/v1/nope"), 404)
    problem(client.get("/api/v1/auth/token"), 405)
