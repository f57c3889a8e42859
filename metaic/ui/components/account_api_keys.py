"""The account's personal API keys: make one with chosen areas and access, see it once, revoke it."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.forms import field
from metaic.ui.components.settings import section, small_form
from metaic.ui.state.account import KEY_AREAS
from metaic.ui.state.account import AccountState as A


def _new_key_callout() -> rx.Component:
    """The key just made, shown this once."""
    return rx.callout.root(
        rx.callout.text("Copy your new key now: it will not be shown again."),
        rx.code(A.new_api_key, id="new-api-key", size="2", style={"word_break": "break-all"}),
        color_scheme="green",
        width="100%",
    )


def _key_row(row: rx.Var) -> rx.Component:
    """One key: name, prefix, scopes, last use, revoke."""
    return rx.hstack(
        rx.vstack(
            rx.hstack(rx.text(row["name"], weight="medium", size="2"), rx.code(row["prefix"] + "…", size="1")),
            rx.text(row["scopes"], size="1", color=styles.MUTED),
            rx.text("Last used: ", row["last_used"], size="1", color=styles.MUTED),
            spacing="1",
        ),
        rx.spacer(),
        rx.cond(
            row["revoked"] != "",
            rx.badge("Revoked", color_scheme="gray"),
            rx.button("Revoke", size="1", variant="soft", color_scheme="red", on_click=A.revoke_api_key(row["id"])),
        ),
        align="center",
        width="100%",
        class_name="api-key-row",
    )


def api_keys_section() -> rx.Component:
    """Personal keys for the public API (https://…/api/v1/docs), each limited to what it needs."""
    return section(
        "API keys",
        "For scripts and integrations: a key reaches only the areas you tick, read-only unless you allow changes. "
        "It never reaches your account settings.",
        rx.cond(A.new_api_key != "", _new_key_callout()),
        rx.foreach(A.api_key_rows, _key_row),
        small_form(
            A.create_api_key,
            field("Name", "name", A.errors, placeholder="CRM sync"),
            rx.flex(
                *[
                    rx.hstack(
                        rx.checkbox(name=f"area_{area}"),
                        rx.text(label, size="2"),
                        as_="label",
                        align="center",
                        spacing="2",
                        min_width="130px",
                    )
                    for area, label in KEY_AREAS
                ],
                wrap="wrap",
                column_gap="var(--space-5)",
                row_gap="var(--space-2)",
            ),
            rx.hstack(rx.checkbox(name="write"), rx.text("Allow changes (not only reading)", size="2"), as_="label"),
            rx.cond(A.errors["scopes"], rx.text(A.errors["scopes"], color="var(--red-11)", size="2")),
            button="Create key",
            button_id="create-api-key",
            variant="soft",
        ),
    )
