"""The builder's form pieces and its single-value sections (profile, business, interests, networking)."""

from __future__ import annotations

import reflex as rx

from metaic.cards.schemas import INDUSTRY_CHARS, INTEREST_CHARS, max_chars
from metaic.ui import styles
from metaic.ui.components.forms import field_error
from metaic.ui.state.builder import BuilderState as B

OPEN_TO = [("mentoring", "Mentoring"), ("hiring", "Hiring"), ("investing", "Investing"), ("partnering", "Partnering")]
MEETING = [("any", "Any format"), ("in_person", "In person"), ("video", "Video call"), ("phone", "Phone call")]
# A field that needs a fix before publishing: a red frame on top of Radix's own border (set on the builder's root).
INVALID_STYLE = {
    "& .field-invalid": {"box_shadow": "inset 0 0 0 2px var(--red-9)", "border_radius": "var(--radius-2)"},
    "& .item-invalid": {"border_color": "var(--red-8) !important"},
}


def invalid(key: str | rx.Var) -> dict:
    """Props that mark an input whose field (an error key like `works.1.title`) needs a fix."""
    bad = B.errors.contains(key)
    return {
        "class_name": rx.cond(bad, "field-invalid", ""),
        "custom_attrs": {"aria-invalid": rx.cond(bad, "true", "false")},
    }


def block(title: str, icon: str, *children: rx.Component, description: str = "", key: str = "") -> rx.Component:
    """A titled card holding one section of the form (`key`: the document section, for moving to its errors)."""
    return rx.vstack(
        rx.hstack(rx.icon(icon, size=18, color=styles.ACCENT), rx.heading(title, size="4"), align="center"),
        rx.text(description, size="2", color=styles.MUTED) if description else rx.fragment(),
        *children,
        spacing="3",
        style=styles.card_style,
        align="stretch",
        id=f"f-{key}" if key else None,
    )


