"""/assistant (Ask MetaIC): conversations beside the thread; answers stream in with their sources and actions."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.assistant_thread import NOWRAP, empty_state, message, pending
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.assistant import AssistantState as A

PANE_HEIGHT = "calc(100vh - 200px)"
# Phones show one pane: the thread, or the list when asked for (a breakpoint inside a cond is not applied, so
# the choice is a class and these rules; 767px is just under Radix's "md").
PANES = {
    "& .assistant-list, & .assistant-pane": {"display": "flex"},
    "@media (max-width: 767px)": {
        "& .assistant-list": {"display": "none"},
        "& .assistant-list.open": {"display": "flex"},
        "& .assistant-pane.list-open": {"display": "none"},
    },
}


def conversation_item(c: rx.Var) -> rx.Component:
    """One conversation in the list: its title and when it was last used."""
    return rx.vstack(
        rx.text(c["title"], size="2", weight="medium", style=NOWRAP, width="100%"),
        rx.text(rx.moment(c["at"], from_now=True), size="1", color=styles.MUTED),
        on_click=A.open(c["id"]),
        spacing="0",
        width="100%",
        padding="10px 14px",
        cursor="pointer",
        border_radius="10px",
        background=rx.cond(A.active_id == c["id"], "var(--indigo-a3)", "transparent"),
        _hover={"background": rx.cond(A.active_id == c["id"], "var(--indigo-a3)", "var(--gray-a3)")},
        class_name="assistant-conversation",
    )


def conversation_list() -> rx.Component:
    """New chat, then every conversation (hidden on phones unless asked for)."""
    return rx.vstack(
        rx.button(
            rx.icon("plus", size=16), "New chat", on_click=A.new_chat, width="100%", variant="soft", id="assistant-new"
        ),
        rx.cond(
            A.conversations.length() > 0,
            rx.vstack(rx.foreach(A.conversations, conversation_item), spacing="1", width="100%", overflow_y="auto"),
            rx.text("Your conversations will be listed here.", size="2", color=styles.MUTED, padding="8px 4px"),
        ),
        class_name=rx.cond(A.show_list, "assistant-list open", "assistant-list"),
        spacing="3",
        padding="14px",
        width=rx.breakpoints(initial="100%", md="280px"),
        flex_shrink="0",
        border_right=rx.breakpoints(initial="none", md=styles.BORDER),
        height=PANE_HEIGHT,
        min_height="460px",
        overflow_y="auto",
        id="assistant-list",
    )


def header() -> rx.Component:
    """The open conversation's title, rename and delete; on phones, the way to the list."""
    return rx.hstack(
        rx.icon_button(
            rx.icon(rx.cond(A.show_list, "x", "history"), size=16),
            variant="ghost",
            color_scheme="gray",
            on_click=A.toggle_list,
            display=rx.breakpoints(initial="inline-flex", md="none"),
            aria_label="Conversations",
            id="assistant-toggle-list",
        ),
        rx.text(
            rx.cond(A.active_id != "", A.active_title, "New conversation"),
            weight="bold",
            size="3",
            style=NOWRAP,
            flex="1",
            min_width="0",
            id="assistant-title",
        ),
        rx.cond(
            A.active_id != "",
            rx.hstack(
                rx.icon_button(
                    rx.icon("pencil", size=14),
                    variant="ghost",
                    color_scheme="gray",
                    on_click=A.set_rename_open(True),
                    aria_label="Rename",
                    id="assistant-rename",
                ),
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    variant="ghost",
                    color_scheme="red",
                    on_click=A.set_delete_open(True),
                    aria_label="Delete",
                    id="assistant-delete",
                ),
                spacing="1",
            ),
        ),
        rx.cond(
            A.active_id != "",
            rx.icon_button(
                rx.icon("plus", size=16),
                variant="soft",
                on_click=A.new_chat,
                aria_label="New chat",
                display=rx.breakpoints(initial="inline-flex", md="none"),
            ),
        ),
        align="center",
        spacing="2",
        padding="12px 16px",
        border_bottom=styles.BORDER,
        width="100%",
    )


