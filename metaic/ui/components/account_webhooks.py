"""The account's outgoing webhooks: add an endpoint, see its secret once, its status, deliveries and redeliver."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.forms import field
from metaic.ui.components.settings import section, small_form
from metaic.ui.state.account_webhooks import EVENT_LABELS
from metaic.ui.state.account_webhooks import WebhooksState as W


def _secret_callout() -> rx.Component:
    """The signing secret of the endpoint just added, shown this once."""
    return rx.callout.root(
        rx.callout.icon(rx.icon("key-round")),
        rx.callout.text(
            "Copy the signing secret now: it is not shown again. Check each delivery's MetaIC-Signature with it."
        ),
        rx.hstack(
            rx.code(W.new_secret, id="webhook-secret", size="2", style={"word_break": "break-all"}),
            rx.button("Done", size="1", variant="soft", on_click=W.hide_secret, id="hide-webhook-secret"),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        color_scheme="green",
        width="100%",
    )


def _status(row: rx.Var) -> rx.Component:
    """Active, or off with the reason (auto-disabled after failures)."""
    return rx.cond(
        row["enabled"] != "",
        rx.cond(
            row["failures"] != "",
            rx.badge("Failing (", row["failures"], " in a row)", color_scheme="amber"),
            rx.badge("Active", color_scheme="green"),
        ),
        rx.badge("Off", color_scheme="red"),
    )


def _delivery(row: rx.Var) -> rx.Component:
    """One delivery: event, response code, attempts, when, and redeliver."""
    return rx.hstack(
        rx.badge(row["code"], color_scheme=rx.cond(row["ok"] != "", "green", "red"), variant="soft", min_width="44px"),
        rx.vstack(
            rx.text(row["event"], size="2", weight="medium"),
            rx.text(row["when"], " · ", row["status"], " · attempts ", row["attempts"], size="1", color=styles.MUTED),
            rx.cond(row["error"] != "", rx.text(row["error"], size="1", color=styles.MUTED, trim="end")),
            spacing="0",
            flex="1",
            min_width="0",
        ),
        rx.button("Redeliver", size="1", variant="ghost", on_click=W.redeliver(row["id"]), class_name="redeliver"),
        align="center",
        spacing="3",
        width="100%",
        padding_y="8px",
        border_top=styles.BORDER,
        class_name="webhook-delivery",
    )


def _log() -> rx.Component:
    """The open endpoint's recent deliveries."""
    return rx.vstack(
        rx.hstack(
            rx.text("Recent deliveries", size="2", weight="medium"),
            rx.spacer(),
            rx.button("Refresh", size="1", variant="ghost", on_click=W.refresh, id="refresh-deliveries"),
            width="100%",
            align="center",
        ),
        rx.cond(
            W.deliveries.length() == 0,
            rx.text("Nothing sent yet. Use “Send test” or wait for an event.", size="2", color=styles.MUTED),
            rx.vstack(rx.foreach(W.deliveries, _delivery), spacing="0", width="100%"),
        ),
        spacing="2",
        width="100%",
        padding="12px",
        border_radius="8px",
        background="var(--gray-2)",
        id="webhook-log",
    )


def _actions(row: rx.Var) -> rx.Component:
    """Deliveries, test, on/off and delete (with a confirmation)."""
    return rx.hstack(
        rx.button(
            rx.cond(W.open_id == row["id"], "Hide deliveries", "Deliveries"),
            size="1",
            variant="soft",
            on_click=W.toggle_log(row["id"]),
            class_name="toggle-deliveries",
        ),
        rx.button("Send test", size="1", variant="soft", color_scheme="gray", on_click=W.ping(row["id"])),
        rx.cond(
            row["enabled"] != "",
            rx.button(
                "Turn off", size="1", variant="soft", color_scheme="gray", on_click=W.set_enabled(row["id"], False)
            ),
            rx.button("Re-enable", size="1", on_click=W.set_enabled(row["id"], True), class_name="reenable-webhook"),
        ),
        rx.cond(
            W.confirm_delete_id == row["id"],
            rx.hstack(
                rx.button("Delete for good", size="1", color_scheme="red", on_click=W.delete(row["id"])),
                rx.button("Keep", size="1", variant="soft", color_scheme="gray", on_click=W.ask_delete("")),
                spacing="2",
            ),
            rx.button("Delete", size="1", variant="soft", color_scheme="red", on_click=W.ask_delete(row["id"])),
        ),
        spacing="2",
        wrap="wrap",
        align="center",
        padding_top="4px",
    )


