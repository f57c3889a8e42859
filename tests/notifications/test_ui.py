"""The Reflex side: bell and page build, state handlers against the database, and the live unread loop."""

from __future__ import annotations

import asyncio
import json

import pytest
import reflex as rx
from reflex.istate.data import RouterData

from metaic.auth import sessions
from metaic.db import session_scope
from metaic.notifications import flows, preferences
from metaic.notifications.models import EMAIL, SMS
from metaic.ui.components.bell import bell
from metaic.ui.pages.notifications import notifications_page
from metaic.ui.state import notifications as ui
from metaic.ui.state.messages import MessagesState
from metaic.ui.state.notifications import NotificationsState
from tests.notifications.conftest import make_user
from tests.ui.support import run


def test_bell_and_page_build():
    """Both components compile to a render tree wired to the notification state."""
    rendered = json.dumps(bell().render(), default=str) + json.dumps(notifications_page().render(), default=str)
    for name in (
        "bell-button",
        "bell-count",
        "bell-see-all",
        "bell-empty",
        "mark-all-read",
        "push-on",
        "save-notification-settings",
        "quiet_start",
    ):
        assert name in rendered, name


def _signed_in(email: str = "ada@example.com", **kwargs) -> tuple[str, object]:
    """A committed account with an active browser session; returns (session token, user)."""
    with session_scope() as s:
        user = make_user(s, email, **kwargs)
        token = sessions.create(session=s, user=user, remember=False, activated=True)
    return token, user


def _state(token: str | None, tab: str = "tab-1") -> NotificationsState:
    """A NotificationsState for a tab whose websocket carried this session cookie."""
    root = rx.State(_reflex_internal_init=True)
    cookie = f"{sessions.COOKIE_NAME}={token}" if token else ""
    root.router = RouterData.from_router_data(
        {"headers": {"cookie": cookie}, "token": tab, "pathname": "/notifications"}
    )
    return root.get_substate(NotificationsState.get_full_name().split(".")[1:])


def _notify(user, title: str) -> None:
    """Create an announcement for the user."""
    with session_scope() as s:
        flows.notify(session=s, user=s.merge(user), kind="announcement", data={"title": title})


def test_snapshot_follows_the_session(db, outbox):
    """The count and list belong to the cookie's user; a revoked session gets None."""
    token, ada = _signed_in()
    _other, bob = _signed_in("bob@example.com")
    _notify(ada, "For Ada")
    _notify(bob, "For Bob")
    count, latest = ui.snapshot(token)
    assert count == 1 and [r["title"] for r in latest] == ["For Ada"] and latest[0]["read"] == ""
    assert ui.live_marker(token)[0] == 1
    with session_scope() as s:
        sessions.revoke_token(session=s, token=token)
    assert ui.snapshot(token) is None and ui.live_marker(token) is None and ui.live_marker(None) is None


def test_page_handlers(db, outbox):
    """on_load fills list and settings; mark read / mark all read / save settings go through the services."""
    token, ada = _signed_in(timezone="Asia/Shanghai")
    for i in range(3):
        _notify(ada, f"N{i}")
    state = _state(token)
    run(NotificationsState.load_page.fn(state))
    assert state.unread == 3 and len(state.items) == 3 and state.timezone == "Asia/Shanghai"
    assert state.switches["reminder:email"] is True and state.switches["reminder:sms"] is False
    run(NotificationsState.mark_read.fn(state, state.items[0]["id"]))
    run(NotificationsState.mark_read.fn(state, "not-a-uuid"))
    assert state.unread == 2 and state.items[0]["read"] == "1"
    run(NotificationsState.set_only_unread.fn(state, True))
    assert len(state.items) == 2
    run(NotificationsState.mark_all_read.fn(state))
    assert state.unread == 0 and state.items == []
    NotificationsState.toggle.fn(state, "reminder:email", False)
    NotificationsState.toggle.fn(state, "reminder:fax", True)  # ignored
    NotificationsState.toggle.fn(state, "reminder:sms", True)
    run(NotificationsState.save_preferences.fn(state, {"quiet_start": "22:00", "quiet_end": "07:00"}))
    assert state.errors == {} and (state.quiet_start, state.quiet_end) == ("22:00", "07:00")
    with session_scope() as s:
        user = s.merge(ada)
        assert not preferences.is_enabled(session=s, user=user, kind="reminder", channel=EMAIL)
        assert preferences.is_enabled(session=s, user=user, kind="reminder", channel=SMS)
    run(NotificationsState.save_preferences.fn(state, {"quiet_start": "22:00", "quiet_end": ""}))
    assert "quiet_end" in state.errors


