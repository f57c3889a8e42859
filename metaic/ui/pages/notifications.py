"""`/notifications`: every notification, and the settings for how they reach you."""

from __future__ import annotations

import reflex as rx

from metaic.notifications.models import CHANNELS
from metaic.ui import styles
from metaic.ui.components.bell import time_ago
from metaic.ui.components.forms import field_error, form_banner
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.notifications import NotificationsState as N

CHANNEL_LABELS = {"email": "Email", "sms": "SMS", "push": "Push", "whatsapp": "WhatsApp"}


def list_row(item: rx.Var) -> rx.Component:
    """One notification in the full list."""
    return rx.hstack(
        rx.box(
            width="8px",
            height="8px",
            border_radius="50%",
            flex_shrink="0",
            margin_top="8px",
            background=rx.cond(item["read"], "transparent", styles.ACCENT),
        ),
        rx.vstack(
            rx.cond(
                item["url"],
                rx.link(
                    item["title"],
                    size="3",
                    weight=rx.cond(item["read"], "regular", "bold"),
                    color="var(--gray-12)",
                    underline="hover",
                    cursor="pointer",
                    on_click=N.open_notification(item["id"], item["url"]),
                    overflow_wrap="anywhere",
                ),
                rx.text(
                    item["title"], size="3", weight=rx.cond(item["read"], "regular", "bold"), overflow_wrap="anywhere"
                ),
            ),
            rx.cond(
                item["body"],
                rx.text(item["body"], size="2", color=styles.MUTED, white_space="pre-line", overflow_wrap="anywhere"),
            ),
            time_ago(item["at"]),
            spacing="1",
            align="start",
            width="100%",
            min_width="0",
        ),
        rx.cond(
            item["read"],
            rx.fragment(),
            rx.button(
                "Mark read",
                size="1",
                variant="soft",
                color_scheme="gray",
                on_click=N.mark_read(item["id"]),
                class_name="mark-read",
                flex_shrink="0",
            ),
        ),
        align="start",
        spacing="3",
        width="100%",
        padding="14px 4px",
        border_bottom=styles.BORDER,
        class_name="notification-row",
    )


def list_section() -> rx.Component:
    """The list with its filter, mark-all and load-more controls."""
    return rx.vstack(
        rx.hstack(
            rx.heading("Notifications", size="6"),
            rx.cond(N.unread > 0, rx.badge(N.unread.to_string() + " unread", color_scheme="red", id="page-unread")),
            rx.spacer(),
            rx.hstack(
                rx.text("Unread only", size="2"),
                rx.switch(checked=N.only_unread, on_change=N.set_only_unread, id="only-unread"),
                align="center",
                spacing="2",
            ),
            rx.button(
                "Mark all read",
                variant="soft",
                size="2",
                on_click=N.mark_all_read,
                disabled=N.unread == 0,
                id="mark-all-read",
            ),
            align="center",
            spacing="3",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(
            N.items.length() > 0,
            rx.vstack(rx.foreach(N.items, list_row), spacing="0", width="100%", id="notification-list"),
            rx.center(
                rx.vstack(
                    rx.icon("bell-off", size=32, color=styles.MUTED),
                    rx.text(rx.cond(N.only_unread, "Nothing unread.", "No notifications yet."), color=styles.MUTED),
                    align="center",
                    spacing="2",
                ),
                padding="48px",
                width="100%",
                id="notifications-empty",
            ),
        ),
        rx.cond(N.has_more, rx.center(rx.button("Load more", variant="ghost", on_click=N.load_more), width="100%")),
        spacing="3",
        style=styles.card_style,
        align="stretch",
    )


def switch_cell(kind: rx.Var, channel: str) -> rx.Component:
    """One kind × channel switch."""
    key = kind["key"] + ":" + channel
    return rx.table.cell(
        rx.switch(
            checked=N.switches[key],
            on_change=lambda value: N.toggle(key, value),
            aria_label=kind["label"] + " by " + CHANNEL_LABELS[channel],
            class_name="pref-switch",
            id="pref-" + kind["key"] + "-" + channel,
        ),
        text_align="center",
    )


def preferences_table() -> rx.Component:
    """Kinds down, channels across; in-app is always on."""
    return rx.scroll_area(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Notification"),
                    rx.table.column_header_cell("In app", text_align="center"),
                    *(rx.table.column_header_cell(CHANNEL_LABELS[c], text_align="center") for c in CHANNELS),
                )
            ),
            rx.table.body(
                rx.foreach(
                    N.kind_rows,
                    lambda kind: rx.table.row(
                        rx.table.row_header_cell(kind["label"]),
                        rx.table.cell(rx.icon("check", size=16, color=styles.MUTED), text_align="center"),
                        *(switch_cell(kind, c) for c in CHANNELS),
                    ),
                )
            ),
            variant="surface",
            size="2",
            width="100%",
        ),
        type="auto",
        scrollbars="horizontal",
    )


