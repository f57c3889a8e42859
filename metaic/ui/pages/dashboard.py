"""`/dashboard`: the signed-in home."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
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


def stats() -> rx.Component:
    """Cards, views, contacts, follow-ups due and unread messages at a glance."""
    return rx.grid(
        stat_tile("id-card", "Card views", D.card_views, "All your cards, QR scans included", "/cards", "stat-views"),
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
        columns=rx.breakpoints(initial="2", md="4"),
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
                rx.heading("Hello, ", SessionState.display_name, size="7", id="dashboard-greeting"),
                rx.text("Here is what is happening with your cards and contacts.", color=styles.MUTED),
                stats(),
                rx.cond(D.published_cards == 0, cards_panel()),
                spacing="4",
                width="100%",
            ),
            loading_block(),
        ),
    )