def test_page_redirects_when_signed_out(db):
    """Without a session the page sends the browser to sign in."""
    event = run(NotificationsState.load_page.fn(_state(None)))
    assert "/login?next=/notifications" in json.dumps(event, default=str)


class _Tab:
    """Stands in for Reflex's state proxy around the real state: `async with` and attribute access."""

    def __init__(self, state: NotificationsState):
        self.state = state
        self.updates = 0

    async def __aenter__(self):
        """Enter the lock (nothing to lock here)."""
        return self

    async def __aexit__(self, *exc):
        """Leaving the lock is when Reflex sends the changes to the browser."""
        self.updates += 1

    def __getattr__(self, name):
        """Everything else is the state's."""
        return getattr(self.state, name)


@pytest.fixture
def connected_tabs(monkeypatch):
    """Tabs with an open websocket, which a unit test cannot have: the loop is told which ones are connected.

    Otherwise the result would depend on test order: once a test imports metaic.metaic, Reflex's registry
    holds a real app whose namespace knows no tab, and a live loop ends at once for a tab it does not see
    connected (as it should in production)."""
    connected: set[str] = set()
    monkeypatch.setattr(ui, "tab_connected", lambda client_token: client_token in connected)
    return connected.update


def test_live_loop_pushes_new_counts_and_stops_when_signed_out(db, outbox, monkeypatch, connected_tabs):
    """The loop sends the count when it changes (only then), and ends once the session is revoked."""
    monkeypatch.setattr(ui, "LIVE_POLL_SECONDS", 0.05)
    connected_tabs({"tab-live"})
    token, ada = _signed_in()
    tab = _Tab(_state(token, tab="tab-live"))

    async def until(condition, timeout: float = 10) -> None:
        """Wait until `condition()` holds (a slow machine gets time, a broken loop still fails)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition():
            assert asyncio.get_running_loop().time() < deadline, "timed out"
            await asyncio.sleep(0.02)

    async def scenario():
        """Run the loop while notifications arrive and the user signs out."""
        loop = asyncio.create_task(NotificationsState.live.fn(tab))
        messages = await tab.state.get_state(MessagesState)
        await until(lambda: messages.marker != "")  # the first pass filled the bell and the messages
        assert tab.state.unread == 0
        first = tab.updates
        second = asyncio.create_task(NotificationsState.live.fn(_Tab(_state(token, tab="tab-live"))))
        await asyncio.wait_for(second, 1)  # one loop per tab: the second start returns at once
        await asyncio.to_thread(_notify, ada, "Live one")
        await until(lambda: tab.state.unread == 1)
        assert tab.state.latest[0]["title"] == "Live one" and tab.updates == first + 1
        await asyncio.sleep(0.3)
        assert tab.updates == first + 1  # nothing changed, nothing sent
        with session_scope() as s:
            sessions.revoke_token(session=s, token=token)
        await asyncio.wait_for(loop, 10)
        assert tab.state.unread == 0 and tab.state.latest == []
        assert "tab-live" not in ui._live_tabs

    asyncio.run(scenario())


def test_live_loop_is_time_bounded(db, monkeypatch, connected_tabs):
    """Even with nobody signing out, a loop ends after LIVE_MAX_SECONDS."""
    monkeypatch.setattr(ui, "LIVE_POLL_SECONDS", 0.05)
    connected_tabs({"tab-b"})
    monkeypatch.setattr(ui, "LIVE_MAX_SECONDS", 0.2)
    token, _ada = _signed_in()
    asyncio.run(asyncio.wait_for(NotificationsState.live.fn(_Tab(_state(token, tab="tab-b"))), 2))
    assert "tab-b" not in ui._live_tabs


@pytest.mark.parametrize("method", ["subscribe", "unsubscribe", "status"])
def test_push_script_loads_the_helper_once(method):
    """The browser snippet loads /push.js only when needed and calls the requested method."""
    script = ui.push_script(method)
    assert "/push.js" in script and f"push.{method}()" in script
