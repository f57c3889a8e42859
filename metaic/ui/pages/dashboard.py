"""`/dashboard`: the signed-in home."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.charts import sparkline
from metaic.ui.components.dashboard_followups import plans_waiting
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.account import AccountState
from metaic.ui.state.dashboard import DashboardState as D
from metaic.ui.state.session import SessionState


def verify_banner() -> rx.Component:
    """Reminds a user whose email is not verified yet."""
    return rx.cond(
        ~SessionState.email_verified,
        rx.callout(
            rx.hstack(
                rx.text("Please verify your email address; we sent you a link."),
                rx.button("Send again", size="1", variant="soft", on_click=AccountState.resend_verification),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            icon="mail-warning",
            color_scheme="amber",
            width="100%",
            id="verify-banner",
        ),
    )


def cards_panel() -> rx.Component:
    """The way into the cards area."""
    return rx.vstack(
        rx.center(
            rx.icon("id-card", size=28, color=styles.ACCENT),
            width="56px",
            height="56px",
            border_radius="14px",
            background="var(--indigo-3)",
        ),
        rx.heading("Your cards", size="5"),
        rx.text(
            "Build a card, publish it at your own link, and share its QR code.",
            color=styles.MUTED,
            text_align="center",
            max_width="440px",
        ),
        rx.button(
            rx.icon("id-card", size=16),
            "Go to your cards",
            size="3",
            on_click=rx.redirect("/cards"),
            id="dashboard-cards",
        ),
        align="center",
        spacing="3",
        style=styles.card_style,
        padding_y="48px",
    )


def stat_tile(
    icon: str, label: str, value: rx.Var, hint: str, href: str, tile_id: str, alert: rx.Var | bool = False
) -> rx.Component:
    """One number with what it means, linking to where it is handled."""
    return rx.link(
        rx.vstack(
            rx.hstack(
                rx.center(
                    rx.icon(icon, size=18, color=rx.cond(alert, "var(--red-11)", styles.ACCENT)),
                    width="36px",
                    height="36px",
                    border_radius="10px",
                    background=rx.cond(alert, "var(--red-3)", "var(--indigo-3)"),
                ),
                rx.text(label, size="2", weight="medium", color=styles.MUTED),
                align="center",
                spacing="3",
            ),
            rx.text(value, size="7", weight="bold", color="var(--gray-12)", id=tile_id),
            rx.text(hint, size="1", color=styles.MUTED),
            spacing="2",
            style={**styles.card_style, "padding": ["14px", "20px"]},
            height="100%",
            _hover={"border_color": "var(--indigo-7)"},
        ),
        href=href,
        underline="none",
        width="100%",
    )


def recent_number(label: str, value: rx.Var, number_id: str) -> rx.Component:
    """One figure of the last 30 days."""
    return rx.vstack(
        rx.text(label, size="1", weight="medium", color=styles.MUTED, white_space="nowrap"),
        rx.text(value, size="6", weight="bold", color="var(--gray-12)", id=number_id, line_height="1.1"),
        spacing="1",
    )


def recent_activity() -> rx.Component:
    """Views, saves and leads of the last 30 days with a sparkline of daily views, linking to /analytics."""
    return rx.link(
        rx.vstack(
            rx.hstack(
                rx.center(
                    rx.icon("chart-line", size=18, color=styles.ACCENT),
                    width="36px",
                    height="36px",
                    border_radius="10px",
                    background="var(--indigo-3)",
                ),
                rx.text("Last 30 days", size="2", weight="medium", color=styles.MUTED),
                rx.spacer(),
                rx.text(
                    "Open analytics",
                    rx.icon("arrow-right", size=14),
                    size="2",
                    weight="medium",
                    color=styles.ACCENT,
                    display="flex",
                    align_items="center",
                    gap="4px",
                    white_space="nowrap",
                ),
                align="center",
                spacing="3",
                width="100%",
            ),
            rx.flex(
                rx.hstack(
                    recent_number("Card views", D.views_30d, "stat-views"),
                    recent_number("Saves", D.saves_30d, "stat-saves"),
                    recent_number("New leads", D.leads_30d, "stat-leads"),
                    spacing="6",
                    flex_shrink="0",
                ),
                rx.box(sparkline(D.spark, "v", height=56), flex="1", min_width="0", id="dashboard-sparkline"),
                direction=rx.breakpoints(initial="column", sm="row"),
                gap=rx.breakpoints(initial="12px", sm="40px"),
                align=rx.breakpoints(initial="stretch", sm="end"),
                width="100%",
            ),
            spacing="4",
            style={**styles.card_style, "padding": ["14px", "20px"]},
            _hover={"border_color": "var(--indigo-7)"},
        ),
        href="/analytics",
        underline="none",
        width="100%",
        id="dashboard-analytics",
    )


def stats() -> rx.Component:
    """Recent card activity, then contacts, follow-ups due and unread messages at a glance."""
    return rx.vstack(
        recent_activity(),
        rx.grid(
            stat_tile("users", "Contacts", D.contacts, "People you met and saved", "/contacts", "stat-contacts"),
            stat_tile(
                "alarm-clock",
                "Follow-ups due",
                D.follow_ups_due,
                "Reminders that have come due",
                "/contacts",
                "stat-follow-ups",
                alert=D.follow_ups_due > 0,
            ),
            stat_tile(
                "messages-square",
                "Unread messages",
                D.unread_messages,
                "From people on MetaIC",
                "/messages",
                "stat-unread",
                alert=D.unread_messages > 0,
            ),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing=rx.breakpoints(initial="3", sm="4"),
            width="100%",
        ),
        spacing=rx.breakpoints(initial="3", sm="4"),
        width="100%",
    )


def dashboard() -> rx.Component:
    """The dashboard page."""
    return page(
        rx.cond(
            SessionState.signed_in,
            rx.vstack(
                verify_banner(),
                rx.heading(
                    "Hello, ", SessionState.display_name, size="7", id="dashboard-greeting", overflow_wrap="anywhere"
                ),
                rx.text("Here is what is happening with your cards and contacts.", color=styles.MUTED),
                plans_waiting(),
                stats(),
                rx.cond(D.published_cards == 0, cards_panel()),
                spacing="4",
                width="100%",
            ),
            loading_block(),
        ),
    )
