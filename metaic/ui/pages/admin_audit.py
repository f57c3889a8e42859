"""`/admin/audit`: every admin action and security event, searchable, with before/after and a CSV export."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components import charts
from metaic.ui.components.admin_nav import admin_header, denied_notice
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.admin_audit import AdminAuditState as A

PERIOD_CHOICES = (("24h", "Last 24 hours"), ("7d", "Last 7 days"), ("30d", "Last 30 days"), ("90d", "Last 90 days"))


def controls() -> rx.Component:
    """Search box, action and period."""
    return rx.vstack(
        rx.form(
            rx.hstack(
                rx.input(
                    rx.input.slot(rx.icon("search", size=14)),
                    name="q",
                    placeholder="Account id, target id, request id or words",
                    default_value=A.query,
                    key=A.query,
                    size="2",
                    flex="1",
                    min_width="0",
                    id="audit-search",
                ),
                rx.button("Search", type="submit", size="2"),
                spacing="2",
                width="100%",
            ),
            on_submit=A.search,
            width="100%",
        ),
        rx.hstack(
            rx.select.root(
                rx.select.trigger(min_width="200px"),
                rx.select.content(rx.foreach(A.actions, lambda a: rx.select.item(a["label"], value=a["key"]))),
                value=A.action,
                on_change=A.set_action,
                size="2",
                id="audit-action",
            ),
            rx.select.root(
                rx.select.trigger(min_width="150px"),
                rx.select.content(
                    *[rx.select.item(label, value=key) for key, label in PERIOD_CHOICES],
                    rx.select.item("All time", value="all"),
                ),
                value=A.period,
                on_change=A.set_period,
                size="2",
                id="audit-period",
            ),
            spacing="2",
            wrap="wrap",
        ),
        spacing="3",
        width="100%",
    )


def entry(row: rx.Var) -> rx.Component:
    """One audit entry: what, who, about whom, when, and what changed (stacked, so phones read it too)."""
    return rx.vstack(
        rx.hstack(
            rx.badge(
                row["category"], variant="soft", color_scheme=rx.cond(row["category"] == "admin", "indigo", "gray")
            ),
            rx.text(row["action"], size="2", weight="bold"),
            rx.spacer(),
            rx.text(row["when"], size="1", color=styles.MUTED, white_space="nowrap"),
            spacing="2",
            align="center",
            width="100%",
        ),
        rx.text(
            "By ",
            rx.text.strong(row["actor"]),
            rx.cond(row["subject"] != "", rx.fragment(" · account ", rx.text.strong(row["subject"]))),
            rx.cond(row["target"] != "", rx.fragment(" · ", row["target"])),
            size="1",
            color=styles.MUTED,
            word_break="break-word",
        ),
        rx.cond(row["detail"] != "", rx.text(row["detail"], size="2")),
        rx.cond(
            row["changes"] != "",
            rx.code(
                row["changes"], size="1", color_scheme="indigo", white_space="pre-wrap", class_name="audit-changes"
            ),
        ),
        rx.text(
            row["code"],
            rx.cond(row["address"] != "", " · address #" + row["address"], ""),
            rx.cond(row["request"] != "", " · request " + row["request"], ""),
            size="1",
            color="var(--gray-10)",
            font_family="var(--code-font-family)",
            word_break="break-all",
        ),
        spacing="1",
        width="100%",
        padding_y="12px",
        border_bottom=styles.BORDER,
        class_name="audit-entry",
    )


def entries() -> rx.Component:
    """The page of entries, or an empty state."""
    return rx.cond(
        A.rows.length() == 0,
        rx.cond(
            A.loading,
            rx.skeleton(rx.box(height="240px", width="100%"), loading=True),
            charts.empty_state(
                rx.icon("scroll-text", size=26, color="var(--indigo-10)"),
                "No entries",
                "Nothing matches this search and period. Widen the period or try an account id.",
                id="audit-empty",
            ),
        ),
        rx.vstack(
            rx.vstack(
                rx.foreach(A.rows, entry),
                spacing="0",
                width="100%",
                style={**styles.card_style, "padding": ["4px 16px", "4px 20px"]},
            ),
            rx.hstack(
                rx.text("Page ", A.page + 1, size="2", color=styles.MUTED),
                rx.spacer(),
                rx.button("Newer", size="1", variant="soft", disabled=A.page == 0, on_click=A.turn(-1)),
                rx.button("Older", size="1", variant="soft", disabled=~A.has_next, on_click=A.turn(1)),
                spacing="2",
                align="center",
                width="100%",
            ),
            spacing="3",
            width="100%",
            opacity=rx.cond(A.loading, "0.6", "1"),
        ),
    )


def admin_audit() -> rx.Component:
    """The audit log page."""
    export = rx.button(
        rx.icon("download", size=14),
        "Export CSV",
        variant="soft",
        color_scheme="gray",
        on_click=A.export,
        id="audit-export",
    )
    return page(
        rx.cond(
            A.denied,
            denied_notice("the audit log"),
            rx.cond(
                A.loaded & A.signed_in,
                rx.vstack(
                    admin_header(
                        "/admin/audit", "Audit log", "Admin actions and security events, newest first.", export
                    ),
                    rx.cond(A.failed != "", rx.callout(A.failed, icon="triangle-alert", color_scheme="red")),
                    controls(),
                    entries(),
                    spacing="4",
                    width="100%",
                ),
                loading_block(),
            ),
        ),
    )
