"""Sign-up, sign-in (and its MFA step), forgotten password, reset and email-verified pages."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.forms import field, field_error, form_banner, provider_buttons, submit_button
from metaic.ui.components.layout import auth_card
from metaic.ui.state.auth import (
    EmailVerifiedState,
    ForgotPasswordState,
    ResetPasswordState,
    SignInState,
    SignUpState,
)

S = SignInState


def _password_step() -> rx.Component:
    """Email and password."""
    return rx.form(
        rx.vstack(
            form_banner(S.errors, S.message),
            field("Email", "email", S.errors, type="email", placeholder="you@company.com", autocomplete="email"),
            field("Password", "password", S.errors, type="password", autocomplete="current-password"),
            rx.hstack(
                rx.checkbox("Remember me", name="remember", id="remember"),
                rx.spacer(),
                rx.link("Forgot password?", href="/forgot-password", size="2"),
                width="100%",
                align="center",
            ),
            submit_button("Sign in", S.busy, id="sign-in"),
            provider_buttons(S.providers, S.next_path),
            rx.text("New to MetaIC? ", rx.link("Create an account", href="/signup"), size="2", color=styles.MUTED),
            spacing="4",
            width="100%",
        ),
        on_submit=S.submit,
        reset_on_submit=False,
        width="100%",
    )


def _code_step() -> rx.Component:
    """The 6-digit code (or a recovery code)."""
    return rx.form(
        rx.vstack(
            form_banner(S.errors),
            rx.callout(
                "Open your authenticator app and enter the 6-digit code. Lost your phone? "
                "Use one of your recovery codes.",
                icon="smartphone",
                width="100%",
            ),
            field(
                "Code",
                "code",
                S.errors,
                placeholder="123 456",
                autocomplete="one-time-code",
                input_mode="numeric",
                auto_focus=True,
            ),
            submit_button("Verify", S.busy, id="verify-code"),
            rx.button("Back", variant="ghost", type="button", on_click=S.cancel_mfa, width="100%"),
            spacing="4",
            width="100%",
        ),
        on_submit=S.submit_code,
        reset_on_submit=True,
        width="100%",
    )


def login() -> rx.Component:
    """`/login` and `/login/mfa`."""
    return auth_card(
        "Welcome back",
        rx.cond(S.mfa_challenge, "Two-step sign-in", "Sign in to manage your cards and contacts."),
        rx.cond(S.mfa_challenge, _code_step(), _password_step()),
    )


U = SignUpState


def signup() -> rx.Component:
    """`/signup`."""
    form = rx.form(
        rx.vstack(
            form_banner(U.errors),
            field("Full name", "name", U.errors, placeholder="Ada Lovelace", autocomplete="name", max_length=120),
            field("Email", "email", U.errors, type="email", placeholder="you@company.com", autocomplete="email"),
            field(
                "Password",
                "password",
                U.errors,
                type="password",
                autocomplete="new-password",
                hint="At least 10 characters; mix letters with numbers or symbols.",
            ),
            field("Confirm password", "confirm", U.errors, type="password", autocomplete="new-password"),
            rx.vstack(
                rx.checkbox("I accept the terms of service and privacy policy", name="terms", id="terms"),
                field_error(U.errors, "terms"),
                spacing="1",
            ),
            submit_button("Create account", U.busy, id="create-account"),
            provider_buttons(U.providers),
            rx.text("Already have an account? ", rx.link("Sign in", href="/login"), size="2", color=styles.MUTED),
            spacing="4",
            width="100%",
        ),
        on_submit=U.submit,
        reset_on_submit=False,
        width="100%",
    )
    done = rx.vstack(
        rx.callout(
            "Check your email: we sent a message to " + U.done_email + " to finish signing up.",
            icon="mail-check",
            color_scheme="green",
            width="100%",
            id="signup-done",
        ),
        rx.text("Open it and follow the link, then sign in.", color=styles.MUTED),
        rx.button("Go to sign in", on_click=rx.redirect("/login"), size="3", width="100%"),
        spacing="4",
        width="100%",
    )
    return auth_card(
        "Create your account", "Your digital business card is two minutes away.", rx.cond(U.done_email, done, form)
    )


F = ForgotPasswordState


def forgot_password() -> rx.Component:
    """`/forgot-password`."""
    form = rx.form(
        rx.vstack(
            form_banner(F.errors),
            field("Email", "email", F.errors, type="email", placeholder="you@company.com", autocomplete="email"),
            submit_button("Send reset link", F.busy, id="send-reset"),
            rx.link("Back to sign in", href="/login", size="2"),
            spacing="4",
            width="100%",
        ),
        on_submit=F.submit,
        width="100%",
    )
    sent = rx.callout(
        "If an account uses that address, a reset link is on its way. It works for one hour.",
        icon="mail",
        color_scheme="green",
        width="100%",
        id="reset-sent",
    )
    return auth_card(
        "Forgot your password?", "We will email you a link to choose a new one.", rx.cond(F.sent, sent, form)
    )


R = ResetPasswordState


def reset_password() -> rx.Component:
    """`/reset-password?token=...`."""
    form = rx.form(
        rx.vstack(
            form_banner(R.errors),
            field(
                "New password",
                "password",
                R.errors,
                type="password",
                autocomplete="new-password",
                hint="At least 10 characters; mix letters with numbers or symbols.",
            ),
            field("Confirm new password", "confirm", R.errors, type="password", autocomplete="new-password"),
            submit_button("Set new password", R.busy, id="set-password"),
            spacing="4",
            width="100%",
        ),
        on_submit=R.submit,
        width="100%",
    )
    bad = rx.vstack(
        rx.callout(R.message, icon="triangle-alert", color_scheme="red", width="100%"),
        rx.button("Ask for a new link", on_click=rx.redirect("/forgot-password"), size="3", width="100%"),
        spacing="4",
        width="100%",
    )
    return auth_card(
        "Choose a new password", "Signing in again will be needed on all your devices.", rx.cond(R.link_ok, form, bad)
    )


def email_verified() -> rx.Component:
    """`/email-verified?status=ok|invalid`."""
    E = EmailVerifiedState
    return auth_card(
        rx.cond(E.ok, "Email verified", "Link not valid"),
        rx.cond(
            E.ok,
            "Thanks! Your email address is confirmed.",
            "This verification link has expired or was replaced. Sign in to send a new one.",
        ),
        rx.button(
            rx.cond(E.signed_in, "Go to your dashboard", "Sign in"),
            on_click=rx.cond(E.signed_in, rx.redirect("/dashboard"), rx.redirect("/login")),
            size="3",
            width="100%",
            id="verified-continue",
        ),
    )
