"""`/account`: profile, security, sessions and the danger zone."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.account_ai import ai_tab
from metaic.ui.components.account_security import security_tab
from metaic.ui.components.forms import field, form_banner
from metaic.ui.components.layout import loading_block, page
from metaic.ui.components.settings import section, select_field, small_form
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
        weekly_report_section(),
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


def weekly_report_section() -> rx.Component:
    """The opt-in switch for the weekly analytics email."""
    return section(
        "Weekly report",
        "Every Monday morning, an email with last week's views, saves, new leads and top source. Off until you "
        "switch it on; every email has a one-click unsubscribe link.",
        rx.hstack(
            rx.switch(checked=A.weekly_report, on_change=A.set_weekly_report, id="weekly-report-switch"),
            rx.text(
                rx.cond(A.weekly_report, "On: sent to ", "Off"),
                rx.cond(A.weekly_report, A.user_email, ""),
                size="2",
                weight="medium",
            ),
            align="center",
            spacing="3",
        ),
        rx.cond(
            A.weekly_report & ~A.email_verified,
            rx.text("Verify your email address to receive it.", size="1", color="var(--amber-11)"),
        ),
    )


def session_row(row: rx.Var) -> rx.Component:
    """One signed-in device: what, where, when, and a way to sign it out."""
    return rx.hstack(
        rx.center(
            rx.cond(  # fixed icons: a computed icon name ships lucide's whole icon map
                row["device"].contains("iPhone") | row["device"].contains("Android"),
                rx.icon("smartphone", size=18, color=styles.MUTED),
                rx.icon("monitor", size=18, color=styles.MUTED),
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


def export_section() -> rx.Component:
    """Download a copy of everything (GDPR): prepared in the background, the link comes by email."""
    return section(
        "Download your data",
        "A zip of your cards, contacts (also as a vCard file), messages, notes, settings and uploaded images. "
        "We prepare it in the background and email you a link that works for 7 days.",
        rx.button(
            "Email me a copy of my data",
            variant="soft",
            width="fit-content",
            on_click=A.request_export,
            loading=A.exporting,
            id="request-export",
        ),
    )


def danger_tab() -> rx.Component:
    """Export the data, or delete the account."""
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
    delete = section(
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
    return rx.vstack(export_section(), delete, spacing="4", width="100%")


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
                        rx.tabs.trigger("AI", value="ai", id="tab-ai"),
                        rx.tabs.trigger("Your data", value="danger", id="tab-danger"),
                        size=rx.breakpoints(initial="1", sm="2"),  # five tabs fit a 390 px phone
                    ),
                    rx.tabs.content(profile_tab(), value="profile", padding_top="16px"),
                    rx.tabs.content(security_tab(), value="security", padding_top="16px"),
                    rx.tabs.content(sessions_tab(), value="sessions", padding_top="16px"),
                    rx.tabs.content(ai_tab(), value="ai", padding_top="16px"),
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