def error_banner() -> rx.Component:
    """What went wrong, with a retry when there is a question to retry."""
    return rx.cond(
        A.error != "",
        rx.callout(
            rx.hstack(
                rx.text(A.error, size="2"),
                rx.cond(
                    A.active_id != "",
                    rx.button("Try again", size="1", variant="soft", color_scheme="red", on_click=A.retry),
                ),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
            icon="triangle-alert",
            color_scheme="red",
            width="100%",
            id="assistant-error",
        ),
    )


def composer() -> rx.Component:
    """The question box and Ask (Enter asks)."""
    return rx.form(
        rx.hstack(
            rx.input(
                name="text",
                placeholder="Ask about your contacts, notes and messages",
                size="3",
                flex="1",
                auto_complete="off",
                max_length=2000,
                id="assistant-input",
                disabled=A.streaming,
            ),
            rx.button(
                rx.cond(A.streaming, rx.spinner(size="2"), rx.icon("arrow-up", size=18)),
                type="submit",
                size="3",
                disabled=A.streaming,
                aria_label="Ask",
                id="assistant-send",
            ),
            width="100%",
            spacing="2",
        ),
        on_submit=A.send,
        reset_on_submit=True,
        padding="12px 16px",
        border_top=styles.BORDER,
        width="100%",
    )


def thread() -> rx.Component:
    """The open conversation (newest at the bottom), the answer being written, and the box."""
    return rx.flex(
        header(),
        rx.cond(
            (A.thread.length() == 0) & ~A.streaming,
            empty_state(),
            rx.flex(
                rx.vstack(
                    rx.foreach(A.thread, message),
                    pending(),
                    spacing="5",
                    width="100%",
                    max_width="760px",
                    margin="0 auto",
                ),
                direction="column-reverse",  # keeps the newest in view with no scrolling script
                overflow_y="auto",
                flex="1",
                padding=["16px", "20px 24px"],
                id="assistant-thread",
            ),
        ),
        rx.box(error_banner(), padding_x="16px"),
        composer(),
        class_name=rx.cond(A.show_list, "assistant-pane list-open", "assistant-pane"),
        direction="column",
        flex="1",
        min_width="0",
        height=PANE_HEIGHT,
        min_height="460px",
    )


def rename_dialog() -> rx.Component:
    """Rename the open conversation."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Rename conversation"),
            rx.form(
                rx.vstack(
                    rx.input(
                        name="title",
                        default_value=A.active_title,
                        max_length=80,
                        width="100%",
                        id="assistant-rename-input",
                    ),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
                        rx.button("Save", type="submit", id="assistant-rename-save"),
                        justify="end",
                        spacing="2",
                        width="100%",
                    ),
                    spacing="4",
                ),
                on_submit=A.rename,
            ),
            max_width="420px",
        ),
        open=A.rename_open,
        on_open_change=A.set_rename_open,
    )


def delete_dialog() -> rx.Component:
    """Confirm deleting the open conversation."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete this conversation?"),
            rx.alert_dialog.description(
                "Its questions and answers are deleted. Your contacts are not touched.", size="2"
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button("Delete", color_scheme="red", on_click=A.delete, id="assistant-delete-confirm")
                ),
                justify="end",
                spacing="2",
                margin_top="16px",
            ),
            max_width="420px",
        ),
        open=A.delete_open,
        on_open_change=A.set_delete_open,
    )


def assistant_page() -> rx.Component:
    """Conversations beside the thread (one at a time on phones)."""
    return page(
        rx.cond(
            A.loaded & A.signed_in,
            rx.fragment(
                rx.flex(
                    conversation_list(),
                    thread(),
                    background=styles.CARD_BG,
                    border=styles.BORDER,
                    border_radius="16px",
                    overflow="hidden",
                    width="100%",
                    style=PANES,
                ),
                rename_dialog(),
                delete_dialog(),
            ),
            loading_block(),
        ),
    )
