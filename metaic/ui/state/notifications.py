"""The bell (live unread count, latest notifications) and the /notifications page (full list, preferences, push)."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid

import reflex as rx

from metaic.core.errors import DomainError
from metaic.db import session_scope
from metaic.messaging import service as messaging
from metaic.notifications import kinds, preferences, service, subscriptions
from metaic.notifications.models import CHANNELS, Notification
from metaic.ui.state.messages import MessagesState, live_view
from metaic.ui.state.session import SessionState, as_token_user, cookie_token

LIVE_POLL_SECONDS = 3.0
# A loop never outlives this; the bell's slow heartbeat starts a new one while the tab stays open.
LIVE_MAX_SECONDS = 15 * 60
BELL_ITEMS = 8
PAGE_SIZE = 20

# Client tokens with a live loop in this process: one loop per tab, however often the bell mounts.
_live_tabs: set[str] = set()


def row(note: Notification) -> dict[str, str]:
    """A notification as the UI shows it (strings only, so the front end needs no conversions)."""
    return {
        "id": str(note.id),
        "title": note.title,
        "body": note.body,
        "url": note.url or "",
        "kind": note.kind,
        "at": note.send_at.isoformat(),
        "read": "1" if note.read_at else "",
    }


def snapshot(token: str | None, limit: int = BELL_ITEMS) -> tuple[int, list[dict[str, str]]] | None:
    """(unread count, latest rows) for the user behind a session cookie token; None when signed out."""
    return as_token_user(
        token,
        lambda session, user: (
            service.unread_count(session=session, user=user),
            [row(n) for n in service.list_(session=session, user=user, limit=limit)],
        ),
    )


def live_marker(token: str | None) -> tuple[int, str] | None:
    """The unread count and the messaging activity marker for a session token (cheap); None when signed out."""
    return as_token_user(
        token,
        lambda session, user: (
            service.unread_count(session=session, user=user),
            messaging.activity_marker(session=session, user=user),
        ),
    )


def tab_connected(client_token: str) -> bool:
    """Whether this tab's websocket is still attached to this process (True outside a running app)."""
    try:
        from reflex_base.registry import RegistrationContext

        namespace = RegistrationContext.get().app.event_namespace
    except Exception:  # no running app (unit tests): the time bound ends the loop
        return True
    return namespace is None or client_token in namespace.token_to_sid


def push_script(method: str) -> str:
    """JavaScript that loads /push.js once (if needed) and calls `window.metaicPush.<method>()`."""
    return (
        "(window.metaicPush ? Promise.resolve(window.metaicPush) : new Promise((resolve) => {"
        " const s = document.createElement('script'); s.src = '/push.js';"
        " s.onload = () => resolve(window.metaicPush); s.onerror = () => resolve(null);"
        " document.head.appendChild(s); }))"
        f".then((push) => push ? push.{method}() : 'unavailable')"
    )


async def _push_bell(tab, cookie: str | None) -> None:
    """Fetch and show the bell's count and list; `tab` is the background task's state proxy."""
    found = await asyncio.to_thread(snapshot, cookie)
    if found is not None:
        async with tab:
            tab._apply(*found)


async def _push_messages(tab, cookie: str | None) -> None:
    """Fetch and show the conversations, the open thread and the Messages badge for the tab."""
    async with tab:
        target = (await tab.get_state(MessagesState)).live_target()
    data = await asyncio.to_thread(live_view, cookie, target)
    async with tab:
        (await tab.get_state(MessagesState)).apply_live(data)


