"""Charts and numbers shared by the analytics pages and the dashboard: tiles, line charts, bar lists, a funnel."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.state.analytics_shape import PERIOD_LABELS

# One colour per series, the same on every chart and legend.
SERIES_COLORS = {
    "views": "#3E63DD",
    "visitors": "#12A594",
    "scans": "#F76B15",
    "saves": "#8E4EC6",
    "signups": "#3E63DD",
    "active_users": "#12A594",
    "cards_published": "#F76B15",
    "messages": "#0090FF",
    "notifications_sent": "#D6409F",
    "jobs_failed": "#E5484D",
}


def panel(title: str, *children: rx.Component, subtitle: str = "", **props) -> rx.Component:
    """A white panel with a small heading, the frame of every chart and list."""
    return rx.vstack(
        rx.vstack(
            rx.text(title, size="3", weight="bold", color="var(--gray-12)"),
            rx.text(subtitle, size="1", color=styles.MUTED) if subtitle else rx.fragment(),
            spacing="1",
            width="100%",
        ),
        *children,
        spacing="4",
        style={**styles.card_style, "padding": ["16px", "20px"]},
        align="stretch",
        **props,
    )


def change_badge(tile: rx.Var) -> rx.Component:
    """The change against the previous period: a coloured arrow and a percentage (icons fixed, not computed)."""
    return rx.match(
        tile["direction"],
        (
            "up",
            rx.badge(rx.icon("arrow-up-right", size=12), tile["change"], color_scheme="green", variant="soft"),
        ),
        (
            "down",
            rx.badge(rx.icon("arrow-down-right", size=12), tile["change"], color_scheme="red", variant="soft"),
        ),
        ("new", rx.badge(rx.icon("sparkles", size=12), tile["change"], color_scheme="indigo", variant="soft")),
        rx.badge(rx.icon("minus", size=12), tile["change"], color_scheme="gray", variant="soft"),
    )


def metric_tile(label: str, tile: rx.Var, tile_id: str, color: str = styles.ACCENT) -> rx.Component:
    """One metric of the period: its value, the change badge, and the previous period's value."""
    return rx.vstack(
        rx.hstack(
            rx.box(width="8px", height="8px", border_radius="999px", background=color, flex_shrink="0"),
            rx.text(label, size="2", weight="medium", color=styles.MUTED),
            align="center",
            spacing="2",
        ),
        rx.text(tile["value"], size="7", weight="bold", color="var(--gray-12)", id=tile_id, line_height="1.1"),
        rx.hstack(
            change_badge(tile),
            rx.text("vs ", tile["previous"], size="1", color=styles.MUTED, white_space="nowrap"),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        spacing="2",
        style={**styles.card_style, "padding": ["14px", "18px"]},
        class_name="metric-tile",
    )


def line_chart(data: rx.Var, series: list[tuple[str, str]], chart_id: str, height: int = 280) -> rx.Component:
    """A line per (key, label) over the "bucket" axis, with a legend and a tooltip."""
    return rx.box(
        rx.recharts.line_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False, stroke="var(--gray-a4)"),
            *[
                rx.recharts.line(
                    data_key=key,
                    name=label,
                    stroke=SERIES_COLORS.get(key, styles.ACCENT),
                    stroke_width=2,
                    dot=False,
                    type_="monotone",
                    is_animation_active=False,
                )
                for key, label in series
            ],
            rx.recharts.x_axis(
                data_key="bucket", tick_line=False, axis_line=False, min_tick_gap=24, tick={"fontSize": 12}
            ),
            rx.recharts.y_axis(allow_decimals=False, tick_line=False, axis_line=False, width=40, tick={"fontSize": 12}),
            rx.recharts.graphing_tooltip(),
            rx.recharts.legend(icon_type="circle", icon_size=8, wrapper_style={"fontSize": 13, "paddingTop": 8}),
            data=data,
            margin={"top": 8, "right": 12, "left": 0, "bottom": 0},
            height=height,
        ),
        width="100%",
        height=f"{height}px",
        id=chart_id,
    )


def sparkline(data: rx.Var, key: str = "v", color: str = "#3E63DD", height: int = 44) -> rx.Component:
    """A tiny filled line without axes (the dashboard's last 30 days)."""
    return rx.box(
        rx.recharts.area_chart(
            rx.recharts.area(
                data_key=key,
                stroke=color,
                fill=color,
                fill_opacity=0.15,
                stroke_width=2,
                dot=False,
                type_="monotone",
                is_animation_active=False,
            ),
            data=data,
            margin={"top": 4, "right": 0, "left": 0, "bottom": 0},
            height=height,
        ),
        width="100%",
        height=f"{height}px",
    )


def bar_row(row: rx.Var) -> rx.Component:
    """One ranked item: its label over a bar as long as its share of the largest, and its count."""
    return rx.box(
        rx.box(
            position="absolute",
            top="0",
            left="0",
            bottom="0",
            width=row["width"],
            background="var(--indigo-a3)",
            border_radius="8px",
        ),
        rx.hstack(
            rx.text(row["label"], size="2", color="var(--gray-12)", truncate=True, flex="1", min_width="0"),
            rx.text(row["count"], size="2", weight="medium", color="var(--gray-12)"),
            rx.text(row["share"], size="1", color=styles.MUTED, width="40px", text_align="right"),
            align="center",
            spacing="3",
            position="relative",
            padding="6px 10px",
            width="100%",
        ),
        position="relative",
        width="100%",
        class_name="bar-row",
    )


