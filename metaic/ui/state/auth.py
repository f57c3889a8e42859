"""Sign-up, sign-in (with the MFA step), forgotten and reset passwords."""

from __future__ import annotations

import asyncio
import json

import reflex as rx
from reflex.event import EventSpec

from metaic.auth import flows, sessions, verification
from metaic.auth import social as social_service
from metaic.config import get_settings
from metaic.core.errors import AuthenticationFailed, DomainError
from metaic.core.security import new_token
from metaic.db import session_scope
from metaic.ui.state.offload import password_work
from metaic.ui.state.session import SessionState

NONCE_COOKIE = "metaic_login_nonce"


def safe_next(value: str | None) -> str:
    """Only same-site relative paths may be redirect targets."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/dashboard"


class FormState(SessionState):
    """Shared pieces of every form: field errors, a banner message, a busy flag."""

    errors: dict[str, str] = {}
    message: str = ""
    busy: bool = False

    def _fail(self, exc: DomainError) -> None:
        """Show a domain error next to its field, or as a banner."""
        self.errors = dict(exc.errors) if exc.errors else {"form": exc.message}
        self.busy = False

    def _error_event(self, exc: DomainError) -> EventSpec | None:
        """What the browser is told about a refused action (a toast; states may say more or less)."""
        return rx.toast.error(exc.message)

    def _transact(self, action, *, back: str, success: str = "", refresh=None):
        """Run `action(session, user)` for the signed-in owner in one transaction, then `refresh(session, user)`.

        Signed out: back to sign-in (then to `back`). A DomainError rolls everything back and shows next to
        its field. Otherwise the action's own event (a redirect, a toast) or a `success` toast.
        """
        self.errors, self.message = {}, ""
        try:
            with session_scope() as session:
                user = self._owner(session)
                result = action(session, user)
                if refresh is not None:
                    refresh(session, user)
        except AuthenticationFailed:
            return rx.redirect(f"/login?next={back}")
        except DomainError as exc:
            self._fail(exc)
            return self._error_event(exc)
        self.busy = False
        if isinstance(result, EventSpec):
            return result
        return rx.toast.success(success) if success else None

    async def _transact_off_loop(self, action, *, back: str, success: str = "", refresh=None):
        """`_transact` in a worker thread, so the database work never stalls the event loop (this tab waits)."""
        return await asyncio.to_thread(self._transact, action, back=back, success=success, refresh=refresh)


class SignInState(FormState):
    """The sign-in form and its second (MFA) step."""

    mfa_challenge: str = ""
    remember: bool = False
    next_path: str = "/dashboard"
    providers: list[dict[str, str]] = []

    def _client(self) -> tuple[str, str]:
        """The browser's IP and user agent, for rate limits and the sessions list."""
        return self._client_ip(), self.router.headers.user_agent

    @rx.event
    def load(self):
        """Prepare the page from the query string; signed-in users skip it."""
        params = self.router.url.query_parameters
        self.errors, self.busy = {}, False
        self.next_path = safe_next(params.get("next"))
        self.mfa_challenge = params.get("challenge", "") if self.router.url.path.rstrip("/") == "/login/mfa" else ""
        self.providers = [{"key": k, "label": v} for k, v in social_service.enabled_providers(get_settings())]
        notices = {
            "signed_out": "You are signed out.",
            "reset": "Your password was changed. Sign in with the new one.",
        }
        self.message = next((text for key, text in notices.items() if params.get(key)), "")
        if params.get("error"):
            self.errors = {"form": oauth_error_text(params["error"])}
        return SessionState.redirect_if_signed_in

    @rx.event
    async def submit(self, form: dict):
        """Check email and password; finish, or move to the MFA step."""
        self.errors, self.message, self.busy = {}, "", True
        yield
        self.remember = bool(form.get("remember"))
        try:
            # argon2 at the production cost takes ~150 ms of CPU: never on the event loop every tab shares.
            redirect = await password_work(self._check_password, form)
        except DomainError as exc:
            self._fail(exc)
            return
        if redirect is not None:
            yield redirect

    def _check_password(self, form: dict) -> EventSpec | None:
        """The password step in one transaction: the session's redirect, or None when the MFA step comes next."""
        ip, _ = self._client()
        with session_scope() as session:
            step = flows.check_password(
                session=session, email=str(form.get("email", "")), password=str(form.get("password", "")), ip=ip
            )
            if step.mfa_challenge:
                self.mfa_challenge, self.busy = step.mfa_challenge, False
                return None
            # Build the redirect inside the transaction, send it after the commit.
            return self._start_session(session, step.user)

    @rx.event
    async def submit_code(self, form: dict):
        """Check the MFA (or recovery) code and finish signing in."""
        self.errors, self.busy = {}, True
        yield
        try:
            redirect = await asyncio.to_thread(self._check_code, str(form.get("code", "")))
        except DomainError as exc:
            self._fail(exc)
            return
        yield redirect

    def _check_code(self, code: str) -> EventSpec:
        """The MFA step in one transaction; the session's redirect."""
        with session_scope() as session:
            user = flows.check_mfa(session=session, challenge=self.mfa_challenge, code=code)
            return self._start_session(session, user)

    @rx.event
    def cancel_mfa(self):
        """Go back to the password step."""
        self.mfa_challenge, self.errors = "", {}

    def _start_session(self, session, user):
        """Create the session and hand the browser a one-time ticket for its HttpOnly cookie."""
        ip, agent = self._client()
        token = sessions.create(session=session, user=user, remember=self.remember, ip=ip, user_agent=agent)
        nonce = new_token(16)
        ticket = sessions.issue_ticket(token, nonce)
        url = f"/auth/session?ticket={ticket}&next={self.next_path}"
        script = (
            f"document.cookie = {json.dumps(f'{NONCE_COOKIE}={nonce}; path=/; max-age=120; SameSite=Lax')};"
            f"window.location.assign({json.dumps(url)});"
        )
        return rx.call_script(script)


