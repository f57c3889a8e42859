"""`/admin/search`: what people search for, what finds nothing, and which result positions get clicked (admins)."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.admin_nav import admin_header
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.admin_search import PERIODS
from metaic.ui.state.admin_search import AdminSearchState as A


def _table(rows: rx.Var, columns: list[tuple[str, str]], empty: str, table_id: str) -> rx.Component:
    """A small table of report rows, or a sentence saying there are none yet."""
    return rx.cond(
        rows.length() == 0,
        rx.text(empty, size="2", color=styles.MUTED, class_name="report-empty"),
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(*(rx.table.column_header_cell(label) for _k, label in columns))),
                rx.table.body(
                    rx.foreach(rows, lambda r: rx.table.row(*(rx.table.cell(r[key]) for key, _l in columns)))
                ),
                variant="ghost",
                size="1",
                width="100%",
            ),
            overflow_x="auto",
            width="100%",
            id=table_id,
        ),
    )


def _ctr_row(r: rx.Var) -> rx.Component:
    """One position: a bar as long as its click-through, and the figures."""
    return rx.hstack(
        rx.text("#", r["position"], size="2", weight="bold", width="36px", flex_shrink="0"),
        rx.box(
            rx.box(width=r["bar"], height="100%", background=styles.ACCENT, border_radius="4px"),
            flex="1",
            height="10px",
            background="var(--gray-a3)",
            border_radius="4px",
            min_width="60px",
        ),
        rx.text(r["ctr"], size="2", width="56px", text_align="right", flex_shrink="0"),
        rx.text(
            r["clicks"],
            " / ",
            r["impressions"],
            size="1",
            color=styles.MUTED,
            width="84px",
            text_align="right",
            flex_shrink="0",
        ),
        align="center",
        spacing="3",
        width="100%",
        class_name="ctr-row",
    )


def _panel(title: str, icon: str, *children: rx.Component) -> rx.Component:
    """A titled card."""
    return rx.vstack(
        rx.hstack(rx.icon(icon, size=18, color=styles.ACCENT), rx.heading(title, size="4"), align="center"),
        *children,
        style=styles.card_style,
        spacing="3",
        width="100%",
        min_width="0",
    )


def _report() -> rx.Component:
    """The period picker and the three parts of the report."""
    return rx.vstack(
        admin_header(
            "/admin/search",
            "Search",
            "What people look for, what finds nothing, and which results they open.",
            rx.segmented_control.root(
                *(rx.segmented_control.item(f"{d} days", value=str(d)) for d in PERIODS),
                value=A.days.to_string(),
                on_change=A.set_period,
                id="search-period",
            ),
        ),
        rx.text(
            "Queries are counted without user ids or addresses. Fix what finds nothing (a missing synonym, "
            "a typo rule, content people expect) and watch how often the first results get opened.",
            size="2",
            color=styles.MUTED,
        ),
        rx.grid(
            _panel(
                "Top queries",
                "trending-up",
                _table(
                    A.top,
                    [("query", "Query"), ("count", "Searches"), ("avg_results", "Avg. results")],
                    "No searches in this period yet.",
                    "top-queries",
                ),
            ),
            _panel(
                "No results",
                "search-x",
                _table(
                    A.no_results,
                    [("query", "Query"), ("count", "Searches")],
                    "Every search in this period found something.",
                    "no-results",
                ),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        _panel(
            "Click-through by position",
            "mouse-pointer-click",
            rx.cond(
                A.ctr.length() == 0,
                rx.text("No results were shown in this period yet.", size="2", color=styles.MUTED),
                rx.vstack(rx.foreach(A.ctr, _ctr_row), spacing="2", width="100%", id="ctr-by-position"),
            ),
        ),
        spacing="4",
        width="100%",
    )


def admin_search() -> rx.Component:
    """The admin search report page."""
    return page(
        rx.cond(
            A.denied,
            rx.callout(
                "Only administrators can see search analytics.", icon="shield-alert", color_scheme="red", id="denied"
            ),
            rx.cond(A.loaded & A.signed_in, _report(), loading_block()),
        ),
    )