def bar_list(title: str, rows: rx.Var, empty: str, list_id: str, note: str = "") -> rx.Component:
    """A ranked list (top sources, links, devices...) with an explanation when it is still empty."""
    return panel(
        title,
        rx.cond(
            rows.length() > 0,
            rx.vstack(rx.foreach(rows, bar_row), spacing="1", width="100%"),
            rx.text(empty, size="2", color=styles.MUTED, padding_y="8px"),
        ),
        rx.text(note, size="1", color=styles.MUTED) if note else rx.fragment(),
        subtitle="",
        id=list_id,
    )


def funnel_step(step: rx.Var) -> rx.Component:
    """One step of the funnel: name, count, and the share of the first step as a bar."""
    return rx.vstack(
        rx.hstack(
            rx.text(step["step"], size="2", weight="medium"),
            rx.spacer(),
            rx.text(step["count"], size="2", weight="bold", class_name="funnel-count"),
            rx.text(step["rate"], size="1", color=styles.MUTED, width="52px", text_align="right"),
            align="center",
            width="100%",
        ),
        rx.box(
            rx.box(height="100%", width=step["width"], background=styles.ACCENT, border_radius="6px"),
            height="10px",
            width="100%",
            background="var(--gray-a3)",
            border_radius="6px",
        ),
        spacing="2",
        width="100%",
        class_name="funnel-step",
    )


def funnel(steps: rx.Var, funnel_id: str) -> rx.Component:
    """The conversion funnel: viewed, saved, shared back."""
    return panel(
        "Conversion",
        rx.vstack(rx.foreach(steps, funnel_step), spacing="4", width="100%"),
        subtitle="Of the visitors who viewed, how many saved your contact and shared theirs back.",
        id=funnel_id,
    )


def empty_state(icon: rx.Component, title: str, text: str, *actions: rx.Component, **props) -> rx.Component:
    """A friendly explanation of what will appear here, with a way forward."""
    return rx.vstack(
        rx.center(icon, width="56px", height="56px", border_radius="14px", background="var(--indigo-3)"),
        rx.heading(title, size="4", text_align="center"),
        rx.text(text, color=styles.MUTED, size="2", text_align="center", max_width="520px"),
        rx.hstack(*actions, spacing="3", wrap="wrap", justify="center") if actions else rx.fragment(),
        align="center",
        spacing="3",
        style=styles.card_style,
        padding_y="40px",
        **props,
    )


def skeleton_grid(count: int = 4) -> rx.Component:
    """Grey blocks in the place of tiles while numbers load."""
    return rx.grid(
        *[rx.skeleton(rx.box(height="96px", width="100%"), loading=True) for _ in range(count)],
        columns=rx.breakpoints(initial="2", md=str(count)),
        spacing="3",
        width="100%",
    )


def period_picker(state) -> rx.Component:
    """Today, 7, 30, 90 days, 12 months or custom dates: tabs on wide screens, a select on phones.

    `state` has `period` and `set_period` (the owner's and the admin's analytics states both do)."""
    return rx.fragment(
        rx.segmented_control.root(
            *[rx.segmented_control.item(label, value=key) for key, label in PERIOD_LABELS.items()],
            value=state.period,
            on_change=state.set_period,
            size="2",
            display=["none", "none", "inline-grid"],
            id="period-picker",
        ),
        rx.box(
            rx.select.root(
                rx.select.trigger(min_width="140px"),
                rx.select.content(*[rx.select.item(label, value=key) for key, label in PERIOD_LABELS.items()]),
                value=state.period,
                on_change=state.set_period,
                size="2",
            ),
            display=["block", "block", "none"],
        ),
    )


def custom_range(state) -> rx.Component:
    """Two date inputs and Apply, shown for a custom period (`state` has custom, start, end, errors, apply_dates)."""
    return rx.cond(
        state.custom,
        rx.form(
            rx.hstack(
                rx.input(type="date", name="start", default_value=state.start, size="2", id="custom-start"),
                rx.text("to", size="2", color=styles.MUTED),
                rx.input(type="date", name="end", default_value=state.end, size="2", id="custom-end"),
                rx.button("Apply", type="submit", size="2", id="custom-apply"),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            rx.foreach(
                state.errors.values(),
                lambda message: rx.text(message, style=styles.field_error, class_name="range-error"),
            ),
            on_submit=state.apply_dates,
            reset_on_submit=False,
            key=state.start + state.end,
        ),
    )


def range_line(state) -> rx.Component:
    """ "3 Nov – 2 Dec 2026 · compared with 4 Oct – 2 Nov 2026"."""
    return rx.cond(
        state.range_label != "",
        rx.text(
            state.range_label,
            rx.el.span(" · compared with ", state.compare_label, color=styles.MUTED),
            size="2",
            weight="medium",
            id="range-label",
        ),
    )
