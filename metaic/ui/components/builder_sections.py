"""The builder's form sections: each a card of inputs bound to BuilderState with on_change."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.forms import field_error
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
OPEN_TO = [("mentoring", "Mentoring"), ("hiring", "Hiring"), ("investing", "Investing"), ("partnering", "Partnering")]
MEETING = [("any", "Any format"), ("in_person", "In person"), ("video", "Video call"), ("phone", "Phone call")]


def block(title: str, icon: str, *children: rx.Component, description: str = "") -> rx.Component:
    """A titled card holding one section of the form."""
    return rx.vstack(
        rx.hstack(rx.icon(icon, size=18, color=styles.ACCENT), rx.heading(title, size="4"), align="center"),
        rx.text(description, size="2", color=styles.MUTED) if description else rx.fragment(),
        *children,
        spacing="3",
        style=styles.card_style,
        align="stretch",
    )


def text_input(
    label: str, value: rx.Var, on_change, *, key: str, placeholder: str = "", area: bool = False, max_length: int = 200
) -> rx.Component:
    """A labelled input that reports every keystroke (no debounce) for a live preview."""
    widget = rx.text_area if area else rx.input
    return rx.vstack(
        rx.text(label, size="1", weight="medium", color=styles.MUTED),
        widget(
            value=value,
            on_change=on_change,
            placeholder=placeholder,
            width="100%",
            max_length=max_length,
            debounce_timeout=0,
            id=f"f-{key}",
            rows="3" if area else None,
            color_scheme=rx.cond(B.errors.contains(key), "red", "indigo"),
        ),
        field_error(B.errors, key),
        spacing="1",
        width="100%",
    )


def native_select(value: rx.Var, options: list[tuple[str, str]], on_change, **props) -> rx.Component:
    """A small native select."""
    return rx.el.select(
        *(rx.el.option(label, value=key) for key, label in options),
        value=value,
        on_change=on_change,
        style={
            "padding": "6px 8px",
            "border_radius": "8px",
            "border": styles.BORDER,
            "background": "var(--color-surface)",
            "font_size": "14px",
            "height": "34px",
        },
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


def item_box(*children: rx.Component) -> rx.Component:
    """The frame around one list item."""
    return rx.vstack(
        *children,
        spacing="2",
        width="100%",
        padding="12px",
        border=styles.BORDER,
        border_radius="12px",
        background="var(--gray-a2)",
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


def uploader(upload_id: str, handler, label: str) -> rx.Component:
    """A small drop zone that uploads as soon as a file is chosen."""
    return rx.upload(
        rx.hstack(rx.icon("image-up", size=16), rx.text(label, size="2"), align="center", spacing="2"),
        id=upload_id,
        accept={"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/webp": [".webp"], "image/gif": [".gif"]},
        max_files=1,
        multiple=False,
        on_drop=handler(rx.upload_files(upload_id=upload_id)),
        border="1px dashed var(--gray-a7)",
        border_radius="10px",
        padding="10px 14px",
        cursor="pointer",
    )


def profile_block() -> rx.Component:
    """Name, headline, bio and pictures."""
    return block(
        "Profile",
        "user",
        rx.hstack(
            rx.avatar(src=B.avatar_url, fallback=rx.cond(B.name, B.name[:1], "?"), size="5", radius="full"),
            rx.vstack(
                uploader("avatar", B.upload_avatar, "Upload photo"),
                uploader("cover", B.upload_cover, "Upload cover image"),
                spacing="2",
            ),
            spacing="4",
            align="center",
            wrap="wrap",
        ),
        text_input(
            "Full name",
            B.name,
            lambda v: B.set_field("name", v),
            key="name",
            placeholder="Ada Lovelace",
            max_length=120,
        ),
        text_input(
            "Headline",
            B.headline,
            lambda v: B.set_field("headline", v),
            key="headline",
            placeholder="Founder at Analytical Engines",
        ),
        text_input("About you", B.bio, lambda v: B.set_field("bio", v), key="bio", area=True, max_length=1000),
    )


def business_block() -> rx.Component:
    """The business behind the card."""

    def biz(label: str, key: str, **kw) -> rx.Component:
        return text_input(label, B.business[key], lambda v: B.set_business(key, v), key=f"business.{key}", **kw)

    return block(
        "Business",
        "building-2",
        rx.hstack(
            rx.cond(
                B.business["logo_url"],
                rx.image(
                    src=B.business["logo_url"], width="40px", height="40px", border_radius="8px", object_fit="cover"
                ),
            ),
            uploader("logo", B.upload_logo, "Upload logo"),
            spacing="3",
            align="center",
        ),
        rx.grid(
            biz("Company", "name"),
            biz("Industry", "industry"),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        biz("Website", "website", placeholder="example.com"),
        biz("Address", "address"),
        biz("What the business does", "description", area=True, max_length=1000),
    )


def services_block() -> rx.Component:
    """Services offered."""

    def row(item: rx.Var, i: rx.Var) -> rx.Component:
        return item_box(
            rx.hstack(
                rx.text("Service", size="1", color=styles.MUTED), rx.spacer(), item_tools("services", i), width="100%"
            ),
            rx.input(
                value=item["title"],
                placeholder="Title",
                debounce_timeout=0,
                width="100%",
                on_change=lambda v: B.set_item("services", i, "title", v),
            ),
            field_error(B.errors, "services." + i.to_string() + ".title"),
            rx.input(
                value=item["price_range"],
                placeholder="Price range, e.g. $100–$300",
                on_change=lambda v: B.set_item("services", i, "price_range", v),
                debounce_timeout=0,
            ),
            rx.text_area(
                value=item["description"],
                placeholder="Description",
                rows="2",
                on_change=lambda v: B.set_item("services", i, "description", v),
                debounce_timeout=0,
            ),
        )

    return block("Services", "briefcase", rx.foreach(B.services, row), add_button("Add a service", "services"))


def contacts_block() -> rx.Component:
    """Phones, emails and addresses."""

    def row(item: rx.Var, i: rx.Var) -> rx.Component:
        return item_box(
            rx.hstack(
                native_select(item["kind"], CONTACT_KINDS, lambda v: B.set_item("contacts", i, "kind", v)),
                rx.input(
                    value=item["label"],
                    placeholder="Label (work, mobile…)",
                    debounce_timeout=0,
                    on_change=lambda v: B.set_item("contacts", i, "label", v),
                    flex="1",
                ),
                item_tools("contacts", i),
                width="100%",
                align="center",
            ),
            rx.input(
                value=item["value"],
                placeholder="+44 20 7946 0958 / you@company.com",
                debounce_timeout=0,
                on_change=lambda v: B.set_item("contacts", i, "value", v),
                width="100%",
                class_name="contact-value",
            ),
            field_error(B.errors, "contacts." + i.to_string() + ".value"),
            rx.checkbox(
                "Preferred way to reach me",
                checked=item["preferred"] == "1",
                on_change=lambda c: B.set_preferred(i, c),
                size="1",
            ),
        )

    return block("Contact details", "phone", rx.foreach(B.contacts, row), add_button("Add contact detail", "contacts"))


def socials_block() -> rx.Component:
    """Social profiles."""

    def row(item: rx.Var, i: rx.Var) -> rx.Component:
        return item_box(
            rx.hstack(
                native_select(item["kind"], SOCIAL_KINDS, lambda v: B.set_item("socials", i, "kind", v)),
                rx.input(
                    value=item["url"],
                    placeholder="https://…",
                    debounce_timeout=0,
                    flex="1",
                    on_change=lambda v: B.set_item("socials", i, "url", v),
                    class_name="social-url",
                ),
                item_tools("socials", i),
                width="100%",
                align="center",
            ),
            field_error(B.errors, "socials." + i.to_string() + ".url"),
        )

    return block("Social links", "share-2", rx.foreach(B.socials, row), add_button("Add a link", "socials"))


def works_block() -> rx.Component:
    """Portfolio items."""

    def row(item: rx.Var, i: rx.Var) -> rx.Component:
        return item_box(
            rx.hstack(
                rx.cond(
                    item["image_url"],
                    rx.image(
                        src=item["image_url"], width="48px", height="48px", object_fit="cover", border_radius="8px"
                    ),
                ),
                rx.input(
                    value=item["title"],
                    placeholder="Title",
                    debounce_timeout=0,
                    flex="1",
                    on_change=lambda v: B.set_item("works", i, "title", v),
                ),
                item_tools("works", i),
                width="100%",
                align="center",
            ),
            field_error(B.errors, "works." + i.to_string() + ".title"),
            rx.input(
                value=item["link"],
                placeholder="Link (optional)",
                debounce_timeout=0,
                on_change=lambda v: B.set_item("works", i, "link", v),
            ),
            field_error(B.errors, "works." + i.to_string() + ".link"),
            rx.text_area(
                value=item["description"],
                placeholder="Description",
                rows="2",
                debounce_timeout=0,
                on_change=lambda v: B.set_item("works", i, "description", v),
            ),
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
    )


def tag_list(items: rx.Var, remove, form_handler, name: str, placeholder: str) -> rx.Component:
    """Removable tags with an input to add more."""
    return rx.vstack(
        rx.hstack(
            rx.foreach(
                items,
                lambda t, i: rx.badge(
                    t, rx.icon("x", size=12, cursor="pointer", on_click=remove(i)), size="2", variant="soft"
                ),
            ),
            wrap="wrap",
            spacing="2",
        ),
        rx.form(
            rx.hstack(
                rx.input(name=name, placeholder=placeholder, size="2", flex="1", id=f"f-{name}"),
                rx.button("Add", type="submit", size="2", variant="soft"),
            ),
            on_submit=form_handler,
            reset_on_submit=True,
            width="100%",
        ),
        spacing="2",
        width="100%",
    )


def interests_block() -> rx.Component:
    """Personal interests."""
    return block(
        "Personal interests",
        "heart",
        tag_list(B.interests, B.remove_interest, B.add_interest, "interest", "Sailing, jazz, chess…"),
    )


def networking_block() -> rx.Component:
    """What I offer, what I look for, how to meet."""
    return block(
        "Networking",
        "handshake",
        text_input(
            "What I offer",
            B.offer,
            lambda v: B.set_field("offer", v),
            key="networking.offer",
            area=True,
            max_length=500,
        ),
        text_input(
            "What I'm looking for",
            B.looking_for,
            lambda v: B.set_field("looking_for", v),
            key="networking.looking_for",
            area=True,
            max_length=500,
        ),
        rx.text("Open to", size="1", weight="medium", color=styles.MUTED),
        rx.hstack(
            *(
                rx.checkbox(label, checked=B.open_to.contains(key), on_change=lambda _c, k=key: B.toggle_open_to(k))
                for key, label in OPEN_TO
            ),
            spacing="4",
            wrap="wrap",
        ),
        rx.text("Industries I want to meet", size="1", weight="medium", color=styles.MUTED),
        tag_list(B.industries, B.remove_industry, B.add_industry, "industry", "Fintech, healthcare…"),
        rx.hstack(
            rx.text("Preferred meeting", size="2"),
            native_select(B.meeting_format, MEETING, lambda v: B.set_field("meeting_format", v)),
            align="center",
            spacing="3",
        ),
    )
