"""The security tab of /account: password, email, phone, two-step sign-in and linked sign-ins."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.account_api_keys import api_keys_section
from metaic.ui.components.account_webhooks import webhooks_section
from metaic.ui.components.forms import field
from metaic.ui.components.settings import section, small_form
from metaic.ui.state.account import AccountState as A


def mfa_block() -> rx.Component:
    """Enrol, show recovery codes, or turn off two-step sign-in."""
    codes = rx.cond(
        A.recovery_codes.length() > 0,
        rx.vstack(
            rx.callout(
                "Save these recovery codes somewhere safe. Each works once if you lose your phone; "
                "they are shown only now.",
                icon="key-round",
                color_scheme="amber",
            ),
            rx.grid(
                rx.foreach(A.recovery_codes, lambda c: rx.code(c, size="3", class_name="recovery-code")),
                columns="2",
                spacing="2",
                max_width="360px",
            ),
            spacing="3",
        ),
    )
    enrol = rx.cond(
        A.mfa_qr,
        rx.flex(
            rx.image(src=A.mfa_qr, width="180px", height="180px", alt="QR code for your authenticator app"),
            rx.vstack(
                rx.text("Scan with Google Authenticator, 1Password or any TOTP app, or type this key:"),
                rx.code(A.mfa_secret, id="mfa-secret", size="3", word_break="break-all"),
                small_form(
                    A.confirm_mfa,
                    field("6-digit code", "code", A.errors, input_mode="numeric", autocomplete="one-time-code"),
                    button="Turn on",
                    button_id="confirm-mfa",
                ),
                spacing="3",
                flex="1",
            ),
            spacing="5",
            direction=rx.breakpoints(initial="column", sm="row"),
            align="start",
        ),
        rx.button(
            rx.icon("shield-check", size=16),
            "Set up two-step sign-in",
            on_click=A.start_mfa,
            id="start-mfa",
            width="fit-content",
        ),
    )
    enabled = rx.vstack(
        rx.hstack(
            rx.badge("On", color_scheme="green", size="2"),
            rx.text(A.recovery_left, " recovery codes left", size="2", color=styles.MUTED),
            rx.button("New recovery codes", size="1", variant="soft", on_click=A.regenerate_codes),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        small_form(
            A.disable_mfa,
            rx.cond(A.has_password, field("Password", "password", A.errors, type="password")),
            field("Code from your app", "code", A.errors, input_mode="numeric"),
            button="Turn off",
            button_id="disable-mfa",
            color_scheme="red",
            variant="soft",
        ),
        spacing="3",
    )
    return section(
        "Two-step sign-in",
        "Ask for a code from your phone when signing in.",
        codes,
        rx.cond(A.mfa_enabled, enabled, enrol),
    )


def security_activity() -> rx.Component:
    """The account's recent sign-ins and security changes, newest first."""
    return section(
        "Recent security activity",
        "Sign-ins, failed attempts and changes to how you sign in. Addresses are shown as a short code: "
        "the same code means the same network. Not you? Change your password and sign out everywhere.",
        rx.cond(
            A.security_events.length() == 0,
            rx.text("Nothing yet. Your next sign-in will appear here.", color=styles.MUTED, size="2"),
        ),
        rx.foreach(
            A.security_events,
            lambda e: rx.hstack(
                rx.cond(  # two fixed icons: a computed icon name would load lucide's whole icon map
                    e["warn"] == "yes",
                    rx.icon("shield-alert", size=16, color=styles.MUTED),
                    rx.icon("shield-check", size=16, color=styles.MUTED),
                ),
                rx.text(e["what"], size="2", weight="medium", flex="1"),
                rx.cond(e["where"] != "", rx.code(e["where"], size="1", variant="ghost")),
                rx.text(e["when"], size="1", color=styles.MUTED, white_space="nowrap"),
                align="center",
                spacing="3",
                width="100%",
                class_name="security-event",
            ),
        ),
    )


def security_tab() -> rx.Component:
    """Password, phone, MFA and linked sign-ins."""
    return rx.vstack(
        section(
            "Password",
            "Changing it signs out your other sessions.",
            small_form(
                A.change_password,
                rx.cond(
                    A.has_password,
                    field(
                        "Current password",
                        "current_password",
                        A.errors,
                        type="password",
                        autocomplete="current-password",
                    ),
                ),
                field("New password", "new_password", A.errors, type="password", autocomplete="new-password"),
                field("Confirm new password", "confirm", A.errors, type="password"),
                button="Change password",
                button_id="change-password",
            ),
        ),
        section(
            "Phone number",
            "Used for text notifications. We send a code to check it.",
            rx.cond(
                A.phone,
                rx.hstack(
                    rx.text(A.phone, weight="medium"),
                    rx.cond(A.phone_verified, rx.badge("Verified", color_scheme="green")),
                    spacing="2",
                ),
            ),
            rx.cond(
                A.phone_pending,
                small_form(
                    A.confirm_phone,
                    rx.text("Code sent to ", A.phone_pending, size="2"),
                    field("6-digit code", "code", A.errors, input_mode="numeric"),
                    button="Verify phone",
                    button_id="confirm-phone",
                ),
                small_form(
                    A.send_phone_code,
                    field("Phone number", "phone", A.errors, type="tel", placeholder="+44 20 7946 0958"),
                    button="Send code",
                    button_id="send-phone-code",
                    variant="soft",
                ),
            ),
        ),
        mfa_block(),
        api_keys_section(),
        webhooks_section(),
        security_activity(),
        rx.cond(
            (A.providers.length() > 0) | (A.linked.length() > 0),
            section(
                "Linked sign-ins",
                "Sign in with Google, Apple or WeChat as well as your password.",
                rx.cond(A.linked.length() == 0, rx.text("None linked.", color=styles.MUTED, size="2")),
                rx.foreach(
                    A.linked,
                    lambda a: rx.hstack(
                        rx.badge(a["provider"], size="2"),
                        rx.text(a["email"], size="2"),
                        rx.spacer(),
                        rx.button(
                            "Remove", size="1", variant="soft", color_scheme="red", on_click=A.unlink(a["provider"])
                        ),
                        align="center",
                        width="100%",
                    ),
                ),
                rx.hstack(
                    rx.foreach(
                        A.providers,
                        lambda p: rx.el.a(
                            rx.button("Link ", p["label"], size="2", variant="outline", type="button"),
                            href="/auth/oauth/" + p["key"] + "/link?next=/account",
                        ),
                    ),
                    spacing="2",
                    wrap="wrap",
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )
