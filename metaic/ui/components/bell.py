"""The notification bell for the top bar: a live unread badge and a popover with the latest notifications."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.state.notifications import NotificationsState

HEARTBEAT_MS = 60_000


def time_ago(iso: rx.Var) -> rx.Component:
    """A relative time ("5 minutes ago") that stays current."""
    return rx.text(rx.moment(iso, from_now=True, interval=HEARTBEAT_MS), size="1", color=styles.MUTED)


def unread_dot(read: rx.Var) -> rx.Component:
    """A small accent dot on unread rows."""
    return rx.box(
        width="8px",
        height="8px",
        border_radius="50%",
        flex_shrink="0",
        margin_top="6px",
        background=rx.cond(read, "transparent", styles.ACCENT),
    )


def bell_item(item: rx.Var) -> rx.Component:
    """One notification in the popover: click to open it (and mark it read)."""
    return rx.hstack(
        unread_dot(item["read"]),
        rx.vstack(
            rx.text(item["title"], size="2", weight=rx.cond(item["read"], "regular", "bold"), overflow_wrap="anywhere"),
            rx.cond(
                item["body"],
                rx.text(
                    item["body"],
                    size="1",
                    color=styles.MUTED,
                    style={
                        "display": "-webkit-box",
                        "-webkit-line-clamp": "2",
                        "-webkit-box-orient": "vertical",
                        "overflow": "hidden",
                        "overflow_wrap": "anywhere",
                    },
                ),
            ),
            time_ago(item["at"]),
            spacing="0",
            align="start",
            width="100%",
            min_width="0",
        ),
        rx.cond(
            item["read"],
            rx.fragment(),
            rx.tooltip(
                rx.icon_button(
                    rx.icon("check", size=14),
                    size="1",
                    variant="ghost",
                    color_scheme="gray",
                    aria_label="Mark read",
                    on_click=NotificationsState.mark_read(item["id"]).stop_propagation,
                ),
                content="Mark read",
            ),
        ),
        on_click=NotificationsState.open_notification(item["id"], item["url"]),
        align="start",
        spacing="3",
        width="100%",
        padding="10px 12px",
        border_radius="8px",
        cursor="pointer",
        _hover={"background": "var(--gray-a3)"},
        class_name="bell-item",
    )


def bell_empty() -> rx.Component:
    """Shown when there is nothing to read."""
    return rx.center(
        rx.vstack(
            rx.icon("bell-off", size=28, color=styles.MUTED),
            rx.text("You're all caught up.", size="2", color=styles.MUTED),
            align="center",
            spacing="2",
        ),
        padding="32px 12px",
        width="100%",
        id="bell-empty",
    )


def bell_button() -> rx.Component:
    """The bell icon with its red count badge."""
    return rx.box(
        rx.icon_button(
            rx.icon("bell", size=18),
            variant="ghost",
            color_scheme="gray",
            size="2",
            aria_label="Notifications",
            id="bell-button",
        ),
        rx.cond(
            NotificationsState.unread > 0,
            rx.box(
                NotificationsState.badge,
                id="bell-count",
                position="absolute",
                top="-5px",
                right="-7px",
                min_width="16px",
                height="16px",
                padding_x="4px",
                border_radius="8px",
                background="var(--red-9)",
                color="white",
                font_size="10px",
                font_weight="700",
                line_height="16px",
                text_align="center",
                pointer_events="none",
                border="2px solid var(--color-panel-solid)",
                box_sizing="content-box",
            ),
        ),
        position="relative",
        display="inline-flex",
    )


def bell() -> rx.Component:
    """The top-bar bell: live unread count, latest notifications, mark read / mark all read, a link to all."""
    return rx.box(
        rx.popover.root(
            rx.popover.trigger(bell_button()),
            rx.popover.content(
                rx.hstack(
                    rx.text("Notifications", weight="bold", size="3"),
                    rx.spacer(),
                    rx.button(
                        "Mark all read",
                        size="1",
                        variant="ghost",
                        id="bell-mark-all",
                        disabled=NotificationsState.unread == 0,
                        on_click=NotificationsState.mark_all_read,
                    ),
                    align="center",
                    width="100%",
                    padding="4px 8px 8px",
                ),
                rx.separator(),
                rx.scroll_area(
                    rx.cond(
                        NotificationsState.latest.length() > 0,
                        rx.vstack(
                            rx.foreach(NotificationsState.latest, bell_item), spacing="1", width="100%", padding_y="4px"
                        ),
                        bell_empty(),
                    ),
                    type="auto",
                    scrollbars="vertical",
                    style={"max_height": "420px"},
                ),
                rx.separator(),
                rx.center(
                    rx.popover.close(
                        rx.link("See all", href="/notifications", size="2", weight="medium", id="bell-see-all")
                    ),
                    padding_top="8px",
                ),
                width="360px",
                max_width="calc(100vw - 24px)",
                padding="8px",
                align="end",
                id="bell-popover",
            ),
            on_open_change=NotificationsState.bell_open,
        ),
        # Starts the live count when the bell appears; the hidden ticker restarts it if it ever stops.
        rx.moment(interval=HEARTBEAT_MS, on_change=NotificationsState.heartbeat, display="none"),
        on_mount=NotificationsState.refresh_bell,
        display="inline-flex",
    )
