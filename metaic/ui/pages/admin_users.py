"""`/admin/users`: find accounts, filter them, select some and act on them after a confirmation (admins only)."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components import charts
from metaic.ui.components.admin_nav import admin_header, denied_notice
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.admin_users import BULK_LABELS
from metaic.ui.state.admin_users import AdminUsersState as U

FILTER_CHOICES = (
    ("role", "Any role", (("user", "Users"), ("admin", "Admins"))),
    ("status", "Any status", (("active", "Active"), ("suspended", "Suspended"))),
    ("mfa", "Two-step: any", (("yes", "Two-step on"), ("no", "Two-step off"))),
    ("verified", "Email: any", (("yes", "Verified"), ("no", "Not verified"))),
)


def filter_select(name: str, everyone: str, choices: tuple[tuple[str, str], ...]) -> rx.Component:
    """One filter as a select ("all" clears it)."""
    value = getattr(U, name)
    return rx.select.root(
        rx.select.trigger(min_width="130px"),
        rx.select.content(
            rx.select.item(everyone, value="all"), *[rx.select.item(label, value=key) for key, label in choices]
        ),
        value=rx.cond(value == "", "all", value),
        on_change=lambda v: U.set_filter(name, v),
        size="2",
        id=f"filter-{name}",
    )


def toolbar() -> rx.Component:
    """Search box and filters."""
    return rx.vstack(
        rx.form(
            rx.hstack(
                rx.input(
                    rx.input.slot(rx.icon("search", size=14)),
                    name="q",
                    placeholder="Email, name or account id",
                    default_value=U.query,
                    key=U.query,
                    size="2",
                    flex="1",
                    min_width="0",
                    id="user-search",
                ),
                rx.button("Search", type="submit", size="2", id="user-search-go"),
                spacing="2",
                width="100%",
            ),
            on_submit=U.search,
            width="100%",
        ),
        rx.hstack(
            *[filter_select(name, everyone, choices) for name, everyone, choices in FILTER_CHOICES],
            rx.cond(U.filtered, rx.button("Clear", variant="ghost", size="2", on_click=U.clear)),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        spacing="3",
        width="100%",
    )


def badge_for(value: rx.Var, on: str, on_color: str, off_color: str = "gray") -> rx.Component:
    """A small coloured word."""
    return rx.badge(value, color_scheme=rx.cond(value == on, on_color, off_color), variant="soft", radius="full")


def user_row(row: rx.Var) -> rx.Component:
    """One account in the table."""
    return rx.table.row(
        rx.table.cell(
            rx.checkbox(
                checked=U.selected.contains(row["id"]),
                on_change=lambda checked: U.toggle(row["id"], checked),
                class_name="select-user",
            ),
            width="36px",
        ),
        rx.table.cell(
            rx.link(
                rx.vstack(
                    rx.text(row["name"], weight="medium", size="2", color="var(--gray-12)"),
                    rx.text(row["email"], size="1", color=styles.MUTED),
                    spacing="0",
                ),
                href="/admin/users/view?id=" + row["id"],
                underline="none",
                class_name="user-link",
            ),
            min_width="200px",
        ),
        rx.table.cell(
            rx.hstack(
                badge_for(row["status"], "active", "green", "red"),
                rx.cond(
                    row["role"] == "admin", rx.badge("admin", color_scheme="indigo", variant="soft", radius="full")
                ),
                spacing="1",
            )
        ),
        rx.table.cell(badge_for(row["verified"], "yes", "green", "amber"), display=["none", "none", "table-cell"]),
        rx.table.cell(badge_for(row["mfa"], "on", "green"), display=["none", "none", "table-cell"]),
        rx.table.cell(row["cards"], display=["none", "none", "table-cell"]),
        rx.table.cell(row["contacts"], display=["none", "none", "none", "table-cell"]),
        rx.table.cell(row["storage"], display=["none", "none", "none", "table-cell"], white_space="nowrap"),
        rx.table.cell(row["last_seen"], display=["none", "none", "table-cell"], white_space="nowrap"),
        class_name="user-row",
        align="center",
    )


def table() -> rx.Component:
    """The paged accounts table."""
    head = rx.table.column_header_cell
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                head(rx.checkbox(checked=U.all_selected, on_change=U.toggle_page, id="select-page"), width="36px"),
                head("Account"),
                head("Status"),
                head("Verified", display=["none", "none", "table-cell"]),
                head("Two-step", display=["none", "none", "table-cell"]),
                head("Cards live", display=["none", "none", "table-cell"]),
                head("Contacts", display=["none", "none", "none", "table-cell"]),
                head("Storage", display=["none", "none", "none", "table-cell"]),
                head("Last seen", display=["none", "none", "table-cell"]),
            )
        ),
        rx.table.body(rx.foreach(U.rows, user_row)),
        size="2",
        width="100%",
        id="users-table",
    )


def bulk_bar() -> rx.Component:
    """What can be done to the selected accounts."""
    buttons = [
        rx.button(
            label,
            size="1",
            variant="soft",
            color_scheme="red" if key in ("suspend", "erase") else "gray",
            on_click=U.ask(key),
            id=f"bulk-{key}",
        )
        for key, label in BULK_LABELS.items()
    ]
    return rx.cond(
        U.selected.length() > 0,
        rx.hstack(
            rx.text(U.selected.length(), " selected", size="2", weight="medium"),
            *buttons,
            spacing="2",
            wrap="wrap",
            align="center",
            padding="10px 12px",
            border_radius="12px",
            background="var(--indigo-a3)",
            width="100%",
            id="bulk-bar",
        ),
    )


def confirm_dialog() -> rx.Component:
    """Asks before a bulk action runs; a suspension can carry a reason."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(U.pending_label, " ", U.selected.length(), " account(s)?"),
            rx.alert_dialog.description(U.pending_warning, size="2"),
            rx.cond(
                U.pending == "suspend",
                rx.input(
                    placeholder="Reason (kept in the audit log)",
                    value=U.reason,
                    on_change=U.set_reason,
                    margin_top="12px",
                    id="bulk-reason",
                ),
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray", on_click=U.cancel)),
                rx.alert_dialog.action(
                    rx.button(
                        U.pending_label,
                        color_scheme=rx.cond((U.pending == "suspend") | (U.pending == "erase"), "red", "indigo"),
                        on_click=U.confirm,
                        id="bulk-confirm",
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
            max_width="440px",
        ),
        open=U.pending != "",
    )


def listing() -> rx.Component:
    """The table, or what to do when nothing matches."""
    return rx.cond(
        U.rows.length() == 0,
        rx.cond(
            U.loading,
            rx.skeleton(rx.box(height="240px", width="100%"), loading=True),
            charts.empty_state(
                rx.icon("user-search", size=26, color="var(--indigo-10)"),
                "No accounts match",
                "Try part of an email address or a name, or clear the filters.",
                rx.button("Clear search and filters", variant="soft", on_click=U.clear),
                id="users-empty",
            ),
        ),
        rx.vstack(
            rx.box(table(), style={**styles.card_style, "padding": "4px 8px"}, overflow_x="auto"),
            rx.hstack(
                rx.text(U.page_label, size="2", color=styles.MUTED, id="users-count"),
                rx.spacer(),
                rx.button("Previous", size="1", variant="soft", disabled=U.page == 0, on_click=U.turn(-1)),
                rx.button("Next", size="1", variant="soft", disabled=~U.has_next, on_click=U.turn(1)),
                spacing="2",
                align="center",
                width="100%",
            ),
            spacing="3",
            width="100%",
            opacity=rx.cond(U.loading, "0.6", "1"),
        ),
    )


def admin_users() -> rx.Component:
    """The accounts page."""
    return page(
        rx.cond(
            U.denied,
            denied_notice("accounts"),
            rx.cond(
                U.loaded & U.signed_in,
                rx.vstack(
                    admin_header("/admin/users", "Users", "Find an account, see what it holds, and act on it."),
                    rx.cond(U.failed != "", rx.callout(U.failed, icon="triangle-alert", color_scheme="red")),
                    toolbar(),
                    bulk_bar(),
                    listing(),
                    confirm_dialog(),
                    spacing="4",
                    width="100%",
                ),
                loading_block(),
            ),
        ),
    )