class NotificationsState(SessionState):
    """Unread count and latest notifications for the bell, plus everything on /notifications."""

    unread: int = 0
    latest: list[dict[str, str]] = []
    items: list[dict[str, str]] = []
    only_unread: bool = False
    has_more: bool = False
    kind_rows: list[dict[str, str]] = []
    switches: dict[str, bool] = {}
    quiet_start: str = ""
    quiet_end: str = ""
    timezone: str = "UTC"
    has_phone: bool = False
    push_devices: int = 0
    push_status: str = ""
    errors: dict[str, str] = {}
    saving: bool = False

    @rx.var
    def badge(self) -> str:
        """The count shown on the bell ("9+" past nine)."""
        return "9+" if self.unread > 9 else str(self.unread)

    def _apply(self, count: int, latest: list[dict[str, str]]) -> None:
        """Show a fresh count and list in the bell."""
        self.unread, self.latest = count, latest

    @rx.event(background=True)
    async def live(self):
        """Keep the unread count current while the tab is open: poll every few seconds, push only changes."""
        client_token = self.router.session.client_token
        cookie = cookie_token(self.router.headers.cookie)
        if not client_token or client_token in _live_tabs:
            return
        _live_tabs.add(client_token)
        try:
            last: tuple[int, str] | None = None
            deadline = time.monotonic() + LIVE_MAX_SECONDS
            while time.monotonic() < deadline and tab_connected(client_token):
                marker = await asyncio.to_thread(live_marker, cookie)
                if marker is None:  # signed out (here or in another tab): stop, and clear the bell
                    async with self:
                        self._apply(0, [])
                    return
                if last is None or marker[0] != last[0]:
                    await _push_bell(self, cookie)
                if last is None or marker[1] != last[1]:
                    await _push_messages(self, cookie)
                last = marker
                await asyncio.sleep(LIVE_POLL_SECONDS)
        finally:
            _live_tabs.discard(client_token)

    @rx.event
    def heartbeat(self, _tick: str):
        """Once a minute from the bell: restart the live loop if it ended (time bound, reconnect, restart)."""
        return NotificationsState.live

    @rx.event
    async def refresh_bell(self):
        """Reload the bell's list (when it opens) and make sure the live loop runs."""
        found = await asyncio.to_thread(snapshot, self._token())
        if found is not None:
            self._apply(*found)
        return NotificationsState.live

    @rx.event
    def bell_open(self, is_open: bool):
        """The popover opened: show the newest list."""
        if is_open:
            return NotificationsState.refresh_bell
        return None

    def _act(self, action) -> None:
        """Run `action(session, user)` for the signed-in user, then refresh the bell and the page list."""
        with session_scope() as session:
            user = self._load_user(session)
            if user is None:
                return
            action(session, user)
            self._apply(
                service.unread_count(session=session, user=user),
                [row(n) for n in service.list_(session=session, user=user, limit=BELL_ITEMS)],
            )
            if self.items:
                self._load_items(session, user, len(self.items))

    def _mark(self, notification_id: str) -> None:
        """Mark one notification read, ignoring ids that are not the user's."""
        with contextlib.suppress(ValueError, DomainError):
            nid = uuid.UUID(notification_id)
            self._act(lambda s, u: service.mark_read(session=s, user=u, notification_id=nid))

    @rx.event
    async def mark_read(self, notification_id: str):
        """Mark one notification read."""
        await asyncio.to_thread(self._mark, notification_id)

    @rx.event
    async def open_notification(self, notification_id: str, url: str):
        """Mark a notification read and go where it points (a site path or an http(s) URL only)."""
        await asyncio.to_thread(self._mark, notification_id)
        if url.startswith("/") and not url.startswith("//"):
            return rx.redirect(url)
        if url.startswith(("https://", "http://")):
            return rx.redirect(url, is_external=True)
        return None

    @rx.event
    async def mark_all_read(self):
        """Mark every notification read."""
        await asyncio.to_thread(self._act, lambda s, u: service.mark_all_read(session=s, user=u))

    def _load_items(self, session, user, count: int) -> None:
        """Fill the page list with the first `count` notifications (by the current filter)."""
        found = service.list_(session=session, user=user, limit=count + 1, unread_only=self.only_unread)
        self.items, self.has_more = [row(n) for n in found[:count]], len(found) > count

    def _load_preferences(self, session, user) -> None:
        """Fill the preferences form from the database."""
        language = kinds.language_for(user.language)
        view = preferences.read(session=session, user=user)
        self.kind_rows = [{"key": k.key, "label": k.label(language)} for k in kinds.KINDS.values()]
        self.switches = {f"{kind}:{ch}": on for kind, chans in view.channels.items() for ch, on in chans.items()}
        self.quiet_start, self.quiet_end = view.quiet_start or "", view.quiet_end or ""
        self.timezone = view.timezone
        self.has_phone = bool(user.phone and user.phone_verified_at)
        self.push_devices = len(subscriptions.list_for_user(session=session, user=user))

    def _fill_page(self) -> bool:
        """The list, the preferences and the bell in one transaction; False when nobody is signed in."""
        with session_scope() as session:
            user = self._load_user(session)
            if user is None:
                return False
            self._load_items(session, user, PAGE_SIZE)
            self._load_preferences(session, user)
            self._apply(
                service.unread_count(session=session, user=user),
                [row(n) for n in service.list_(session=session, user=user, limit=BELL_ITEMS)],
            )
        return True

    @rx.event
    async def load_page(self):
        """on_load for /notifications: sign-in check, the list, the preferences; starts the live count."""
        self.errors, self.only_unread = {}, False
        if not await asyncio.to_thread(self._fill_page):
            return rx.redirect("/login?next=/notifications")
        return NotificationsState.live

    def _reload_items(self, count: int) -> None:
        """Fill the page list with the first `count` notifications of the signed-in user (none when signed out)."""
        with session_scope() as session:
            user = self._load_user(session)
            if user is not None:
                self._load_items(session, user, count)

    @rx.event
    async def set_only_unread(self, value: bool):
        """Show all notifications, or only unread ones."""
        self.only_unread = bool(value)
        await asyncio.to_thread(self._reload_items, PAGE_SIZE)

    @rx.event
    async def load_more(self):
        """Show the next page of notifications."""
        await asyncio.to_thread(self._reload_items, len(self.items) + PAGE_SIZE)

    @rx.event
    def toggle(self, key: str, value: bool):
        """Flip one kind × channel switch in the form (saved with the form)."""
        kind, _, channel = key.partition(":")
        if kind in kinds.KINDS and channel in CHANNELS:
            self.switches = {**self.switches, key: bool(value)}

    @rx.event
    async def save_preferences(self, form: dict):
        """Save every switch and the quiet hours through the service."""
        self.errors = {}
        channels: dict[str, dict[str, bool]] = {}
        for key, on in self.switches.items():
            kind, _, channel = key.partition(":")
            channels.setdefault(kind, {})[channel] = bool(on)
        try:
            saved = await asyncio.to_thread(self._save_preferences, channels, form)
        except DomainError as exc:
            self.errors = exc.errors or {"form": exc.message}
            return None
        if not saved:
            return rx.redirect("/login?next=/notifications")
        return rx.toast.success("Notification settings saved.")

    def _save_preferences(self, channels: dict[str, dict[str, bool]], form: dict) -> bool:
        """Store the switches and quiet hours in one transaction; False when nobody is signed in."""
        with session_scope() as session:
            user = self._load_user(session)
            if user is None:
                return False
            preferences.update(
                session=session,
                user=user,
                channels=channels,
                quiet_start=str(form.get("quiet_start") or ""),
                quiet_end=str(form.get("quiet_end") or ""),
            )
            self._load_preferences(session, user)
        return True

    @rx.event
    def enable_push(self):
        """Ask the browser for permission and register it for push (assets/push.js does the browser part)."""
        return rx.call_script(push_script("subscribe"), callback=NotificationsState.push_result)

    @rx.event
    def disable_push(self):
        """Stop push messages to this browser."""
        return rx.call_script(push_script("unsubscribe"), callback=NotificationsState.push_result)

    @rx.event
    def check_push(self):
        """Learn whether this browser is subscribed (when the page mounts)."""
        return rx.call_script(push_script("status"), callback=NotificationsState.push_state)

    def _push_state(self, result: str) -> None:
        """Remember what the browser said about push, and recount the user's devices."""
        self.push_status = str(result or "")[:40]
        with session_scope() as session:
            user = self._load_user(session)
            if user is not None:
                self.push_devices = len(subscriptions.list_for_user(session=session, user=user))

    @rx.event
    async def push_state(self, result: str):
        """The browser's answer to the status check."""
        await asyncio.to_thread(self._push_state, result)

    @rx.event
    async def push_result(self, result: str):
        """After the user pressed a push button: update, and say what happened."""
        await asyncio.to_thread(self._push_state, result)
        messages = {
            "subscribed": "Push notifications are on for this browser.",
            "off": "Push notifications are off for this browser.",
            "denied": "The browser blocked notifications; allow them in its site settings.",
            "unsupported": "This browser cannot receive push notifications.",
            "unavailable": "Push notifications are not available right now.",
        }
        text = messages.get(self.push_status, f"Push could not be set up ({self.push_status}).")
        return rx.toast.info(text)
