"""Building blocks of the settings page: a titled section, a small form, a native select."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles


def section(title: str, description: str, *children: rx.Component, **props) -> rx.Component:
    """A titled settings block."""
    return rx.vstack(
        rx.heading(title, size="4"),
        rx.text(description, color=styles.MUTED, size="2"),
        *children,
        spacing="3",
        style=styles.card_style,
        align="stretch",
        **props,
    )


def small_form(handler, *children: rx.Component, button: str, button_id: str, **props) -> rx.Component:
    """A form with a right-aligned submit button."""
    return rx.form(
        rx.vstack(
            *children,
            rx.hstack(rx.button(button, type="submit", id=button_id, **props), justify="end", width="100%"),
            spacing="3",
            width="100%",
            max_width="480px",
        ),
        on_submit=handler,
        reset_on_submit=False,
    )


def select_field(label: str, name: str, options: dict[str, str] | list[str], value) -> rx.Component:
    """A native select (keeps working without client state)."""
    items = options.items() if isinstance(options, dict) else [(o, o) for o in options]
    return rx.vstack(
        rx.text(label, size="2", weight="medium"),
        rx.el.select(
            *(rx.el.option(text, value=key) for key, text in items),
            name=name,
            default_value=value,
            style={
                "padding": "8px",
                "border_radius": "8px",
                "border": styles.BORDER,
                "width": "100%",
                "background": "var(--color-surface)",
                "font_size": "15px",
                "height": "40px",
            },
        ),
        spacing="1",
        width="100%",
    )
