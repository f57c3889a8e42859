"""`/account`: profile, security, sessions and the danger zone."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.forms import field, form_banner
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.account import AccountState as A

TIMEZONES = [
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Asia/Singapore",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Africa/Lagos",
]
LANGUAGES = {"en": "English", "zh": "中文", "es": "Español", "fr": "Français", "de": "Deutsch"}


def section(title: str, description: str, *children: rx.Component, **props) -> rx.Component:
    """A titled settings block."""
    return rx.vstack(
        rx.heading(title, size="4"),
        rx.text(description, color=styles.MUTED, size="2"),
        *children,
        spacing="3",
        style=styles.card_style,
        align="stretch",
        **props,
    )


def small_form(handler, *children: rx.Component, button: str, button_id: str, **props) -> rx.Component:
    """A form with a right-aligned submit button."""
    return rx.form(
        rx.vstack(
            *children,
            rx.hstack(rx.button(button, type="submit", id=button_id, **props), justify="end", width="100%"),
            spacing="3",
            width="100%",
            max_width="480px",
        ),
        on_submit=handler,
        reset_on_submit=False,
    )


def select_field(label: str, name: str, options: dict[str, str] | list[str], value) -> rx.Component:
    """A native select (keeps working without client state)."""
    items = options.items() if isinstance(options, dict) else [(o, o) for o in options]
    return rx.vstack(
        rx.text(label, size="2", weight="medium"),
        rx.el.select(
            *(rx.el.option(text, value=key) for key, text in items),
            name=name,
            default_value=value,
            style={
                "padding": "8px",
                "border_radius": "8px",
                "border": styles.BORDER,
                "width": "100%",
                "background": "var(--color-surface)",
                "font_size": "15px",
                "height": "40px",
            },
        ),
        spacing="1",
        width="100%",
    )


def profile_tab() -> rx.Component:
    """Name, time zone, language and email."""
    return rx.vstack(
        section(
            "Profile",
            "How you appear across MetaIC.",
            small_form(
                A.save_profile,
                field("Full name", "name", A.errors, default_value=A.name, max_length=120),
                select_field("Time zone", "timezone", TIMEZONES, A.timezone),
                select_field("Language", "language", LANGUAGES, A.language),
                button="Save profile",
                button_id="save-profile",
            ),
            key=A.name,
        ),
        section(
            "Email address",
            "We send sign-in links and notifications here.",
            rx.hstack(
                rx.text(A.user_email, weight="medium"),
                rx.cond(
                    A.email_verified,
                    rx.badge("Verified", color_scheme="green"),
                    rx.badge("Not verified", color_scheme="amber"),
                ),
                spacing="2",
                align="center",
            ),
            small_form(
                A.change_email,
                field("New email", "email", A.errors, type="email"),
                rx.cond(
                    A.has_password,
                    field("Current password", "password", A.errors, type="password", autocomplete="current-password"),
                ),
                button="Change email",
                button_id="change-email",
                variant="soft",
            ),
        ),
        spacing="4",
        width="100%",
    )


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


def session_row(row: rx.Var) -> rx.Component:
    """One signed-in device: what, where, when, and a way to sign it out."""
    return rx.hstack(
        rx.center(
            rx.icon(
                rx.cond(row["device"].contains("iPhone") | row["device"].contains("Android"), "smartphone", "monitor"),
                size=18,
                color=styles.MUTED,
            ),
            width="40px",
            height="40px",
            border_radius="10px",
            background="var(--gray-3)",
            flex_shrink="0",
        ),
        rx.vstack(
            rx.hstack(
                rx.text(row["device"], weight="medium"),
                rx.cond(row["current"], rx.badge("This device", color_scheme="green")),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.text(row["ip"], " · last active ", row["last_seen"], size="1", color=styles.MUTED),
            spacing="1",
            flex="1",
            min_width="0",
        ),
        rx.cond(
            row["current"],
            rx.fragment(),
            rx.button(
                "Sign out",
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=A.revoke_session(row["id"]),
                class_name="revoke-session",
            ),
        ),
        align="center",
        spacing="3",
        width="100%",
        padding_y="12px",
        border_bottom=styles.BORDER,
        class_name="session-row",
    )


def sessions_tab() -> rx.Component:
    """Every browser signed in to this account."""
    return section(
        "Where you're signed in",
        "Sign out any device you do not recognise.",
        rx.vstack(rx.foreach(A.session_rows, session_row), spacing="0", width="100%"),
        rx.hstack(
            rx.button(
                "Sign out all other sessions",
                variant="soft",
                color_scheme="red",
                on_click=A.revoke_others,
                id="revoke-others",
                disabled=A.session_rows.length() < 2,
            ),
            justify="end",
            width="100%",
        ),
    )


def danger_tab() -> rx.Component:
    """Delete the account."""
    confirm = small_form(
        A.delete_account,
        rx.callout(
            "This deletes your account, cards and contacts for good.", icon="triangle-alert", color_scheme="red"
        ),
        rx.cond(A.has_password, field("Password", "password", A.errors, type="password")),
        field("Type DELETE to confirm", "confirm", A.errors),
        button="Delete my account",
        button_id="delete-account",
        color_scheme="red",
    )
    return section(
        "Delete account",
        "Remove everything MetaIC holds about you.",
        rx.cond(
            A.confirm_delete,
            confirm,
            rx.button(
                "Delete account…",
                color_scheme="red",
                variant="soft",
                width="fit-content",
                on_click=A.ask_delete(True),
                id="ask-delete",
            ),
        ),
        border="1px solid var(--red-a6)",
    )


def account() -> rx.Component:
    """The account settings page."""
    return page(
        rx.cond(
            A.loaded & A.signed_in,
            rx.vstack(
                rx.heading("Account settings", size="7"),
                form_banner(A.errors, A.message),
                rx.tabs.root(
                    rx.tabs.list(
                        rx.tabs.trigger("Profile", value="profile"),
                        rx.tabs.trigger("Security", value="security", id="tab-security"),
                        rx.tabs.trigger("Sessions", value="sessions", id="tab-sessions"),
                        rx.tabs.trigger("Delete", value="danger", id="tab-danger"),
                    ),
                    rx.tabs.content(profile_tab(), value="profile", padding_top="16px"),
                    rx.tabs.content(security_tab(), value="security", padding_top="16px"),
                    rx.tabs.content(sessions_tab(), value="sessions", padding_top="16px"),
                    rx.tabs.content(danger_tab(), value="danger", padding_top="16px"),
                    value=A.tab,
                    on_change=A.set_tab,
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
            loading_block(),
        ),
        width="880px",
    )
