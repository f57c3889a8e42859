"""/messages: in-app conversations with other MetaIC users; the list and the open thread."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.bell import HEARTBEAT_MS
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.messages import MessagesState as M

PANE_HEIGHT = "calc(100vh - 220px)"


def conversation_item(c: rx.Var) -> rx.Component:
    """One conversation in the list: who, the last message, when, and its unread count."""
    active = M.active_id == c["id"]
    return rx.hstack(
        rx.avatar(fallback=c["initials"], size="3", radius="full"),
        rx.vstack(
            rx.hstack(
                rx.text(
                    c["name"],
                    weight=rx.cond(c["unread"] != "", "bold", "medium"),
                    size="2",
                    trim="both",
                    style={"overflow": "hidden", "text_overflow": "ellipsis", "white_space": "nowrap"},
                ),
                rx.spacer(),
                rx.cond(
                    c["at"] != "",
                    rx.text(
                        rx.moment(c["at"], from_now=True, interval=HEARTBEAT_MS),
                        size="1",
                        color=styles.MUTED,
                        white_space="nowrap",
                    ),
                ),
                width="100%",
                align="center",
            ),
            rx.hstack(
                rx.text(
                    c["last"],
                    size="1",
                    color=styles.MUTED,
                    style={"overflow": "hidden", "text_overflow": "ellipsis", "white_space": "nowrap"},
                ),
                rx.spacer(),
                rx.cond(
                    c["status"] == "requested",
                    rx.badge("Request", color_scheme="amber", variant="soft", size="1", class_name="request-badge"),
                ),
                rx.cond(
                    c["unread"] != "",
                    rx.badge(
                        c["unread"],
                        color_scheme="red",
                        variant="solid",
                        radius="full",
                        size="1",
                        class_name="conversation-unread",
                    ),
                ),
                width="100%",
                align="center",
            ),
            spacing="0",
            flex="1",
            min_width="0",
        ),
        on_click=M.open(c["id"]),
        cursor="pointer",
        spacing="3",
        align="center",
        width="100%",
        padding="12px 14px",
        border_bottom=styles.BORDER,
        background=rx.cond(active, "var(--indigo-a3)", "transparent"),
        _hover={"background": "var(--gray-a3)"},
        class_name="conversation-item",
    )


def conversation_list(hide_on_phone: bool) -> rx.Component:
    """Every conversation, newest first (or a hint how to start one); phones hide it while a thread is open."""
    return rx.box(
        rx.hstack(
            rx.heading("Messages", size="5"),
            rx.cond(M.unread_total > 0, rx.badge(M.unread_total, " unread", color_scheme="red", variant="soft")),
            align="center",
            padding="16px 14px",
            border_bottom=styles.BORDER,
        ),
        rx.cond(
            M.conversations.length() > 0,
            rx.box(rx.foreach(M.conversations, conversation_item), overflow_y="auto", flex="1"),
            rx.center(
                rx.vstack(
                    rx.icon("messages-square", size=32, color=styles.MUTED),
                    rx.text("No conversations yet", weight="bold"),
                    rx.text(
                        "Open a contact and choose Message, or send them a message request.",
                        size="2",
                        color=styles.MUTED,
                        text_align="center",
                    ),
                    rx.link("Go to contacts", href="/contacts", size="2"),
                    align="center",
                    spacing="2",
                ),
                padding="48px 16px",
                id="no-conversations",
            ),
        ),
        display=rx.breakpoints(initial="none", md="flex") if hide_on_phone else "flex",
        flex_direction="column",
        width=rx.breakpoints(initial="100%", md="320px"),
        flex_shrink="0",
        border_right=rx.breakpoints(initial="none", md=styles.BORDER),
        height=PANE_HEIGHT,
        min_height="420px",
    )


def bubble(m: rx.Var) -> rx.Component:
    """One message: mine on the right in the accent colour, theirs on the left."""
    mine = m["mine"] != ""
    return rx.flex(
        rx.box(
            rx.text(m["body"], size="2", white_space="pre-wrap", style={"overflow_wrap": "anywhere"}),
            rx.text(rx.moment(m["at"], format="HH:mm", local=True), size="1", opacity="0.7", text_align="right"),
            background=rx.cond(mine, styles.ACCENT, "var(--gray-a3)"),
            color=rx.cond(mine, "white", "inherit"),
            padding="8px 12px",
            border_radius=rx.cond(mine, "14px 14px 4px 14px", "14px 14px 14px 4px"),
            max_width="75%",
            class_name=rx.cond(mine, "bubble bubble-mine", "bubble bubble-theirs"),
        ),
        justify=rx.cond(mine, "end", "start"),
        width="100%",
    )


def thread() -> rx.Component:
    """The open conversation, its messages (newest at the bottom) and the composer."""
    return rx.cond(
        M.active_id != "",
        rx.flex(
            rx.hstack(
                rx.icon_button(
                    rx.icon("arrow-left", size=16),
                    variant="ghost",
                    color_scheme="gray",
                    on_click=M.close,
                    display=rx.breakpoints(initial="inline-flex", md="none"),
                    aria_label="Back to conversations",
                    flex_shrink="0",
                ),
                rx.text(
                    M.active_name, weight="bold", size="3", id="thread-name", overflow_wrap="anywhere", min_width="0"
                ),
                align="center",
                padding="14px 16px",
                border_bottom=styles.BORDER,
                width="100%",
            ),
            # column-reverse keeps the newest message in view without any scrolling script.
            rx.flex(
                rx.vstack(
                    rx.cond(
                        M.thread.length() == 0,
                        rx.center(rx.text("Say hello 👋", size="2", color=styles.MUTED), width="100%", padding="32px"),
                    ),
                    rx.foreach(M.thread, bubble),
                    spacing="2",
                    width="100%",
                ),
                direction="column-reverse",
                overflow_y="auto",
                flex="1",
                padding="16px",
                id="thread",
            ),
            rx.cond(M.active_status == "requested", request_bar(), composer()),
            direction="column",
            flex="1",
            min_width="0",
            height=PANE_HEIGHT,
            min_height="420px",
        ),
        rx.center(
            rx.vstack(
                rx.icon("message-circle", size=36, color=styles.MUTED),
                rx.text("Choose a conversation", color=styles.MUTED),
                align="center",
            ),
            flex="1",
            display=rx.breakpoints(initial="none", md="flex"),
            height=PANE_HEIGHT,
        ),
    )


def request_bar() -> rx.Component:
    """A message request: nothing can be written until it is accepted; declining removes it quietly."""
    return rx.vstack(
        rx.text(
            rx.text.strong(M.active_name),
            " wants to message you. Accept to reply; if you decline, they are not told.",
            size="2",
        ),
        rx.hstack(
            rx.button(rx.icon("check", size=16), "Accept", on_click=M.accept, id="request-accept"),
            rx.button(
                rx.icon("x", size=16),
                "Decline",
                variant="soft",
                color_scheme="gray",
                on_click=M.decline,
                id="request-decline",
            ),
            spacing="2",
            wrap="wrap",
        ),
        spacing="2",
        padding="12px 16px",
        border_top=styles.BORDER,
        background="var(--amber-a2)",
        width="100%",
        id="request-bar",
    )


def composer() -> rx.Component:
    """The message box and Send."""
    return rx.form(
        rx.hstack(
            rx.input(
                name="body",
                placeholder="Write a message",
                size="3",
                flex="1",
                auto_complete="off",
                max_length=5000,
                id="message-input",
            ),
            rx.button(rx.icon("send", size=16), "Send", type="submit", size="3", id="message-send"),
            width="100%",
            spacing="2",
        ),
        on_submit=M.send,
        reset_on_submit=True,
        padding="12px 16px",
        border_top=styles.BORDER,
        width="100%",
    )


def messages_page() -> rx.Component:
    """Conversations beside the open thread (one at a time on phones)."""
    return page(
        rx.cond(
            M.loaded & M.signed_in,
            rx.flex(
                rx.cond(M.active_id != "", conversation_list(True), conversation_list(False)),
                thread(),
                background=styles.CARD_BG,
                border=styles.BORDER,
                border_radius="16px",
                overflow="hidden",
                width="100%",
            ),
            loading_block(),
        ),
    )
