"""Form pieces: labelled inputs with their error line, banners, submit buttons."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles


def field_error(errors: rx.Var, key: str) -> rx.Component:
    """The error message for one field, if any."""
    return rx.cond(
        errors.contains(key),
        rx.text(errors[key], style=styles.field_error, id=f"error-{key}"),
    )


def field(
    label: str,
    name: str,
    errors: rx.Var,
    *,
    type: str = "text",
    placeholder: str = "",
    default_value: str | rx.Var = "",
    hint: str = "",
    autocomplete: str = "",
    **props,
) -> rx.Component:
    """A labelled input bound to a form field name, with its error below."""
    return rx.vstack(
        rx.text(label, as_="label", html_for=name, size="2", weight="medium"),
        rx.input(
            name=name,
            id=name,
            type=type,
            placeholder=placeholder,
            default_value=default_value,
            auto_complete=autocomplete or None,
            size="3",
            width="100%",
            color_scheme=rx.cond(errors.contains(name), "red", "indigo"),
            **props,
        ),
        rx.text(hint, size="1", color=styles.MUTED) if hint else rx.fragment(),
        field_error(errors, name),
        spacing="1",
        width="100%",
        align="stretch",
    )


def form_banner(errors: rx.Var, message: rx.Var | None = None) -> rx.Component:
    """A whole-form error (and an optional success note)."""
    return rx.fragment(
        rx.cond(
            errors.contains("form"),
            rx.callout(errors["form"], icon="triangle-alert", color_scheme="red", width="100%", id="form-error"),
        ),
        rx.cond(
            message,
            rx.callout(message, icon="circle-check", color_scheme="green", width="100%", id="form-message"),
        )
        if message is not None
        else rx.fragment(),
    )


def submit_button(text: str, busy: rx.Var, **props) -> rx.Component:
    """A full-width primary submit button showing a spinner while busy."""
    return rx.button(text, type="submit", size="3", width="100%", loading=busy, **props)


def provider_buttons(providers: rx.Var, next_path: rx.Var | str = "/dashboard") -> rx.Component:
    """One button per configured social sign-in provider (none when none is configured)."""
    return rx.cond(
        providers.length() > 0,
        rx.vstack(
            rx.hstack(
                rx.separator(),
                rx.text("or", size="1", color=styles.MUTED),
                rx.separator(),
                align="center",
                width="100%",
            ),
            rx.foreach(
                providers,
                # A plain anchor: these are server routes, not client-side pages.
                lambda p: rx.el.a(
                    rx.button(
                        "Continue with ",
                        p["label"],
                        variant="outline",
                        color_scheme="gray",
                        size="3",
                        width="100%",
                        type="button",
                    ),
                    href="/auth/oauth/" + p["key"] + "/start?next=" + next_path,
                    style={"width": "100%"},
                ),
            ),
            spacing="3",
            width="100%",
        ),
    )
