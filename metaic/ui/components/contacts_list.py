"""The contact list's pieces: filters (shown from the address), one row, and the empty state."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.state.contacts import ContactsState as L

STAGE_COLORS = (("new", "gray"), ("warm", "amber"), ("client", "green"), ("partner", "indigo"))
SORTS = [
    ("relevance", "Best match"),
    ("name", "Name A–Z"),
    ("-created", "Newest first"),
    ("-last_contacted", "Recently contacted"),
]
SELECT_STYLE = {
    "padding": "6px 8px",
    "border_radius": "8px",
    "border": styles.BORDER,
    "height": "36px",
    "background": "var(--color-surface)",
    "font_size": "14px",
    "max_width": "100%",
}


def _facet_select(name: str, any_label: str, options: rx.Var, value: rx.Var, key: str = "value") -> rx.Component:
    """A filter whose options carry their counts ("Warm (3)"); shows the address's choice when drawn."""
    return rx.el.select(
        rx.el.option(any_label, value=""),
        rx.foreach(options, lambda o: rx.el.option(o["label"], value=o[key])),
        name=name,
        id=f"filter-{name}",
        default_value=value,
        style=SELECT_STYLE,
    )


def filters_bar() -> rx.Component:
    """Search box, filters (with counts) and sort; applied together. They show the state's (the address's)
    filters: the form is keyed by the loads of the address, so a reload or a link redraws it with their filters."""
    return rx.form(
        rx.flex(
            rx.input(
                name="query",
                placeholder="Search name, company, email, phone…",
                id="contact-search",
                default_value=L.query,
                flex="1",
                min_width="220px",
                size="2",
            ),
            rx.input(
                name="event",
                placeholder="Met at (event)",
                id="filter-event",
                default_value=L.event,
                width=["100%", "160px"],
                size="2",
                list="event-options",
                auto_complete="off",
            ),
            rx.el.datalist(
                rx.foreach(L.event_options, lambda o: rx.el.option(o["label"], value=o["value"])),
                id="event-options",
            ),
            _facet_select("stage", "Any stage", L.stage_options, L.stage),
            _facet_select("source", "Any source", L.source_options, L.source),
            _facet_select("tag_id", "Any tag", L.tag_options, L.tag_id, key="id"),
            rx.el.select(
                *(rx.el.option(label, value=key) for key, label in SORTS),
                name="sort",
                id="filter-sort",
                value=L.sort,
                on_change=L.choose_sort,
                style=SELECT_STYLE,
            ),
            rx.hstack(
                rx.checkbox(name="due_only", default_checked=L.due_only),
                rx.text(L.due_label, size="2", id="filter-due-label"),
                as_="label",
                align="center",
            ),
            rx.button("Apply", type="submit", variant="soft", id="apply-filters"),
            spacing="2",
            wrap="wrap",
            align="center",
            width="100%",
        ),
        on_submit=L.search,
        reset_on_submit=False,
        key=L.filters_drawn,
        width="100%",
    )


def contact_row(row: rx.Var) -> rx.Component:
    """One contact in the list."""
    return rx.link(
        rx.hstack(
            rx.avatar(fallback=row["name"][:1], size="3", radius="full", flex_shrink="0"),
            rx.vstack(
                rx.text(row["name"], weight="bold", class_name="contact-name", overflow_wrap="anywhere"),
                rx.text(row["subtitle"], size="1", color=styles.MUTED, overflow_wrap="anywhere"),
                spacing="0",
                flex="1",
                min_width="0",
            ),
            rx.text(
                row["email"],
                size="2",
                color=styles.MUTED,
                display=["none", "none", "block"],
                overflow_wrap="anywhere",
                min_width="0",
                max_width="35%",  # a long address wraps rather than squeeze the name
            ),
            rx.badge(row["stage"], color_scheme=rx.match(row["stage"], *STAGE_COLORS, "gray"), flex_shrink="0"),
            rx.badge(row["source"], variant="outline", display=["none", "inline-flex"], flex_shrink="0"),
            align="center",
            spacing="3",
            width="100%",
            padding="12px 16px",
            border_bottom=styles.BORDER,
            _hover={"background": "var(--gray-a2)"},
        ),
        href="/contacts/view?id=" + row["id"],
        underline="none",
        color="inherit",
        class_name="contact-row",
    )


def empty_state() -> rx.Component:
    """No contacts (or none matching)."""
    return rx.vstack(
        rx.center(
            rx.icon("users", size=28, color=styles.ACCENT),
            width="56px",
            height="56px",
            border_radius="14px",
            background="var(--indigo-3)",
        ),
        rx.cond(
            L.query != "",
            rx.heading("No contacts match “", L.query, "”", size="5", text_align="center", word_break="break-word"),
            rx.heading("No contacts here yet", size="5"),
        ),
        rx.text(
            rx.cond(
                L.query != "",
                "Try fewer words or another spelling, or clear the filters.",
                "People who share their details on your card, cards you save, and contacts you import or add "
                "appear here.",
            ),
            color=styles.MUTED,
            text_align="center",
            max_width="460px",
        ),
        align="center",
        spacing="3",
        padding_y="48px",
        width="100%",
    )