def text_input(
    label: str, value: rx.Var, on_change, *, key: str, placeholder: str = "", area: bool = False, **extra
) -> rx.Component:
    """A labelled input that reports every keystroke (no debounce) for a live preview; its limit is the schema's."""
    widget = rx.text_area if area else rx.input
    return rx.vstack(
        rx.text(label, size="1", weight="medium", color=styles.MUTED, as_="label", html_for=f"f-{key}"),
        widget(
            value=value,
            on_change=on_change,
            placeholder=placeholder,
            width="100%",
            max_length=max_chars(key),
            debounce_timeout=0,
            id=f"f-{key}",
            rows="3" if area else None,
            color_scheme=rx.cond(B.errors.contains(key), "red", "indigo"),
            **invalid(key),
            **extra,
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


def uploader(upload_id: str, handler, label: str) -> rx.Component:
    """A small drop zone that uploads as soon as a file is chosen ("Checking file…" while a virus scan holds one)."""
    idle = rx.hstack(rx.icon("image-up", size=16), rx.text(label, size="2"), align="center", spacing="2")
    checking = rx.hstack(
        rx.spinner(size="1"),
        rx.text("Checking file…", size="2", color_scheme="gray"),
        align="center",
        spacing="2",
        class_name="upload-checking",
        title="The file is being scanned for viruses; it appears here once it is clean.",
    )
    return rx.upload(
        rx.cond(B.checking_purposes.contains(upload_id), checking, idle),
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
        text_input("Full name", B.name, lambda v: B.set_field("name", v), key="name", placeholder="Ada Lovelace"),
        text_input(
            "Headline",
            B.headline,
            lambda v: B.set_field("headline", v),
            key="headline",
            placeholder="Founder at Analytical Engines",
        ),
        text_input("About you", B.bio, lambda v: B.set_field("bio", v), key="bio", area=True),
    )


def business_block() -> rx.Component:
    """The business behind the card."""

    def biz(label: str, key: str, **kw) -> rx.Component:
        return text_input(label, B.business[key], lambda v: B.set_business(key, v), key=f"business.{key}", **kw)

    def suggested(label: str, key: str, field: str) -> rx.Component:
        """A business field with autocomplete: the typed text is saved at once, suggestions after a pause."""
        return rx.box(
            text_input(
                label,
                B.business[key],
                lambda v: [B.set_business(key, v), B.suggest(field, v).debounce(300)],
                key=f"business.{key}",
                list=f"{field}-suggestions",
                auto_complete="off",
            ),
            suggestions(field),
            width="100%",
        )

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
            suggested("Company", "name", "company"),
            suggested("Industry", "industry", "industry"),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        biz("Website", "website", placeholder="example.com"),
        biz("Address", "address"),
        biz("What the business does", "description", area=True),
        key="business",
    )


def suggestions(field: str) -> rx.Component:
    """The datalist an input with `list="<field>-suggestions"` offers (filled by BuilderState.suggest)."""
    return rx.el.datalist(
        rx.foreach(getattr(B, f"{field}_suggestions"), lambda v: rx.el.option(value=v)), id=f"{field}-suggestions"
    )


def tag_list(
    items: rx.Var,
    remove,
    form_handler,
    name: str,
    placeholder: str,
    *,
    error_key: str,
    max_length: int,
    suggest: str = "",
) -> rx.Component:
    """Removable tags with an input to add more (marked tags need a fix: a repeat, an empty one)."""
    return rx.vstack(
        rx.hstack(
            rx.foreach(
                items,
                lambda t, i: rx.badge(
                    t,
                    rx.icon("x", size=12, cursor="pointer", on_click=remove(i), flex_shrink="0"),
                    size="2",
                    variant="soft",
                    color_scheme=rx.cond(B.errors.contains(error_key + "." + i.to_string()), "red", "indigo"),
                    id="f-" + error_key + "." + i.to_string(),
                    style=styles.wrapping_badge,
                ),
            ),
            wrap="wrap",
            spacing="2",
        ),
        rx.form(
            rx.hstack(
                rx.input(
                    name=name,
                    placeholder=placeholder,
                    size="2",
                    flex="1",
                    id=f"f-{name}",
                    max_length=max_length,
                    **(
                        {
                            "list": f"{suggest}-suggestions",
                            "auto_complete": "off",
                            "on_change": lambda v: B.suggest(suggest, v).debounce(300),
                        }
                        if suggest
                        else {}
                    ),
                ),
                rx.button("Add", type="submit", size="2", variant="soft"),
            ),
            on_submit=form_handler,
            reset_on_submit=True,
            width="100%",
        ),
        field_error(B.errors, error_key),
        rx.foreach(
            items,
            lambda _t, i: field_error_at(error_key + "." + i.to_string()),
        ),
        spacing="2",
        width="100%",
    )


def field_error_at(key: rx.Var) -> rx.Component:
    """The error message for a field whose key is only known in the browser (a list item)."""
    return rx.cond(B.errors.contains(key), rx.text(B.errors[key], style=styles.field_error, id="error-" + key))


def interests_block() -> rx.Component:
    """Personal interests."""
    return block(
        "Personal interests",
        "heart",
        tag_list(
            B.interests,
            B.remove_interest,
            B.add_interest,
            "interest",
            "Sailing, jazz, chess…",
            error_key="interests",
            max_length=INTEREST_CHARS,
        ),
        key="interests",
    )


def networking_block() -> rx.Component:
    """What I offer, what I look for, how to meet."""
    return block(
        "Networking",
        "handshake",
        text_input("What I offer", B.offer, lambda v: B.set_field("offer", v), key="networking.offer", area=True),
        text_input(
            "What I'm looking for",
            B.looking_for,
            lambda v: B.set_field("looking_for", v),
            key="networking.looking_for",
            area=True,
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
        tag_list(
            B.industries,
            B.remove_industry,
            B.add_industry,
            "industry",
            "Fintech, healthcare…",
            error_key="networking.industries",
            max_length=INDUSTRY_CHARS,
            suggest="industry",
        ),
        rx.hstack(
            rx.text("Preferred meeting", size="2"),
            native_select(B.meeting_format, MEETING, lambda v: B.set_field("meeting_format", v)),
            align="center",
            spacing="3",
        ),
        key="networking",
    )
