"""`/`: what MetaIC is, with the way in."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.layout import page
from metaic.ui.state.session import SessionState

FEATURES = [
    (
        "id-card",
        "A card that says it all",
        "Profile, business, services, portfolio, social links and what you are looking for, on one fast page.",
    ),
    (
        "qr-code",
        "Share in a scan",
        "Every card gets a short link and a QR code; visitors save you to their phone with one tap.",
    ),
    (
        "users",
        "Remember who you met",
        "Keep the people you meet with tags, meeting notes and follow-up reminders; import and export vCard and CSV.",
    ),
    (
        "sparkles",
        "A helpful assistant",
        "Card summaries, networking suggestions and follow-up plans, with notifications where you want them.",
    ),
]


def feature(icon: str, title: str, text: str) -> rx.Component:
    """One feature tile."""
    return rx.vstack(
        rx.center(
            rx.icon(icon, size=20, color=styles.ACCENT),
            width="40px",
            height="40px",
            border_radius="10px",
            background="var(--indigo-3)",
        ),
        rx.text(title, weight="bold", size="4"),
        rx.text(text, color=styles.MUTED, size="2"),
        spacing="2",
        style=styles.card_style,
        align="start",
    )


def sample_card() -> rx.Component:
    """A small picture of a finished card."""
    return rx.box(
        rx.box(height="96px", width="100%", background="linear-gradient(135deg, var(--indigo-9), var(--violet-9))"),
        rx.vstack(
            rx.avatar(fallback="AL", size="6", radius="full", margin_top="-48px", border="4px solid white"),
            rx.text("Ada Lovelace", weight="bold", size="5"),
            rx.text("Founder · Analytical Engines Ltd", color=styles.MUTED, size="2"),
            rx.hstack(
                rx.badge("Mentoring", color_scheme="indigo"),
                rx.badge("Partnering", color_scheme="green"),
                spacing="2",
            ),
            rx.button(rx.icon("download", size=16), "Save contact", size="3", width="100%"),
            align="center",
            spacing="3",
            padding="0 20px 20px",
        ),
        width=["100%", "320px"],
        overflow="hidden",
        background=styles.CARD_BG,
        border=styles.BORDER,
        border_radius="14px",
        box_shadow="0 24px 48px rgba(79,70,229,.18)",
    )


def landing() -> rx.Component:
    """The landing page."""
    return page(
        rx.flex(
            rx.vstack(
                rx.badge("Digital business cards", color_scheme="indigo", size="2", radius="full"),
                rx.heading("Your business card, alive.", size="9", weight="bold", line_height="1.05"),
                rx.text(
                    "Build a rich card in minutes, share it with a QR code, and keep track of everyone "
                    "you meet — all in one place.",
                    size="5",
                    color=styles.MUTED,
                ),
                rx.hstack(
                    rx.cond(
                        SessionState.signed_in,
                        rx.button("Go to your dashboard", size="4", on_click=rx.redirect("/dashboard")),
                        rx.button("Create your free card", size="4", on_click=rx.redirect("/signup"), id="cta-signup"),
                    ),
                    rx.button("Sign in", size="4", variant="soft", on_click=rx.redirect("/login")),
                    spacing="3",
                    wrap="wrap",
                ),
                spacing="5",
                align="start",
                flex="1",
            ),
            rx.center(sample_card(), flex="1", width="100%"),
            direction=rx.breakpoints(initial="column", md="row"),
            spacing="8",
            align="center",
            padding_y=["16px", "48px"],
        ),
        rx.grid(
            *(feature(*f) for f in FEATURES),
            columns=rx.breakpoints(initial="1", sm="2", lg="4"),
            spacing="4",
            width="100%",
            padding_top="24px",
        ),
    )
