"""The page for an address the app does not have: say so plainly and offer the way back."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.layout import page
from metaic.ui.state.session import SessionState


def not_found() -> rx.Component:
    """404: what happened, and links home or to the dashboard."""
    return page(
        rx.vstack(
            rx.box(
                rx.icon("compass", size=28, color="var(--accent-9)"),
                padding="14px",
                border_radius="14px",
                background="var(--accent-3)",
            ),
            rx.heading("We could not find that page", size="6", id="not-found"),
            rx.text(
                "The address may be mistyped, or the page has moved. Cards live at /c/ followed by their name.",
                color=styles.MUTED,
                text_align="center",
                max_width="460px",
            ),
            rx.hstack(
                rx.cond(
                    SessionState.signed_in,
                    rx.link(rx.button("Go to your dashboard"), href="/dashboard"),
                    rx.link(rx.button("Go to the home page"), href="/"),
                ),
                rx.link(rx.button("Browse the directory", variant="soft"), href="/directory", is_external=False),
                spacing="3",
                wrap="wrap",
                justify="center",
            ),
            align="center",
            spacing="4",
            padding_y="64px",
            width="100%",
        ),
    )
