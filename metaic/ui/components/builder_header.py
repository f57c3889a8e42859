"""The builder's header (title, status, save state, actions) and the page shown for a card that is not there."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.state.builder import BuilderState as B

STATUS_COLORS = {"draft": "gray", "published": "green", "changed": "amber"}


def save_status() -> rx.Component:
    """Where the draft stands: waiting for a pause, saving, saved, or a failed save with a retry."""
    quiet = {"size": "2", "color": styles.MUTED}
    return rx.box(
        rx.match(
            B.save_status,
            ("unsaved", rx.text("Unsaved changes", **quiet)),
            ("saving", rx.hstack(rx.spinner(size="1"), rx.text("Saving…", **quiet), align="center", spacing="1")),
            (
                "saved",
                rx.hstack(
                    rx.icon("check", size=14, color="var(--green-11)"),
                    rx.text("Saved", **quiet),
                    align="center",
                    spacing="1",
                ),
            ),
            (
                "error",
                rx.button(
                    rx.icon("rotate-cw", size=14),
                    "Couldn't save – retry",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=B.save,
                    title=B.save_error,
                    id="save-retry",
                ),
            ),
            rx.fragment(),
        ),
        id="save-status",
        role="status",
        aria_live="polite",
    )


def header() -> rx.Component:
    """Title, status, save state and the main actions."""
    return rx.flex(
        rx.vstack(
            rx.link(
                rx.hstack(rx.icon("arrow-left", size=14), rx.text("All cards", size="2"), align="center"),
                href="/cards",
                color=styles.MUTED,
            ),
            rx.hstack(
                rx.heading(rx.cond(B.name, B.name, "Untitled card"), size="6", style={"overflow_wrap": "anywhere"}),
                rx.badge(B.status, color_scheme=rx.match(B.status, *STATUS_COLORS.items(), "gray"), id="card-status"),
                save_status(),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            spacing="1",
            min_width="0",
        ),
        rx.spacer(),
        rx.hstack(
            rx.cond(
                B.status != "draft",
                rx.el.a(
                    rx.button(rx.icon("external-link", size=14), "View", variant="soft", type="button"),
                    href=B.public_url,
                    target="_blank",
                ),
            ),
            rx.button("Save draft", variant="soft", on_click=B.save, id="save-draft", disabled=~B.dirty),
            rx.button(rx.icon("rocket", size=14), "Publish", on_click=B.publish, id="publish"),
            spacing="2",
            wrap="wrap",
        ),
        direction=rx.breakpoints(initial="column", sm="row"),
        spacing="3",
        width="100%",
        align="start",
    )


def not_found_block() -> rx.Component:
    """An unknown, foreign or malformed card id: say so, offer the way back, show nothing to edit."""
    return rx.center(
        rx.vstack(
            rx.icon("file-question", size=40, color=styles.MUTED),
            rx.heading("Card not found", size="6"),
            rx.text(
                "This card does not exist, or it belongs to another account.",
                color=styles.MUTED,
                text_align="center",
            ),
            rx.link(rx.button(rx.icon("arrow-left", size=14), "Back to your cards"), href="/cards", id="back-to-cards"),
            align="center",
            spacing="3",
            style=styles.card_style,
            max_width="440px",
            width="100%",
        ),
        width="100%",
        padding_top="48px",
        id="card-not-found",
    )
