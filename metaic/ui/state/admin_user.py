"""/admin/users/view?id=: one account's figures, cards, sessions and history, and its actions (admins only)."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from metaic.admin import user_actions, users
from metaic.auth.models import User
from metaic.ui.state.admin import AdminPage
from metaic.ui.state.admin_users import row_view, when

# Action -> (button label, what it does, the text box's label or "" for none).
ACTIONS = {
    "suspend": (
        "Suspend",
        "Signs them out everywhere, stops their API tokens and takes their cards offline.",
        "Reason",
    ),
    "reactivate": ("Reactivate", "They can sign in again and their published cards come back online.", ""),
    "make_admin": ("Make admin", "Gives full access to this console.", ""),
    "make_user": ("Remove admin", "Takes away access to this console. At least one admin always stays.", ""),
    "sign_out": ("Sign out everywhere", "Ends every browser session and API token of this account.", ""),
    "reset_mfa": (
        "Reset two-step sign-in",
        "Turns two-step sign-in off and signs them out. Only after you checked who is asking.",
        "How you checked who they are",
    ),
    "resend_verification": ("Resend verification", "Sends a new verification link to their address.", ""),
    "erase": (
        "Erase account",
        "Deletes the account, its cards, contacts and files for good. This cannot be undone.",
        "",
    ),
}

DONE = {
    "suspend": "Account suspended: signed out and its cards are offline.",
    "reactivate": "Account reactivated: its published cards are back online.",
    "make_admin": "They are an admin now.",
    "make_user": "They are no longer an admin.",
    "sign_out": "Signed out everywhere.",
    "reset_mfa": "Two-step sign-in is off; they were signed out.",
    "resend_verification": "Verification email sent.",
}


def _act(action: str, session: Session, admin: User, user: User, text: str, ip: str) -> None:
    """Run one named action on `user` as `admin`."""
    common = {"session": session, "actor": admin, "user": user}
    if action == "suspend":
        user_actions.suspend(**common, reason=text, ip=ip)
    elif action == "reactivate":
        user_actions.reactivate(**common, ip=ip)
    elif action in ("make_admin", "make_user"):
        user_actions.change_role(**common, role="admin" if action == "make_admin" else "user")
    elif action == "sign_out":
        user_actions.sign_out(**common, ip=ip)
    elif action == "reset_mfa":
        user_actions.reset_mfa(**common, identity_check=text, ip=ip)
    elif action == "resend_verification":
        user_actions.resend_verification(**common, ip=ip)
    elif action == "erase":
        user_actions.erase(**common)


def detail_view(found: users.UserDetail) -> dict:
    """An account's page as the page shows it."""
    return {
        "user": {
            **row_view(found.row),
            "recovery_codes": str(found.recovery_codes_left),
            "api_tokens": str(found.live_api_tokens),
            "sessions": str(len(found.sessions)),
        },
        "cards": [
            {
                "name": c["name"],
                "slug": c["slug"],
                "state": ("live" if c["published"] else "draft")
                + ("" if c["visibility"] == "public" else " · private"),
            }
            for c in found.cards
        ],
        "sessions": [{"device": s["device"], "last_seen": when(s["last_seen"])} for s in found.sessions],
        "events": [
            {
                "when": when(e.created_at),
                "what": users.action_label(e.action),
                "detail": e.detail,
                "category": e.category,
            }
            for e in found.events
        ],
    }


class AdminUserState(AdminPage):
    """One account, read again after every action."""

    user_id: str = ""
    user: dict[str, str] = {}
    cards: list[dict[str, str]] = []
    sessions: list[dict[str, str]] = []
    events: list[dict[str, str]] = []
    pending: str = ""
    text: str = ""

    @rx.var
    def pending_label(self) -> str:
        """The open confirmation's action name."""
        return ACTIONS.get(self.pending, ("", "", ""))[0]

    @rx.var
    def pending_warning(self) -> str:
        """What the confirmed action does."""
        return ACTIONS.get(self.pending, ("", "", ""))[1]

    @rx.var
    def pending_input(self) -> str:
        """The label of the confirmation's text box ("" for none)."""
        return ACTIONS.get(self.pending, ("", "", ""))[2]

    async def _refresh(self):
        """Read the account again."""
        self.loading, self.failed = True, ""
        user_id = self.user_id
        found, refused = await self._run(
            lambda s, admin: detail_view(users.detail(session=s, actor=admin, user_id=user_id)),
            f"/admin/users/view?id={user_id}",
        )
        if found is None:
            self.loading = False
            return refused
        self.user, self.cards, self.sessions, self.events = (
            found["user"],
            found["cards"],
            found["sessions"],
            found["events"],
        )
        self.denied, self.loading = False, False
        return None

    @rx.event
    async def load(self):
        """on_load: the account named by `?id=`."""
        self.user_id, self.user, self.pending = self.router.url.query_parameters.get("id", "")[:64], {}, ""
        return await self._refresh()

    @rx.event
    def ask(self, action: str):
        """Open the confirmation of one action."""
        if action in ACTIONS:
            self.pending, self.text = action, ""

    @rx.event
    def set_text(self, value: str):
        """The reason or identity check typed in the confirmation."""
        self.text = value[:300]

    @rx.event
    def cancel(self):
        """Close the confirmation without acting."""
        self.pending = ""

    @rx.event
    async def confirm(self):
        """Run the confirmed action, then show the account as it is now (erased: back to the list)."""
        action, text, ip, user_id = self.pending, self.text, self._client_ip(), self.user_id
        self.pending = ""

        def work(session: Session, admin: User) -> None:
            """The action as the admin."""
            _act(action, session, admin, users.get_user(session=session, actor=admin, user_id=user_id), text, ip)

        done, refused = await self._run(lambda s, a: work(s, a) or True, f"/admin/users/view?id={user_id}")
        if done is None:
            return refused
        if action == "erase":
            return [rx.redirect("/admin/users"), rx.toast.success("Account erased.")]
        await self._refresh()
        return rx.toast.success(DONE[action])
