"""`/cards`: every card the user owns, with create, duplicate, delete and bulk actions."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.forms import field
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.cards import CardsState as C

STATUS_COLORS = (("draft", "gray"), ("published", "green"), ("changed", "amber"))


def new_card_dialog() -> rx.Component:
    """Ask for a name, then open the builder."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("New card"),
            rx.dialog.description("Give it a name; you can change everything later.", size="2"),
            rx.form(
                rx.vstack(
                    field(
                        "Name on the card",
                        "name",
                        C.errors,
                        placeholder="Ada Lovelace",
                        max_length=120,
                        auto_focus=True,
                    ),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
                        rx.button("Create card", type="submit", id="create-card-submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="4",
                    padding_top="12px",
                ),
                on_submit=C.create,
            ),
            max_width="440px",
        ),
        open=C.creating,
        on_open_change=C.set_creating,
    )


def delete_dialog() -> rx.Component:
    """Confirm deleting one card."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete this card?"),
            rx.alert_dialog.description("Its public page, QR code and history go away for good.", size="2"),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button("Delete", color_scheme="red", on_click=C.confirm_delete, id="confirm-delete")
                ),
                justify="end",
                spacing="3",
                padding_top="12px",
            ),
            max_width="420px",
        ),
        open=C.delete_target != "",
        on_open_change=lambda _open: C.ask_delete(""),
    )


def card_row(card: rx.Var) -> rx.Component:
    """One card in the list."""
    return rx.hstack(
        rx.checkbox(
            checked=C.selected.contains(card["id"]),
            on_change=lambda c: C.toggle(card["id"], c),
            class_name="select-card",
        ),
        rx.vstack(
            rx.link(
                card["name"],
                href="/cards/edit?id=" + card["id"],
                weight="bold",
                size="3",
                class_name="card-name",
                overflow_wrap="anywhere",
            ),
            rx.hstack(
                rx.text("/c/" + card["slug"], size="1", color=styles.MUTED, overflow_wrap="anywhere", min_width="0"),
                rx.text("· updated ", card["updated"], size="1", color=styles.MUTED),
                spacing="1",
                wrap="wrap",
            ),
            spacing="1",
            flex="1",
            min_width="0",
        ),
        rx.badge(
            card["status"],
            color_scheme=rx.match(card["status"], *STATUS_COLORS, "gray"),
            class_name="card-status",
            flex_shrink="0",
        ),
        rx.badge(card["visibility"], variant="outline", display=["none", "inline-flex"], flex_shrink="0"),
        rx.text(card["views"], " views", size="1", color=styles.MUTED, display=["none", "block"], min_width="64px"),
        rx.menu.root(
            rx.menu.trigger(rx.icon_button(rx.icon("ellipsis", size=16), variant="ghost", class_name="card-menu")),
            rx.menu.content(
                rx.menu.item("Edit", on_click=rx.redirect("/cards/edit?id=" + card["id"])),
                rx.menu.item("Duplicate", on_click=C.duplicate(card["id"]), class_name="duplicate-card"),
                rx.menu.separator(),
                rx.menu.item(
                    "Delete", color="var(--red-11)", on_click=C.ask_delete(card["id"]), class_name="delete-card"
                ),
            ),
        ),
        align="center",
        spacing="3",
        width="100%",
        padding="14px 16px",
        border_bottom=styles.BORDER,
        class_name="card-row",
    )


def empty_state() -> rx.Component:
    """Before the first card."""
    return rx.vstack(
        rx.center(
            rx.icon("id-card", size=28, color=styles.ACCENT),
            width="56px",
            height="56px",
            border_radius="14px",
            background="var(--indigo-3)",
        ),
        rx.heading("Create your first card", size="5"),
        rx.text(
            "Add your details, pick a look, publish it at your own link and share its QR code.",
            color=styles.MUTED,
            text_align="center",
            max_width="420px",
        ),
        rx.button(rx.icon("plus", size=16), "New card", size="3", on_click=C.set_creating(True), id="empty-new-card"),
        align="center",
        spacing="3",
        padding_y="48px",
        width="100%",
    )


def bulk_bar() -> rx.Component:
    """Actions on the selected cards."""
    return rx.cond(
        C.selected.length() > 0,
        rx.hstack(
            rx.text(C.selected.length(), " selected", size="2", weight="medium"),
            rx.spacer(),
            rx.button("Publish", size="2", variant="soft", on_click=C.bulk("publish"), id="bulk-publish"),
            rx.button(
                "Unpublish",
                size="2",
                variant="soft",
                color_scheme="gray",
                on_click=C.bulk("unpublish"),
                id="bulk-unpublish",
            ),
            rx.button(
                "Delete", size="2", variant="soft", color_scheme="red", on_click=C.bulk("delete"), id="bulk-delete"
            ),
            width="100%",
            align="center",
            padding="10px 16px",
            background="var(--indigo-a2)",
            border_bottom=styles.BORDER,
            wrap="wrap",
        ),
    )


def cards_page() -> rx.Component:
    """The card list page."""
    return page(
        rx.cond(
            C.loaded & C.signed_in,
            rx.vstack(
                rx.hstack(
                    rx.heading("Your cards", size="7"),
                    rx.spacer(),
                    rx.button(rx.icon("plus", size=16), "New card", on_click=C.set_creating(True), id="new-card"),
                    width="100%",
                    align="center",
                ),
                rx.box(
                    rx.cond(
                        C.cards.length() > 0,
                        rx.fragment(
                            rx.hstack(
                                rx.checkbox(
                                    checked=C.selected.length() == C.cards.length(),
                                    on_change=C.toggle_all,
                                    id="select-all",
                                ),
                                rx.text("Select all", size="2", color=styles.MUTED),
                                padding="10px 16px",
                                border_bottom=styles.BORDER,
                                width="100%",
                            ),
                            bulk_bar(),
                            rx.foreach(C.cards, card_row),
                        ),
                        empty_state(),
                    ),
                    background=styles.CARD_BG,
                    border=styles.BORDER,
                    border_radius="16px",
                    overflow="hidden",
                    width="100%",
                ),
                new_card_dialog(),
                delete_dialog(),
                spacing="4",
                width="100%",
            ),
            loading_block(),
        ),
    )