def time_input(label: str, name: str, value: rx.Var) -> rx.Component:
    """A 24-hour time field."""
    return rx.vstack(
        rx.text(label, as_="label", html_for=name, size="2", weight="medium"),
        rx.input(type="time", name=name, id=name, default_value=value, size="3"),
        field_error(N.errors, name),
        spacing="1",
    )


def preferences_section() -> rx.Component:
    """The settings form: switches, quiet hours, save."""
    return rx.form(
        rx.vstack(
            rx.heading("How we reach you", size="4"),
            rx.text(
                "Choose, for each kind of notification, the channels you want. You always see them here.",
                color=styles.MUTED,
                size="2",
            ),
            form_banner(N.errors),
            preferences_table(),
            rx.cond(
                ~N.has_phone,
                rx.text(
                    "SMS and WhatsApp need a verified phone number: add one in ",
                    rx.link("account settings", href="/account?tab=security"),
                    ".",
                    size="1",
                    color=styles.MUTED,
                ),
            ),
            rx.heading("Quiet hours", size="3", margin_top="8px"),
            rx.text(
                "Between these times (",
                N.timezone,
                ") we hold email, SMS, push and WhatsApp and send them "
                "when quiet hours end. Leave both empty to turn quiet hours off.",
                size="2",
                color=styles.MUTED,
            ),
            rx.hstack(
                time_input("From", "quiet_start", N.quiet_start),
                time_input("Until", "quiet_end", N.quiet_end),
                spacing="4",
                wrap="wrap",
                key=N.quiet_start + "-" + N.quiet_end,
            ),
            rx.hstack(
                rx.button("Save settings", type="submit", size="3", id="save-notification-settings"),
                justify="end",
                width="100%",
            ),
            spacing="3",
            align="stretch",
            width="100%",
        ),
        on_submit=N.save_preferences,
        reset_on_submit=False,
        style=styles.card_style,
    )


def push_section() -> rx.Component:
    """Turn push messages on or off for this browser."""
    return rx.vstack(
        rx.heading("Push on this device", size="4"),
        rx.text(
            "Get notifications from your browser even when MetaIC is closed. ",
            rx.cond(N.push_devices > 0, N.push_devices.to_string() + " device(s) receive push messages.", ""),
            size="2",
            color=styles.MUTED,
        ),
        rx.hstack(
            rx.cond(
                N.push_status == "subscribed",
                rx.button(
                    rx.icon("bell-off", size=16),
                    "Turn off push here",
                    variant="soft",
                    color_scheme="gray",
                    on_click=N.disable_push,
                    id="push-off",
                ),
                rx.button(
                    rx.icon("bell-ring", size=16),
                    "Turn on push here",
                    on_click=N.enable_push,
                    id="push-on",
                    disabled=(N.push_status == "unsupported") | (N.push_status == "unavailable"),
                ),
            ),
            rx.cond(
                N.push_status == "denied",
                rx.text(
                    "Notifications are blocked for this site in your browser settings.", size="2", color=styles.DANGER
                ),
            ),
            rx.cond(
                N.push_status == "unsupported",
                rx.text("This browser cannot receive push notifications.", size="2", color=styles.MUTED),
            ),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
        on_mount=N.check_push,
        spacing="3",
        style=styles.card_style,
        align="stretch",
    )


def notifications_page() -> rx.Component:
    """The page registered at /notifications (on_load: NotificationsState.load_page)."""
    return page(
        rx.cond(
            N.signed_in,
            rx.vstack(list_section(), preferences_section(), push_section(), spacing="5", width="100%"),
            loading_block(),
        ),
    )
