"""`/dashboard`: the signed-in home."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.account import AccountState
from metaic.ui.state.session import SessionState


def verify_banner() -> rx.Component:
    """Reminds a user whose email is not verified yet."""
    return rx.cond(
        ~SessionState.email_verified,
        rx.callout(
            rx.hstack(
                rx.text("Please verify your email address; we sent you a link."),
                rx.button("Send again", size="1", variant="soft", on_click=AccountState.resend_verification),
                align="center", spacing="3", wrap="wrap",
            ),
            icon="mail-warning", color_scheme="amber", width="100%", id="verify-banner",
        ),
    )


def cards_panel() -> rx.Component:
    """The way into the cards area."""
    return rx.vstack(
        rx.center(rx.icon("id-card", size=28, color=styles.ACCENT), width="56px", height="56px",
                  border_radius="14px", background="var(--indigo-3)"),
        rx.heading("Your cards", size="5"),
        rx.text("Build a card, publish it at your own link, and share its QR code.",
                color=styles.MUTED, text_align="center", max_width="440px"),
        rx.button(rx.icon("id-card", size=16), "Go to your cards", size="3", on_click=rx.redirect("/cards"),
                  id="dashboard-cards"),
        align="center", spacing="3", style=styles.card_style, padding_y="48px",
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
                cards_panel(),
                spacing="4", width="100%",
            ),
            loading_block(),
        ),
    )
