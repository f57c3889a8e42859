"""The builder's list sections (contacts, social links, services, works): items that can be added, moved, removed."""

from __future__ import annotations

import reflex as rx

from metaic.cards.schemas import max_chars
from metaic.ui import styles
from metaic.ui.components.builder_sections import block, field_error_at, invalid, native_select, uploader
from metaic.ui.state.builder import BuilderState as B

CONTACT_KINDS = [("phone", "Phone"), ("email", "Email"), ("address", "Address")]
SOCIAL_KINDS = [
    ("linkedin", "LinkedIn"),
    ("x", "X"),
    ("instagram", "Instagram"),
    ("github", "GitHub"),
    ("whatsapp", "WhatsApp"),
    ("wechat", "WeChat"),
    ("telegram", "Telegram"),
    ("website", "Website"),
    ("custom", "Custom"),
]


def _key(section: str, i: rx.Var, field: str = "") -> rx.Var:
    """The error key of an item (`works.1`) or of one of its fields (`works.1.title`)."""
    key = section + "." + i.to_string()
    return key + "." + field if field else key


def item_field(section: str, item: rx.Var, i: rx.Var, field: str, placeholder: str, **props) -> rx.Component:
    """One field of a list item: live-bound, capped by the schema, marked (and findable) when it needs a fix."""
    widget = rx.text_area if props.pop("area", False) else rx.input
    props.setdefault("width", "100%")
    return widget(
        value=item[field],
        placeholder=placeholder,
        debounce_timeout=0,
        max_length=max_chars(f"{section}.{field}"),
        on_change=lambda v: B.set_item(section, i, field, v),
        id="f-" + _key(section, i, field),
        **invalid(_key(section, i, field)),
        **props,
    )


def item_tools(section: str, index: rx.Var) -> rx.Component:
    """Move up, move down and remove buttons for one list item."""
    return rx.hstack(
        rx.icon_button(
            rx.icon("arrow-up", size=14),
            size="1",
            variant="ghost",
            title="Move up",
            on_click=B.move_item(section, index, -1),
            disabled=index == 0,
        ),
        rx.icon_button(
            rx.icon("arrow-down", size=14),
            size="1",
            variant="ghost",
            title="Move down",
            on_click=B.move_item(section, index, 1),
        ),
        rx.icon_button(
            rx.icon("trash-2", size=14),
            size="1",
            variant="ghost",
            color_scheme="red",
            title="Remove",
            on_click=B.remove_item(section, index),
            class_name=f"remove-{section}",
        ),
        spacing="1",
    )


def item_box(section: str, i: rx.Var, *children: rx.Component) -> rx.Component:
    """The frame around one list item (its id lets 'move to the error' find an item without an input of its own)."""
    return rx.vstack(
        *children,
        spacing="2",
        width="100%",
        padding="12px",
        border=styles.BORDER,
        border_radius="12px",
        background="var(--gray-a2)",
        id="f-" + _key(section, i),
        class_name=f"{section}-item",
    )


def add_button(text: str, section: str) -> rx.Component:
    """The 'add another' button under a list section."""
    return rx.button(
        rx.icon("plus", size=14),
        text,
        variant="soft",
        size="2",
        width="fit-content",
        on_click=B.add_item(section),
        id=f"add-{section}",
    )


def services_block() -> rx.Component:
    """Services offered."""

    def row(item: rx.Var, i: rx.Var) -> rx.Component:
        return item_box(
            "services",
            i,
            rx.hstack(
                rx.text("Service", size="1", color=styles.MUTED), rx.spacer(), item_tools("services", i), width="100%"
            ),
            item_field("services", item, i, "title", "Title"),
            field_error_at(_key("services", i, "title")),
            item_field("services", item, i, "price_range", "Price range, e.g. $100–$300"),
            item_field("services", item, i, "description", "Description", area=True, rows="2"),
        )

    return block(
        "Services", "briefcase", rx.foreach(B.services, row), add_button("Add a service", "services"), key="services"
    )


def contacts_block() -> rx.Component:
    """Phones, emails and addresses."""

    def row(item: rx.Var, i: rx.Var) -> rx.Component:
        return item_box(
            "contacts",
            i,
            rx.hstack(
                native_select(item["kind"], CONTACT_KINDS, lambda v: B.set_item("contacts", i, "kind", v)),
                item_field("contacts", item, i, "label", "Label (work, mobile…)", flex="1", min_width="0"),
                item_tools("contacts", i),
                width="100%",
                align="center",
            ),
            rx.box(
                item_field("contacts", item, i, "value", "+44 20 7946 0958 / you@company.com"),
                class_name="contact-value",
                width="100%",
            ),
            field_error_at(_key("contacts", i, "value")),
            rx.checkbox(
                "Preferred way to reach me",
                checked=item["preferred"] == "1",
                on_change=lambda c: B.set_preferred(i, c),
                size="1",
            ),
            field_error_at(_key("contacts", i, "preferred")),
        )

    return block(
        "Contact details",
        "phone",
        rx.foreach(B.contacts, row),
        add_button("Add contact detail", "contacts"),
        key="contacts",
    )


def socials_block() -> rx.Component:
    """Social profiles."""

    def row(item: rx.Var, i: rx.Var) -> rx.Component:
        return item_box(
            "socials",
            i,
            rx.hstack(
                native_select(item["kind"], SOCIAL_KINDS, lambda v: B.set_item("socials", i, "kind", v)),
                rx.box(item_field("socials", item, i, "url", "https://…"), class_name="social-url", flex="1"),
                item_tools("socials", i),
                width="100%",
                align="center",
            ),
            field_error_at(_key("socials", i, "url")),
        )

    return block(
        "Social links", "share-2", rx.foreach(B.socials, row), add_button("Add a link", "socials"), key="socials"
    )


def works_block() -> rx.Component:
    """Portfolio items (one added from an image has no title yet: the draft keeps it, publishing asks for one)."""

    def row(item: rx.Var, i: rx.Var) -> rx.Component:
        return item_box(
            "works",
            i,
            rx.hstack(
                rx.cond(
                    item["image_url"],
                    rx.image(
                        src=item["image_url"], width="48px", height="48px", object_fit="cover", border_radius="8px"
                    ),
                ),
                item_field("works", item, i, "title", "Title", flex="1", min_width="0"),
                item_tools("works", i),
                width="100%",
                align="center",
            ),
            field_error_at(_key("works", i, "title")),
            item_field("works", item, i, "link", "Link (optional)"),
            field_error_at(_key("works", i, "link")),
            item_field("works", item, i, "description", "Description", area=True, rows="2"),
        )

    return block(
        "Works and portfolio",
        "images",
        rx.foreach(B.works, row),
        rx.hstack(
            add_button("Add a work", "works"),
            uploader("work", B.upload_work, "Add from an image"),
            spacing="3",
            wrap="wrap",
            align="center",
        ),
        key="works",
    )
