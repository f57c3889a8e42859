"""The sign-up, sign-in and account pages under the attacks of issue 11 (findings 3, 8 and 9), as a tab drives them."""

from __future__ import annotations

import json

import reflex as rx
from fastapi.testclient import TestClient
from reflex.istate.data import RouterData

from metaic.api.app import build_api
from metaic.auth import api_tokens, sessions
from metaic.auth import service as user_service
from metaic.db import session_scope
from metaic.ui.state.account import AccountState
from metaic.ui.state.auth import SignInState, SignUpState
from tests.notifications.conftest import PASSWORD, make_user
from tests.ui.support import run

ATTACKER, OWNER = "198.51.100.66", "203.0.113.10"


def _tab(cls, peer: str, path: str, cookie: str = ""):
    """A state of `cls` for a tab on `path` whose websocket came from `peer` (with this session cookie)."""
    root = rx.State(_reflex_internal_init=True)
    headers = {"cookie": f"{sessions.COOKIE_NAME}={cookie}"} if cookie else {}
    root.router = RouterData.from_router_data(
        {"headers": headers, "ip": peer, "token": "tab-1", "pathname": path, "asPath": path, "query": {}}
    )
    return root.get_substate(cls.get_full_name().split(".")[1:])


def _sign_up(email: str, peer: str) -> dict:
    """Fill in the sign-up form; what the page shows afterwards."""
    tab = _tab(SignUpState, peer, "/signup")
    form = {"name": "Someone", "email": email, "password": PASSWORD, "confirm": PASSWORD, "terms": "on"}
    run(tab.submit(form))
    return {"done_email": tab.done_email, "errors": tab.errors, "message": tab.message, "busy": tab.busy}


def test_signing_up_with_a_known_address_shows_the_same_confirmation(sqlite_db, outbox):
    with session_scope() as s:
        make_user(s, "ada@example.com")
    new = _sign_up("new@example.com", "203.0.113.20")
    known = _sign_up("Ada@Example.com", "203.0.113.21")
    assert new == {"done_email": "new@example.com", "errors": {}, "message": "", "busy": False}
    assert known == {**new, "done_email": "ada@example.com"}
    assert "already have" in outbox.emails("ada@example.com")[0]["Subject"]
    with session_scope() as s:
        assert user_service.get_by_email(session=s, email="ada@example.com").name == "Ada"


def _sign_in(peer: str, password: str) -> tuple[dict, str]:
    """Submit the sign-in form from `peer`; the form's errors and the script it runs (empty when none)."""
    tab = _tab(SignInState, peer, "/login")
    events = run(tab.submit({"email": "ada@example.com", "password": password}))
    return tab.errors, json.dumps([str(e) for e in events])


def test_the_owner_signs_in_from_home_while_an_attacker_fails_elsewhere(sqlite_db, outbox):
    with session_scope() as s:
        make_user(s, "ada@example.com")
    refusals = [_sign_in(ATTACKER, f"guess-number-{n}")[0]["form"] for n in range(50)]
    assert refusals[0] == "The email or password is not correct."
    assert refusals[-1].startswith("Too many attempts. Try again in")
    errors, script = _sign_in(ATTACKER, PASSWORD)
    assert errors["form"].startswith("Too many attempts") and "/auth/session?ticket=" not in script
    errors, script = _sign_in(OWNER, PASSWORD)
    assert errors == {} and "/auth/session?ticket=" in script


def test_signing_out_everywhere_ends_api_access_too(sqlite_db, outbox):
    with session_scope() as s:
        user = make_user(s, "ada@example.com")
        cookie = sessions.create(session=s, user=user, remember=False, activated=True)
        access = api_tokens.issue(session=s, user=user).access_token
    client = TestClient(build_api())
    bearer = {"Authorization": f"Bearer {access}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    tab = _tab(AccountState, OWNER, "/account", cookie)
    run(tab.revoke_others())
    assert tab.errors == {}
    assert client.get("/api/v1/me", headers=bearer).status_code == 401
    with session_scope() as s:
        assert sessions.resolve(session=s, token=cookie) is not None  # this browser stays signed in