def _endpoint(row: rx.Var) -> rx.Component:
    """One endpoint: address, events, status, last success, actions, and its log when open."""
    return rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.text(row["url"], weight="medium", size="2", style={"word_break": "break-all"}),
                rx.cond(row["description"] != "", rx.text(row["description"], size="1", color=styles.MUTED)),
                spacing="0",
                min_width="0",
                flex="1",
            ),
            _status(row),
            align="start",
            spacing="3",
            width="100%",
        ),
        rx.text(row["events"], size="1", color=styles.MUTED),
        rx.cond(
            row["reason"] != "",
            rx.text(row["reason"], size="1", color="var(--red-11)", class_name="webhook-reason"),
            rx.text("Last successful delivery: ", row["last_success"], size="1", color=styles.MUTED),
        ),
        _actions(row),
        rx.cond(W.open_id == row["id"], _log()),
        spacing="2",
        width="100%",
        padding="14px",
        border=styles.BORDER,
        border_radius="10px",
        class_name="webhook-endpoint",
    )


def _form() -> rx.Component:
    """Add an endpoint: its address, what it is for, the events it wants (emptied once one is added)."""
    return rx.box(
        rx.text("Add an endpoint", size="3", weight="bold", margin_bottom="10px"),
        _fields(),
        key=W.endpoints.length(),  # a new endpoint remounts the form, which empties it
        padding_top="14px",
        border_top=styles.BORDER,
        width="100%",
    )


def _fields() -> rx.Component:
    """The add form itself."""
    return small_form(
        W.create,
        field("Endpoint URL", "webhook_url", W.errors, placeholder="https://example.com/hooks/metaic", type="url"),
        field("Description (optional)", "webhook_description", W.errors, placeholder="CRM sync", max_length=120),
        rx.vstack(
            rx.text("Events", size="2", weight="medium"),
            rx.flex(
                *[
                    rx.hstack(
                        rx.checkbox(name=f"event_{event}", id=f"event-{event.replace('.', '-')}"),
                        rx.text(label, size="2"),
                        as_="label",
                        align="center",
                        spacing="2",
                        min_width="190px",
                    )
                    for event, label in EVENT_LABELS.items()
                ],
                wrap="wrap",
                column_gap="var(--space-4)",
                row_gap="var(--space-2)",
            ),
            rx.cond(
                W.errors.contains("webhook_events"),
                rx.text(W.errors["webhook_events"], style=styles.field_error, id="error-webhook_events"),
            ),
            spacing="2",
            width="100%",
        ),
        rx.cond(W.errors.contains("form"), rx.text(W.errors["form"], style=styles.field_error)),
        button="Add endpoint",
        button_id="add-webhook",
        variant="soft",
    )


def webhooks_section() -> rx.Component:
    """Outgoing webhooks: MetaIC POSTs signed JSON to your endpoints when things happen."""
    return section(
        "Webhooks",
        "MetaIC sends a signed JSON POST to your endpoint when an event happens, retries failures with backoff, "
        "and turns an endpoint off after 5 failed deliveries in a row. Endpoints must use https:// on a public host.",
        rx.cond(W.new_secret != "", _secret_callout()),
        rx.cond(
            W.ready & (W.endpoints.length() == 0),
            rx.text("No endpoints yet.", size="2", color=styles.MUTED, id="no-webhooks"),
        ),
        rx.vstack(rx.foreach(W.endpoints, _endpoint), spacing="3", width="100%"),
        _form(),
        on_mount=W.load,
        id="webhooks",
    )