def oauth_error_text(code: str) -> str:
    """Human text for an error code passed back from a sign-in or link redirect."""
    return {
        "expired": "That sign-in took too long. Please sign in again.",
        "state": "That sign-in link was not started in this browser. Please try again.",
        "denied": "Sign-in was cancelled at the provider.",
        "unverified": "The provider did not confirm that email address. Sign in with your password instead.",
        "no_email": "The provider did not share an email address. Sign up with email first, then link it.",
        "disabled": "This account is disabled.",
        "conflict": "That sign-in is already linked differently on this account.",
        "linked_elsewhere": "That sign-in belongs to another MetaIC account.",
        "rate_limited": "Too many attempts. Please wait a minute and try again.",
    }.get(code, "Sign-in with that provider did not work. Please try again.")


class SignUpState(FormState):
    """The sign-up form."""

    done_email: str = ""
    providers: list[dict[str, str]] = []

    @rx.event
    def load(self):
        """Reset the form; signed-in users skip it."""
        self.errors, self.busy, self.done_email = {}, False, ""
        self.providers = [{"key": k, "label": v} for k, v in social_service.enabled_providers(get_settings())]
        return SessionState.redirect_if_signed_in

    @rx.event
    async def submit(self, form: dict):
        """Create the account and send the verification email."""
        self.errors, self.busy = {}, True
        yield
        if form.get("password") != form.get("confirm"):
            self.errors, self.busy = {"confirm": "The two passwords do not match."}, False
            return
        if not form.get("terms"):
            self.errors, self.busy = {"terms": "Please accept the terms to continue."}, False
            return
        try:
            self.done_email = await password_work(self._sign_up, form)
            self.busy = False
        except DomainError as exc:
            self._fail(exc)

    def _sign_up(self, form: dict) -> str:
        """Start the account (hashing the password) in one transaction; the address it emailed.

        The same for an address that already has an account (its owner is told by email), so the page
        never says who is on MetaIC.
        """
        with session_scope() as session:
            return flows.signup(
                session=session,
                email=str(form.get("email", "")),
                password=str(form.get("password", "")),
                name=str(form.get("name", "")),
                ip=self._client_ip(),
            )


class ForgotPasswordState(FormState):
    """Ask for a reset link."""

    sent: bool = False

    @rx.event
    def load(self):
        """Reset the form."""
        self.errors, self.busy, self.sent = {}, False, False

    @rx.event
    async def submit(self, form: dict):
        """Send the link if the account exists; the answer never says whether it does."""
        self.errors, self.busy = {}, True
        yield
        try:
            await asyncio.to_thread(self._request, str(form.get("email", "")))
            self.sent, self.busy = True, False
        except DomainError as exc:
            self._fail(exc)

    def _request(self, email: str) -> None:
        """Ask for the reset link (a lookup and an email) in one transaction."""
        with session_scope() as session:
            flows.request_password_reset(session=session, email=email, ip=self._client_ip())


class ResetPasswordState(FormState):
    """Choose a new password from an emailed link."""

    token: str = ""
    link_ok: bool = True

    @rx.event
    async def load(self):
        """Check the link before showing the form."""
        self.errors, self.busy = {}, False
        self.token = self.router.url.query_parameters.get("token", "")
        try:
            await asyncio.to_thread(_check_reset_link, self.token)
            self.link_ok = True
        except DomainError as exc:
            self.link_ok = False
            self.message = exc.message

    @rx.event
    async def submit(self, form: dict):
        """Set the new password; every session is signed out."""
        self.errors, self.busy = {}, True
        yield
        if form.get("password") != form.get("confirm"):
            self.errors, self.busy = {"confirm": "The two passwords do not match."}, False
            return
        try:
            await password_work(self._reset, str(form.get("password", "")))
        except DomainError as exc:
            exc.errors = {"password": exc.errors.pop("new_password")} if "new_password" in exc.errors else exc.errors
            self._fail(exc)
            return
        yield rx.redirect("/login?reset=1")

    def _reset(self, new_password: str) -> None:
        """Hash and store the new password in one transaction."""
        with session_scope() as session:
            flows.reset_password(session=session, token=self.token, new_password=new_password, ip=self._client_ip())


def _check_reset_link(token: str) -> None:
    """Raise a DomainError when a reset link is unknown, used or expired."""
    with session_scope() as session:
        verification.user_for_reset(session=session, token=token)


class EmailVerifiedState(SessionState):
    """The landing page after a verification link."""

    ok: bool = False

    @rx.event
    def load(self):
        """Read the outcome from the query string."""
        self.ok = self.router.url.query_parameters.get("status") == "ok"
        return SessionState.load_public
