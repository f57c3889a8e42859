"""`/admin`: the platform at a glance (last 30 days) and the health of everything it depends on (admins only)."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components import charts
from metaic.ui.components.admin_nav import admin_header, denied_notice
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.admin import AdminOverviewState as O

TILES = (
    ("Sign-ups", "signups"),
    ("Active users", "active_users"),
    ("Cards published", "cards_published"),
    ("Card views", "views"),
    ("Messages sent", "messages"),
    ("Notifications sent", "notifications_sent"),
    ("Jobs failed", "jobs_failed"),
)
HEALTH_LOOK = {"ok": ("green", "circle-check"), "warn": ("amber", "triangle-alert"), "fail": ("red", "circle-x")}


def _status_icon(status: rx.Var) -> rx.Component:
    """A coloured icon for ok / warn / fail."""
    return rx.match(
        status,
        *[(key, rx.icon(icon, size=18, color=f"var(--{color}-10)")) for key, (color, icon) in HEALTH_LOOK.items()],
        rx.icon("circle-help", size=18, color=styles.MUTED),
    )


def health_card(item: rx.Var) -> rx.Component:
    """One dependency: state, what was seen and, when not ok, what to do."""
    return rx.hstack(
        rx.box(_status_icon(item["status"]), padding_top="2px"),
        rx.vstack(
            rx.text(item["name"], size="2", weight="bold"),
            rx.text(item["value"], size="2", color=styles.MUTED),
            rx.cond(
                item["status"] != "ok",
                rx.text(rx.text.strong("What to do: "), item["fix"], size="1", color="var(--gray-12)"),
            ),
            spacing="1",
            min_width="0",
        ),
        align="start",
        spacing="3",
        padding="12px 14px",
        border_radius="12px",
        border=rx.match(
            item["status"], ("fail", "1px solid var(--red-a7)"), ("warn", "1px solid var(--amber-a7)"), styles.BORDER
        ),
        background=rx.match(item["status"], ("fail", "var(--red-a2)"), ("warn", "var(--amber-a2)"), "transparent"),
        width="100%",
        class_name="health-card",
    )


def health_panel() -> rx.Component:
    """Every dependency, problems first."""
    return charts.panel(
        "System health",
        rx.text(
            rx.cond(O.problems == 0, "Everything is running.", O.problems.to_string() + " need attention."),
            size="2",
            color=rx.cond(O.problems == 0, "var(--green-11)", "var(--amber-11)"),
            margin_top="-8px",
            id="health-summary",
        ),
        rx.grid(rx.foreach(O.health, health_card), columns=rx.breakpoints(initial="1", md="2"), spacing="3"),
        id="health",
    )


def figure(label: str, key: str, hint: str) -> rx.Component:
    """A small account figure."""
    return rx.vstack(
        rx.text(label, size="1", weight="medium", color=styles.MUTED),
        rx.text(O.figures[key], size="6", weight="bold", line_height="1.1", id=f"figure-{key}"),
        rx.text(hint, size="1", color=styles.MUTED),
        spacing="1",
        flex="1",
        min_width="110px",
    )


def delivery_row(row: rx.Var) -> rx.Component:
    """Deliveries of one channel in one status."""
    return rx.table.row(
        rx.table.cell(rx.text(row["channel"], text_transform="capitalize")),
        rx.table.cell(
            rx.badge(
                row["status"],
                color_scheme=rx.match(
                    row["status"], ("failed", "red"), ("delivered", "green"), ("sent", "green"), "gray"
                ),
                variant="soft",
            )
        ),
        rx.table.cell(row["count"], text_align="right"),
    )


def accounts_and_deliveries() -> rx.Component:
    """Account figures beside notification deliveries by channel and status."""
    return rx.grid(
        charts.panel(
            "Accounts",
            rx.grid(
                figure("All accounts", "accounts", "signed up"),
                figure("Suspended", "suspended", "cards offline"),
                figure("Admins", "admins", "console access"),
                figure("Storage", "storage", "images kept"),
                columns=rx.breakpoints(initial="2", sm="4"),
                spacing="4",
                width="100%",
            ),
            rx.link("Manage users →", href="/admin/users", size="2", weight="medium"),
            id="accounts",
        ),
        charts.panel(
            "Deliveries",
            rx.cond(
                O.deliveries.length() == 0,
                rx.text("No email, SMS or push deliveries in the last 30 days.", size="2", color=styles.MUTED),
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("Channel"),
                            rx.table.column_header_cell("Status"),
                            rx.table.column_header_cell("Count", text_align="right"),
                        )
                    ),
                    rx.table.body(rx.foreach(O.deliveries, delivery_row)),
                    size="1",
                    width="100%",
                ),
            ),
            subtitle="Email, SMS and push in the last 30 days, by status.",
            id="deliveries",
        ),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="3",
        width="100%",
    )


def report() -> rx.Component:
    """Tiles, charts, accounts, deliveries and health."""
    return rx.vstack(
        health_panel(),
        rx.grid(
            *[
                charts.metric_tile(label, O.tiles[key], f"tile-{key}", charts.SERIES_COLORS[key])
                for label, key in TILES
            ],
            rx.vstack(
                rx.text("Active now", size="2", weight="medium", color=styles.MUTED),
                rx.hstack(
                    rx.text(O.active["daily"], size="7", weight="bold", line_height="1.1", id="active-daily"),
                    rx.text("today", size="1", color=styles.MUTED),
                    align="baseline",
                    spacing="2",
                ),
                rx.text(O.active["monthly"], " this month", size="1", color=styles.MUTED),
                spacing="2",
                style={**styles.card_style, "padding": ["14px", "18px"]},
            ),
            columns=rx.breakpoints(initial="2", md="4"),
            spacing="3",
            width="100%",
        ),
        rx.grid(
            charts.panel(
                "Growth",
                charts.line_chart(
                    O.series, [("signups", "Sign-ups"), ("cards_published", "Cards published")], "chart-growth", 220
                ),
            ),
            charts.panel(
                "Activity",
                charts.line_chart(O.series, [("views", "Views"), ("messages", "Messages")], "chart-activity", 220),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        accounts_and_deliveries(),
        spacing="4",
        width="100%",
        opacity=rx.cond(O.loading, "0.6", "1"),
        transition="opacity .15s",
    )


def admin_overview() -> rx.Component:
    """The admin overview page."""
    refresh = rx.button(
        rx.icon("refresh-cw", size=14), "Refresh", variant="soft", color_scheme="gray", on_click=O.load, id="refresh"
    )
    return page(
        rx.cond(
            O.denied,
            denied_notice("the admin console"),
            rx.cond(
                O.loaded & O.signed_in,
                rx.vstack(
                    admin_header(
                        "/admin", "Overview", "MetaIC in the last 30 days, and whether it is healthy.", refresh
                    ),
                    rx.cond(O.failed != "", rx.callout(O.failed, icon="triangle-alert", color_scheme="red")),
                    rx.cond(
                        O.loading & (O.range_label == ""),
                        rx.vstack(charts.skeleton_grid(4), rx.skeleton(rx.box(height="240px"), loading=True)),
                        report(),
                    ),
                    spacing="5",
                    width="100%",
                ),
                loading_block(),
            ),
        ),
    )
