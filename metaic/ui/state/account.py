"""Account settings: profile, email, password, phone, two-step sign-in, sessions, deletion."""

from __future__ import annotations

import asyncio
import uuid

import reflex as rx

from metaic.admin import accounts, data_export
from metaic.audit import service as audit
from metaic.auth import api_keys, flows, mfa, sessions
from metaic.auth import service as user_service
from metaic.auth import social as social_service
from metaic.config import get_settings
from metaic.core.errors import AuthenticationFailed, DomainError
from metaic.db import session_scope
from metaic.notifications import preferences
from metaic.notifications.models import EMAIL
from metaic.ui.state.auth import FormState, oauth_error_text
from metaic.ui.state.session import go_to

WEEKLY_REPORT = "weekly_report"  # the notification kind of metaic/analytics/weekly.py
SECURITY_EVENTS_SHOWN = 20
# Areas offered when making an API key (metaic/auth/api_keys.py has every one the API knows).
KEY_AREAS = (
    ("cards", "Cards"),
    ("contacts", "Contacts"),
    ("templates", "Templates"),
    ("messages", "Messages"),
    ("notifications", "Notifications"),
    ("analytics", "Analytics"),
    ("search", "Search"),
    ("webhooks", "Webhooks"),
)


class AccountState(FormState):
    """Everything on /account; rebuilt from the database on every load."""

    tab: str = "profile"
    name: str = ""
    timezone: str = "UTC"
    language: str = "en"
    phone: str = ""
    phone_verified: bool = False
    phone_pending: str = ""
    has_password: bool = True
    mfa_enabled: bool = False
    mfa_qr: str = ""
    mfa_secret: str = ""
    recovery_codes: list[str] = []
    recovery_left: int = 0
    session_rows: list[dict[str, str]] = []
    linked: list[dict[str, str]] = []
    providers: list[dict[str, str]] = []
    confirm_delete: bool = False
    weekly_report: bool = False
    security_events: list[dict[str, str]] = []
    exporting: bool = False
    api_key_rows: list[dict[str, str]] = []
    new_api_key: str = ""

    def _refresh(self, session, user) -> None:
        """Copy the account's current values into the page."""
        self.name, self.timezone, self.language = user.name, user.timezone, user.language
        self.phone, self.phone_verified = user.phone or "", user.phone_verified_at is not None
        self.has_password = user.password_hash is not None
        self.mfa_enabled = user.mfa_enabled_at is not None
        self.recovery_left = mfa.remaining_recovery_codes(session=session, user=user) if self.mfa_enabled else 0
        self.session_rows = [
            {
                "id": s.id,
                "device": s.device,
                "ip": s.ip or "unknown",
                "last_seen": s.last_seen_at.strftime("%Y-%m-%d %H:%M UTC"),
                "created": s.created_at.strftime("%Y-%m-%d"),
                "current": "yes" if s.current else "",
            }
            for s in sessions.list_for_user(session=session, user_id=user.id, current_token=self._token())
        ]
        self.linked = [
            {"provider": a.provider, "email": a.email or ""}
            for a in social_service.list_for_user(session=session, user=user)
        ]
        self.providers = [{"key": k, "label": v} for k, v in social_service.enabled_providers(get_settings())]
        self.weekly_report = preferences.is_enabled(session=session, user=user, kind=WEEKLY_REPORT, channel=EMAIL)
        self.api_key_rows = [
            {
                "id": str(k.id),
                "name": k.name,
                "prefix": k.prefix,
                "scopes": k.scopes.replace(",", ", "),
                "last_used": k.last_used_at.strftime("%Y-%m-%d %H:%M UTC") if k.last_used_at else "never",
                "revoked": "yes" if k.revoked_at else "",
            }
            for k in api_keys.list_(session=session, owner=user)
        ]
        self.security_events = [
            {
                "when": e.created_at.strftime("%Y-%m-%d %H:%M UTC"),
                "what": audit.label(e.action),
                "warn": "yes" if e.action.startswith("sign_in.") else "",
                "where": e.address_hash[:6],
            }
            for e in audit.for_account(session=session, user_id=user.id, limit=SECURITY_EVENTS_SHOWN)
        ]

    async def _run(self, action, success: str = ""):
        """`action(session, user)` in one transaction, in a worker thread; errors by field, success as a banner."""
        event = await self._transact_off_loop(action, back="/account", success=success, refresh=self._refresh)
        if not self.errors:
            self.message = success
        return event

    def _error_event(self, exc: DomainError) -> None:
        """The account page shows refusals next to their fields only."""
        return None

    @rx.event
    async def load(self):
        """on_load: check the session and fill the page."""
        self.tab = self.router.url.query_parameters.get("tab", "profile")
        self.mfa_qr, self.mfa_secret, self.recovery_codes, self.confirm_delete = "", "", [], False
        params = self.router.url.query_parameters
        result = await self._run(lambda session, user: None)
        if params.get("linked"):
            self.tab, self.message = "security", f"{social_service.label(params['linked'])} sign-in linked."
        elif params.get("error"):
            self.tab, self.errors = "security", {"form": oauth_error_text(params["error"])}
        return result

    @rx.event
    def set_tab(self, tab: str):
        """Switch tabs."""
        self.tab, self.errors, self.message = tab, {}, ""

    @rx.event
    async def save_profile(self, form: dict):
        """Save name, time zone and language."""
        return await self._run(
            lambda s, u: user_service.update_profile(
                session=s,
                user=u,
                name=str(form.get("name", "")),
                timezone=str(form.get("timezone", "UTC")),
                language=str(form.get("language", "en")),
            ),
            "Profile saved.",
        )

    @rx.event
    async def change_email(self, form: dict):
        """Change the email address and send a new verification link."""

        return await self._run(
            lambda s, u: flows.change_email(
                session=s, user=u, new_email=str(form.get("email", "")), password=str(form.get("password", ""))
            ),
            "Email changed. Check your inbox to verify the new address.",
        )

    @rx.event
    async def resend_verification(self):
        """Send the verification email again."""
        return await self._run(lambda s, u: flows.send_verification(user=u), "Verification email sent.")

    @rx.event
    async def change_password(self, form: dict):
        """Change the password; other sessions are signed out."""
        if form.get("new_password") != form.get("confirm"):
            self.errors = {"confirm": "The two passwords do not match."}
            return None
        return await self._run(
            lambda s, u: flows.change_password(
                session=s,
                user=u,
                current_password=str(form.get("current_password", "")),
                new_password=str(form.get("new_password", "")),
                current_token=self._token(),
            ),
            "Password changed. Your other sessions were signed out.",
        )

    @rx.event
    async def send_phone_code(self, form: dict):
        """Text a code to the phone number."""

        def action(s, u):
            self.phone_pending = flows.send_phone_code(session=s, user=u, phone=str(form.get("phone", "")))

        return await self._run(action, "We sent you a 6-digit code.")

    @rx.event
    async def confirm_phone(self, form: dict):
        """Check the texted code."""

        def action(s, u):
            flows.confirm_phone(session=s, user=u, code=str(form.get("code", "")))
            self.phone_pending = ""

        return await self._run(action, "Phone number verified.")

    @rx.event
    async def start_mfa(self):
        """Create a secret and show its QR code."""

        def action(s, u):
            self.mfa_secret = mfa.start_enrolment(session=s, user=u)
            self.mfa_qr = mfa.qr_data_uri(mfa.provisioning_uri(u))

        return await self._run(action)

    @rx.event
    async def confirm_mfa(self, form: dict):
        """Turn MFA on with the first code; show the recovery codes once."""

        def action(s, u):
            self.recovery_codes = mfa.confirm_enrolment(session=s, user=u, code=str(form.get("code", "")))
            self.mfa_qr, self.mfa_secret = "", ""

        return await self._run(action, "Two-step sign-in is on.")

    @rx.event
    async def regenerate_codes(self):
        """Replace the recovery codes."""

        def action(s, u):
            self.recovery_codes = mfa.regenerate_recovery_codes(session=s, user=u)

        return await self._run(action, "New recovery codes created; the old ones no longer work.")

    @rx.event
    async def disable_mfa(self, form: dict):
        """Turn MFA off."""
        return await self._run(
            lambda s, u: mfa.disable(
                session=s, user=u, password=str(form.get("password", "")), code=str(form.get("code", ""))
            ),
            "Two-step sign-in is off.",
        )

    @rx.event
    async def revoke_session(self, session_id: str):
        """Sign out one of the other sessions."""
        return await self._run(
            lambda s, u: sessions.revoke(session=s, user_id=u.id, session_id=session_id), "Session signed out."
        )

    @rx.event
    async def revoke_others(self):
        """Sign out every other session."""
        return await self._run(
            lambda s, u: flows.sign_out_everywhere(session=s, user=u, keep_token=self._token()),
            "All other sessions were signed out.",
        )

    @rx.event
    async def unlink(self, provider: str):
        """Remove a social sign-in."""
        return await self._run(
            lambda s, u: social_service.unlink(session=s, user=u, provider=provider), "Sign-in method removed."
        )

    @rx.event
    async def set_weekly_report(self, enabled: bool):
        """Switch the weekly analytics email on or off (it stays a notification preference)."""
        return await self._run(
            lambda s, u: preferences.set_channel(session=s, user=u, kind=WEEKLY_REPORT, channel=EMAIL, enabled=enabled),
            "Weekly report switched on." if enabled else "Weekly report switched off.",
        )

    @rx.event
    async def request_export(self):
        """Queue "download my data"; the link arrives by email."""
        self.exporting, ip = True, self._client_ip()
        yield
        event = await self._run(
            lambda s, u: data_export.request(session=s, user=u, ip=ip),
            "We are preparing your data and will email you a download link (it works for 7 days).",
        )
        self.exporting = False
        if event:
            yield event

    @rx.event
    async def create_api_key(self, form: dict):
        """Make a key from the ticked areas; it is shown once."""
        access = "write" if form.get("write") else "read"
        scopes = [f"{area}:{access}" for area, _label in KEY_AREAS if form.get(f"area_{area}")]
        made: list[str] = []

        def action(s, u):
            made.append(api_keys.create(session=s, owner=u, name=str(form.get("name", "")), scopes=scopes)[1])

        event = await self._run(action, "API key created.")
        self.new_api_key = made[0] if made and not self.errors else ""
        return event

    @rx.event
    async def revoke_api_key(self, key_id: str):
        """Stop a key working at once."""
        self.new_api_key = ""
        return await self._run(
            lambda s, u: api_keys.revoke(session=s, owner=u, key_id=uuid.UUID(key_id)), "API key revoked."
        )

    @rx.event
    def ask_delete(self, value: bool):
        """Open or close the delete confirmation."""
        self.confirm_delete, self.errors = value, {}

    @rx.event
    async def delete_account(self, form: dict):
        """Delete the account for good, then clear the cookie."""
        if str(form.get("confirm", "")).strip().upper() != "DELETE":
            self.errors = {"confirm": "Type DELETE to confirm."}
            return None
        self.errors = {}
        try:
            await asyncio.to_thread(self._delete, str(form.get("password", "")))
        except AuthenticationFailed:
            return rx.redirect("/login")
        except DomainError as exc:
            self._fail(exc)
            return None
        return go_to("/auth/signed-out")

    def _delete(self, password: str) -> None:
        """Check the password and delete the account with its data, in one transaction."""
        with session_scope() as session:
            accounts.delete_account(session=session, user=self._owner(session), password=password)
