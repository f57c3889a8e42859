"""`/admin/analytics`: platform metrics over time (admins only)."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components import charts
from metaic.ui.components.admin_nav import admin_header
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.admin_analytics import AdminAnalyticsState as P

TILES = (
    ("Sign-ups", "signups"),
    ("Active users", "active_users"),
    ("Cards published", "cards_published"),
    ("Card views", "views"),
    ("Saves", "saves"),
    ("Messages sent", "messages"),
    ("Notifications sent", "notifications_sent"),
    ("Jobs failed", "jobs_failed"),
)


def active_figure(label: str, key: str, hint: str) -> rx.Component:
    """One of DAU / WAU / MAU."""
    return rx.vstack(
        rx.text(label, size="1", weight="medium", color=styles.MUTED),
        rx.text(P.active[key], size="6", weight="bold", id=f"active-{key}", line_height="1.1"),
        rx.text(hint, size="1", color=styles.MUTED),
        spacing="1",
        flex="1",
        min_width="90px",
    )


def active_users() -> rx.Component:
    """Distinct users active in the last day, week and month (as of the end of the period)."""
    return charts.panel(
        "Active users",
        rx.hstack(
            active_figure("Daily", "daily", "last 24 hours"),
            active_figure("Weekly", "weekly", "last 7 days"),
            active_figure("Monthly", "monthly", "last 30 days"),
            spacing="4",
            width="100%",
            wrap="wrap",
        ),
        subtitle="People who signed in or used the app.",
        id="active-users",
    )


def controls() -> rx.Component:
    """Period picker and export."""
    return rx.vstack(
        rx.hstack(
            charts.period_picker(P),
            rx.spacer(display=["none", "none", "block"]),
            rx.button(
                rx.icon("download", size=14),
                "Export CSV",
                variant="soft",
                color_scheme="gray",
                size="2",
                on_click=P.export,
                id="admin-export",
            ),
            align="center",
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        charts.custom_range(P),
        charts.range_line(P),
        spacing="3",
        width="100%",
    )


def report() -> rx.Component:
    """Tiles, active users and three charts."""
    return rx.vstack(
        rx.grid(
            *[
                charts.metric_tile(label, P.tiles[key], f"tile-{key}", charts.SERIES_COLORS[key])
                for label, key in TILES
            ],
            columns=rx.breakpoints(initial="2", md="4"),
            spacing="3",
            width="100%",
        ),
        active_users(),
        charts.panel(
            "Growth",
            charts.line_chart(
                P.series,
                [("signups", "Sign-ups"), ("active_users", "Active users"), ("cards_published", "Cards published")],
                "chart-growth",
            ),
        ),
        rx.grid(
            charts.panel(
                "Card activity",
                charts.line_chart(P.series, [("views", "Views"), ("saves", "Saves")], "chart-activity", 240),
            ),
            charts.panel(
                "Messages and operations",
                charts.line_chart(
                    P.series,
                    [("messages", "Messages"), ("notifications_sent", "Notifications"), ("jobs_failed", "Jobs failed")],
                    "chart-operations",
                    240,
                ),
                rx.text(P.ops_note, size="1", color=styles.MUTED, id="ops-note"),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        spacing="3",
        width="100%",
        opacity=rx.cond(P.loading, "0.6", "1"),
        transition="opacity .15s",
    )


def admin_analytics() -> rx.Component:
    """The platform analytics page."""
    return page(
        rx.cond(
            P.denied,
            rx.callout("Only administrators can see platform analytics.", icon="shield-alert", color_scheme="red"),
            rx.cond(
                P.loaded & P.signed_in,
                rx.vstack(
                    admin_header(
                        "/admin/analytics",
                        "Platform analytics",
                        "Sign-ups, activity and delivery across MetaIC, against the period before.",
                    ),
                    rx.cond(
                        P.failed != "",
                        rx.callout(
                            rx.hstack(
                                rx.text(P.failed),
                                rx.button("Try again", size="1", variant="soft", on_click=P.reload),
                                align="center",
                                spacing="3",
                            ),
                            icon="triangle-alert",
                            color_scheme="red",
                            width="100%",
                        ),
                    ),
                    controls(),
                    rx.cond(
                        P.loading & (P.range_label == ""),
                        rx.vstack(charts.skeleton_grid(4), rx.skeleton(rx.box(height="320px"), loading=True)),
                        report(),
                    ),
                    spacing="5",
                    width="100%",
                ),
                loading_block(),
            ),
        ),
    )
