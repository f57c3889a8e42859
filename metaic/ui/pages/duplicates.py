"""`/contacts/duplicates`: likely duplicates side by side, merged field by field, with undo."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.duplicates import CHOOSABLE
from metaic.ui.state.duplicates import DuplicatesState as D

# The field's name beside both values on wider screens; above them on a phone, where the values get the width.
COMPARE_COLUMNS = rx.breakpoints(initial="minmax(0, 1fr) minmax(0, 1fr)", sm="110px minmax(0, 1fr) minmax(0, 1fr)")
LABEL_SPAN = rx.breakpoints(initial="1 / -1", sm="auto")


def _label(text: str) -> rx.Component:
    """The name of a compared field."""
    return rx.text(text, size="1", weight="bold", color=styles.MUTED, grid_column=LABEL_SPAN)


def _choice(pair: rx.Var, field: str, label: str) -> rx.Component:
    """One row of the comparison: the field on each side, with a radio to pick the value to keep."""
    return rx.grid(
        _label(label),
        rx.el.label(
            rx.el.input(type="radio", name=field, value="keep", default_checked=True),
            rx.text(pair[f"a_{field}"], size="2", as_="span", margin_left="6px", overflow_wrap="anywhere"),
        ),
        rx.el.label(
            rx.el.input(type="radio", name=field, value="drop"),
            rx.text(pair[f"b_{field}"], size="2", as_="span", margin_left="6px", overflow_wrap="anywhere"),
        ),
        columns=COMPARE_COLUMNS,
        spacing="2",
        width="100%",
        align_items="start",
    )


def pair_card(pair: rx.Var) -> rx.Component:
    """One likely duplicate pair."""
    return rx.form(
        rx.vstack(
            rx.hstack(
                rx.badge(pair["score"], color_scheme="amber", flex_shrink="0"),
                rx.text(pair["reasons"], size="2", overflow_wrap="anywhere", min_width="0"),
                align="center",
                spacing="2",
                width="100%",
            ),
            rx.el.input(type="hidden", name="a", value=pair["a"]),
            rx.el.input(type="hidden", name="b", value=pair["b"]),
            *(_choice(pair, field, label) for field, label in CHOOSABLE),
            rx.grid(
                _label("Emails, phones"),
                rx.text(pair["a_emails"], " ", pair["a_phones"], size="2", overflow_wrap="anywhere"),
                rx.text(pair["b_emails"], " ", pair["b_phones"], size="2", overflow_wrap="anywhere"),
                columns=COMPARE_COLUMNS,
                spacing="2",
                width="100%",
            ),
            rx.text(
                "Emails, phones, links, tags, reminders and history of both are kept.", size="1", color=styles.MUTED
            ),
            rx.hstack(rx.button("Merge", type="submit", class_name="merge-pair"), justify="end", width="100%"),
            spacing="3",
            width="100%",
        ),
        on_submit=D.merge,
        reset_on_submit=False,
        style=styles.card_style,
        class_name="duplicate-pair",
    )


def duplicates_page() -> rx.Component:
    """The duplicates page."""
    return page(
        rx.cond(
            D.loaded & D.signed_in,
            rx.vstack(
                rx.link(
                    rx.hstack(rx.icon("arrow-left", size=14), rx.text("All contacts", size="2")),
                    href="/contacts",
                    color=styles.MUTED,
                ),
                rx.heading("Likely duplicates", size="7"),
                rx.text(
                    "Same email or phone, or a very similar name at the same company. People who only share a "
                    "name are never merged for you.",
                    color=styles.MUTED,
                ),
                rx.cond(
                    D.last_merge != "",
                    rx.callout(
                        rx.hstack(
                            rx.text("Merged into ", D.last_merge_name, "."),
                            rx.button("Undo", size="1", variant="soft", on_click=D.undo, id="undo-merge"),
                            align="center",
                            spacing="3",
                        ),
                        icon="git-merge",
                        color_scheme="green",
                        width="100%",
                    ),
                ),
                rx.cond(
                    D.pairs.length() == 0, rx.text("No likely duplicates.", color=styles.MUTED, id="no-duplicates")
                ),
                rx.foreach(D.pairs, pair_card),
                spacing="4",
                width="100%",
            ),
            loading_block(),
        ),
    )
