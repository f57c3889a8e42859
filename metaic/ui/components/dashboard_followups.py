"""A dashboard line for follow-up plans the assistant proposed and the owner has not decided on yet."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.state.dashboard_followups import FollowUpPlansState as P


def plans_waiting() -> rx.Component:
    """ "2 follow-up plans to review: Grace Hopper, Lin Owner" (nothing when none wait)."""
    link = lambda p: rx.link(p["name"], href=p["href"], size="2", weight="medium")  # noqa: E731
    return rx.box(
        rx.cond(
            P.plans_waiting > 0,
            rx.hstack(
                rx.icon("sparkles", size=16, color=styles.ACCENT, flex_shrink="0"),
                rx.badge(P.plans_waiting, color_scheme="indigo", variant="solid", radius="full"),
                rx.text(
                    rx.cond(P.plans_waiting == 1, "follow-up plan to review:", "follow-up plans to review:"),
                    size="2",
                ),
                rx.foreach(P.plan_links, link),
                align="center",
                spacing="2",
                wrap="wrap",
                width="100%",
                style={**styles.card_style, "padding": ["12px 16px", "14px 20px"]},
                id="plans-waiting",
            ),
        ),
        on_mount=P.load,
        width="100%",
    )
