"""The browser's address in the UI: the websocket's peer, or the client a trusted proxy forwarded for."""

from __future__ import annotations

import json
import re

import pytest
import reflex as rx
from reflex.istate.data import RouterData

from metaic.auth import sessions
from metaic.config import get_settings
from metaic.db import session_scope
from metaic.ui.state.auth import ForgotPasswordState, SignInState
from metaic.ui.state.session import SessionState
from tests.notifications.conftest import PASSWORD, make_user
from tests.ui.support import run

PROXY = "10.0.0.5"
OUTSIDER = "198.51.100.9"
ALICE, BOB = "203.0.113.7", "203.0.113.8"


def _tab(cls, peer: str, headers: dict[str, str] | None = None, path: str = "/login"):
    """A state of `cls` for a tab whose websocket came from `peer` with these upgrade-request headers."""
    root = rx.State(_reflex_internal_init=True)
    root.router = RouterData.from_router_data(
        {"headers": headers or {}, "ip": peer, "token": "tab-1", "pathname": path, "asPath": path, "query": {}}
    )
    return root.get_substate(cls.get_full_name().split(".")[1:])


@pytest.fixture
def behind_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app trusts the reverse proxies of 10.0.0.0/8."""
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8")
    get_settings.cache_clear()


def test_without_trusted_proxies_the_peer_is_the_client():
    tab = _tab(SessionState, PROXY, {"x-forwarded-for": ALICE})
    assert tab._client_ip() == PROXY


def test_a_trusted_proxy_is_believed(behind_proxy):
    assert _tab(SessionState, PROXY, {"x-forwarded-for": f"{ALICE}, 10.0.0.9"})._client_ip() == ALICE
    assert _tab(SessionState, PROXY, {"forwarded": f'for="{BOB}:4711";proto=https'})._client_ip() == BOB
    assert _tab(SessionState, PROXY)._client_ip() == PROXY  # nothing forwarded: the proxy is all we know


def test_anyone_else_cannot_claim_an_address(behind_proxy):
    spoofed = {"x-forwarded-for": ALICE, "forwarded": f"for={ALICE}"}
    assert _tab(SessionState, OUTSIDER, spoofed)._client_ip() == OUTSIDER
    # A client left of the proxy may write anything; only the hop the proxy added is read.
    assert _tab(SessionState, PROXY, {"x-forwarded-for": f"1.2.3.4, {ALICE}"})._client_ip() == ALICE


def _ask_reset(peer: str, client: str, n: int) -> dict[str, str]:
    """Ask for a reset link (for an address of its own, so only the per-address limit counts); the form's errors."""
    tab = _tab(ForgotPasswordState, peer, {"x-forwarded-for": client}, "/forgot-password")
    run(tab.submit({"email": f"person{n}@example.com"}))
    return tab.errors


def test_rate_limits_count_each_client_behind_the_proxy(sqlite_db, outbox, behind_proxy):
    for n in range(5):
        assert _ask_reset(PROXY, ALICE, n) == {}
    assert "Too many attempts" in json.dumps(_ask_reset(PROXY, ALICE, 5))
    assert _ask_reset(PROXY, BOB, 6) == {}  # same venue proxy, another person: not locked out


def test_untrusted_peers_share_one_limit_whatever_they_claim(sqlite_db, outbox):
    for n in range(5):
        assert _ask_reset(PROXY, ALICE, n) == {}
    assert "Too many attempts" in json.dumps(_ask_reset(PROXY, BOB, 5))


def test_the_sessions_list_records_the_forwarded_client(sqlite_db, outbox, behind_proxy):
    with session_scope() as s:
        user_id = make_user(s, "ada@example.com").id
    tab = _tab(SignInState, PROXY, {"x-forwarded-for": ALICE, "user-agent": "Mozilla/5.0 (iPhone)"})
    script = json.dumps([str(e) for e in run(tab.submit({"email": "ada@example.com", "password": PASSWORD}))])
    ticket = re.search(r"/auth/session\?ticket=([^&]+)&", script).group(1)
    nonce = re.search(r"metaic_login_nonce=([\w-]+)", script).group(1)  # URL-safe base64
    with session_scope() as s:
        sessions.redeem_ticket(session=s, ticket=ticket, nonce=nonce)  # what /auth/session does with the cookie
        [row] = sessions.list_for_user(session=s, user_id=user_id)
    assert row.ip == ALICE
