"""`/network`: people who meet what you look for, introductions to make, and this week's insights."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.layout import loading_block, page
from metaic.ui.components.network_parts import (
    digest_line,
    empty,
    intro_open,
    intro_suggestion,
    panel_style,
    skeleton_card,
    suggestion_card,
)
from metaic.ui.state.network import NetworkState as N


def header() -> rx.Component:
    """Title, what the page is for, and the contacts/directory switch."""
    return rx.flex(
        rx.vstack(
            rx.heading("Network", size="7"),
            rx.text(
                "People who offer what your card is looking for, and introductions worth making.",
                color=styles.MUTED,
                size="2",
            ),
            rx.cond(
                N.wants != "",
                rx.text(
                    "You are looking for: ",
                    rx.text.strong(N.wants),
                    size="2",
                    id="network-wants",
                    overflow_wrap="anywhere",
                ),
            ),
            spacing="1",
            min_width="0",
        ),
        rx.spacer(),
        rx.segmented_control.root(
            rx.segmented_control.item("All", value="all"),
            rx.segmented_control.item("Contacts", value="contacts"),
            rx.segmented_control.item("Directory", value="directory"),
            value=N.show,
            on_change=N.set_show,
            id="network-show",
        ),
        direction=rx.breakpoints(initial="column", sm="row"),
        align=rx.breakpoints(initial="start", sm="end"),
        spacing="3",
        width="100%",
    )


def group(title: str, rows: rx.Var, icon: str, group_id: str) -> rx.Component:
    """A titled list of suggestions."""
    return rx.cond(
        rows.length() > 0,
        rx.vstack(
            rx.hstack(rx.icon(icon, size=16, color=styles.MUTED), rx.text(title, weight="bold", size="3"), spacing="2"),
            rx.foreach(rows, suggestion_card),
            spacing="3",
            width="100%",
            id=group_id,
        ),
    )


def suggestions() -> rx.Component:
    """The suggestions column: loading, asked-for-nothing, error, nothing found, or the lists."""
    nothing = (N.contact_matches.length() == 0) & (N.directory_matches.length() == 0)
    return rx.cond(
        N.loading,
        rx.vstack(skeleton_card(), skeleton_card(), skeleton_card(), spacing="3", width="100%", id="network-loading"),
        rx.cond(
            N.needs_ask,
            empty(
                "target",
                "Say what you are looking for",
                "Add “Looking for” to your card (investors, a designer, customers in retail…) and we will find "
                "the people who offer it among your contacts and in the directory.",
                rx.link(rx.button("Edit your cards"), href="/cards"),
                box_id="network-needs-ask",
            ),
            rx.cond(
                N.load_error != "",
                rx.callout(N.load_error, icon="triangle-alert", color_scheme="red", width="100%", id="network-error"),
                rx.cond(
                    nothing,
                    empty(
                        "users",
                        "No matches yet",
                        "Nobody among your contacts or in the directory offers what you are looking for yet. Save "
                        "more contacts, or widen “Looking for” on your card.",
                        box_id="network-empty",
                    ),
                    rx.vstack(
                        rx.cond(N.show != "directory", group("Your contacts", N.contact_matches, "contact", "net-c")),
                        rx.cond(N.show != "contacts", group("In the directory", N.directory_matches, "globe", "net-d")),
                        spacing="5",
                        width="100%",
                    ),
                ),
            ),
        ),
    )


def introductions_panel() -> rx.Component:
    """Pairs to introduce and introductions under way."""
    return rx.vstack(
        rx.hstack(rx.icon("handshake", size=16, color=styles.ACCENT), rx.text("Introductions", weight="bold")),
        rx.text("Ask each side first; nothing is sent until you press send.", size="1", color=styles.MUTED),
        rx.foreach(N.intros_open, intro_open),
        rx.foreach(N.intro_suggestions, intro_suggestion),
        rx.cond(
            (N.intros_open.length() == 0) & (N.intro_suggestions.length() == 0) & ~N.loading,
            rx.text(
                "When one contact looks for what another offers, the pair shows here.",
                size="2",
                color=styles.MUTED,
                padding_top="8px",
            ),
        ),
        rx.cond(N.loading, rx.skeleton(height="60px", width="100%")),
        spacing="1",
        style=panel_style,
        id="network-intros",
    )


def digest_panel() -> rx.Component:
    """This week's insights with one action each, and the email opt-in."""
    return rx.vstack(
        rx.hstack(rx.icon("calendar-check", size=16, color=styles.ACCENT), rx.text("This week", weight="bold")),
        rx.foreach(N.digest_items, digest_line),
        rx.cond(
            (N.digest_items.length() == 0) & ~N.loading,
            rx.text("You are up to date: nobody waiting for a follow-up.", size="2", color=styles.MUTED),
        ),
        rx.cond(N.loading, rx.skeleton(height="60px", width="100%")),
        rx.hstack(
            rx.switch(checked=N.digest_email, on_change=N.set_digest_email, id="digest-email"),
            rx.text("Email me this digest every Monday", size="2"),
            spacing="2",
            align="center",
            padding_top="10px",
            border_top=styles.BORDER,
            width="100%",
        ),
        spacing="1",
        style=panel_style,
        id="network-digest",
    )


def network_page() -> rx.Component:
    """The Network page (two columns on wide screens, one on phones)."""
    return page(
        rx.cond(
            N.loaded & N.signed_in,
            rx.vstack(
                header(),
                rx.grid(
                    rx.box(suggestions(), min_width="0"),
                    rx.vstack(introductions_panel(), digest_panel(), spacing="4", width="100%", min_width="0"),
                    grid_template_columns=["minmax(0, 1fr)", "minmax(0, 1fr)", "minmax(0, 3fr) minmax(0, 2fr)"],
                    spacing="5",
                    width="100%",
                    align_items="start",
                ),
                spacing="5",
                width="100%",
            ),
            loading_block(),
        )
    )
