"""`/cards/edit?id=...`: the card builder with a live preview, design, sharing and history."""

from __future__ import annotations

import reflex as rx

from metaic.cards.schemas import max_chars
from metaic.ui import styles
from metaic.ui.components import builder_lists as lists
from metaic.ui.components import builder_sections as sec
from metaic.ui.components.builder_ai import write_panel
from metaic.ui.components.builder_directory import directory_block
from metaic.ui.components.builder_header import header, not_found_block
from metaic.ui.components.card_preview import card_preview
from metaic.ui.components.forms import field_error
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.builder import BuilderState as B

COLORS = ["#4f46e5", "#0ea5e9", "#059669", "#d97706", "#dc2626", "#db2777", "#111827", "#7c3aed"]
FONTS = [
    ("inter", "Inter (clean)"),
    ("serif", "Serif (classic)"),
    ("rounded", "Rounded (friendly)"),
    ("mono", "Mono (technical)"),
]
VISIBILITY_CHOICES = [
    ("public", "Public: anyone with the link; search engines may list it."),
    ("unlisted", "Unlisted: only people with the link; hidden from search engines."),
    ("private", "Private: only you."),
]


def content_tab() -> rx.Component:
    """Every content section."""
    return rx.vstack(
        sec.profile_block(),
        write_panel(),
        sec.business_block(),
        lists.contacts_block(),
        lists.socials_block(),
        lists.services_block(),
        lists.works_block(),
        sec.interests_block(),
        sec.networking_block(),
        spacing="4",
        width="100%",
    )


def design_tab() -> rx.Component:
    """Template, colour and font."""
    template_tile = lambda t: rx.box(  # noqa: E731 - a tiny row renderer
        rx.text(t["label"], weight="bold"),
        rx.text(t["description"], size="1", color=styles.MUTED),
        padding="12px",
        border_radius="12px",
        cursor="pointer",
        on_click=B.set_field("template", t["key"]),
        border=rx.cond(B.template == t["key"], "2px solid " + B.color, styles.BORDER),
        background=rx.cond(B.template == t["key"], "var(--indigo-a2)", "transparent"),
        class_name="template-tile",
    )
    return rx.vstack(
        sec.block(
            "Template",
            "layout-template",
            rx.grid(rx.foreach(B.templates, template_tile), columns="2", spacing="3", width="100%"),
            description="Switching template keeps all your content.",
            key="theme.template",
        ),
        sec.block(
            "Colour",
            "palette",
            rx.hstack(
                *(
                    rx.box(
                        width="32px",
                        height="32px",
                        border_radius="50%",
                        background=c,
                        cursor="pointer",
                        on_click=B.set_field("color", c),
                        border=rx.cond(B.color == c, "3px solid var(--gray-12)", "3px solid white"),
                        box_shadow="0 0 0 1px var(--gray-a6)",
                    )
                    for c in COLORS
                ),
                rx.input(
                    value=B.color,
                    on_change=lambda v: B.set_field("color", v),
                    width="110px",
                    debounce_timeout=0,
                    placeholder="#4f46e5",
                    id="f-theme.color",
                    max_length=max_chars("theme.color"),
                    **sec.invalid("theme.color"),
                ),
                wrap="wrap",
                spacing="2",
                align="center",
            ),
            field_error(B.errors, "theme.color"),
        ),
        sec.block("Font", "type", sec.native_select(B.font, FONTS, lambda v: B.set_field("font", v)), key="theme.font"),
        spacing="4",
        width="100%",
    )


def share_tab() -> rx.Component:
    """Address, visibility, QR code and downloads."""
    qr = B.public_url + "/qr.svg"
    return rx.vstack(
        sec.block(
            "Address",
            "link",
            rx.hstack(
                rx.text(B.public_url.split("/c/")[0] + "/c/", size="2", color=styles.MUTED),
                rx.input(
                    value=B.slug_input,
                    on_change=lambda v: B.set_field("slug_input", v),
                    debounce_timeout=0,
                    id="f-slug",
                    flex="1",
                    **sec.invalid("slug"),
                ),
                rx.button("Save", on_click=B.save_slug, variant="soft", id="save-slug"),
                align="center",
                width="100%",
                wrap="wrap",
            ),
            field_error(B.errors, "slug"),
            description="Changing it keeps the old address working; it redirects to the new one.",
        ),
        sec.block(
            "Who can see it",
            "eye",
            rx.radio_group.root(
                rx.vstack(
                    *(
                        rx.hstack(
                            rx.radio_group.item(value=key, id=f"vis-{key}"),
                            rx.text(text, size="2"),
                            align="center",
                            spacing="2",
                            as_="label",
                        )
                        for key, text in VISIBILITY_CHOICES
                    ),
                    spacing="2",
                ),
                value=B.visibility,
                on_change=B.set_visibility,
            ),
        ),
        directory_block(),
        sec.block(
            "QR code",
            "qr-code",
            rx.cond(
                B.status != "draft",
                rx.flex(
                    rx.image(
                        src=qr,
                        width="180px",
                        height="180px",
                        alt="QR code of your card",
                        id="qr-image",
                        border=styles.BORDER,
                        border_radius="12px",
                        background="white",
                    ),
                    rx.vstack(
                        rx.text("Scans open your card. Print it on badges, flyers or your desk.", size="2"),
                        rx.button(
                            "Download PNG",
                            variant="soft",
                            on_click=rx.download(url=B.public_url + "/qr.png?size=1024", filename="qr.png"),
                        ),
                        rx.button("Download SVG", variant="soft", on_click=rx.download(url=qr, filename="qr.svg")),
                        rx.button(
                            "Offline QR (contact inside)",
                            variant="outline",
                            on_click=rx.download(
                                url=B.public_url + "/qr.png?payload=vcard&size=1024", filename="qr-vcard.png"
                            ),
                        ),
                        spacing="2",
                    ),
                    spacing="5",
                    direction=rx.breakpoints(initial="column", sm="row"),
                ),
                rx.text("Publish the card to get its QR code.", color=styles.MUTED, size="2"),
            ),
        ),
        rx.cond(
            B.status != "draft",
            rx.button("Unpublish", color_scheme="red", variant="soft", on_click=B.unpublish, width="fit-content"),
        ),
        spacing="4",
        width="100%",
    )


def history_tab() -> rx.Component:
    """Published versions: compare and restore."""

    def row(v: rx.Var) -> rx.Component:
        return rx.hstack(
            rx.hstack(
                rx.badge("v", v["number"], size="2"),
                rx.vstack(
                    rx.text(v["name"], size="2", weight="medium", overflow_wrap="anywhere"),
                    rx.text(v["published"], size="1", color=styles.MUTED),
                    spacing="0",
                    min_width="0",
                ),
                align="center",
                flex="1 1 auto",
                min_width="0",
            ),
            # A long card name takes the line and the buttons go under it (on a phone).
            rx.hstack(
                rx.button("Compare", size="1", variant="soft", on_click=B.compare(v["number"])),
                rx.button(
                    "Restore",
                    size="1",
                    variant="outline",
                    on_click=B.restore(v["number"]),
                    class_name="restore-version",
                ),
                spacing="2",
                margin_left="auto",
            ),
            width="100%",
            wrap="wrap",
            align="center",
            padding_y="8px",
            border_bottom=styles.BORDER,
            class_name="version-row",
        )

    diff = rx.cond(
        B.diff_rows.length() > 0,
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Field"),
                        rx.table.column_header_cell("That version"),
                        rx.table.column_header_cell("Newest version"),
                    )
                ),
                rx.table.body(
                    rx.foreach(
                        B.diff_rows,
                        lambda d: rx.table.row(
                            rx.table.cell(d["field"]), rx.table.cell(d["before"]), rx.table.cell(d["after"])
                        ),
                    )
                ),
                variant="surface",
                width="100%",
            ),
            overflow_x="auto",
            width="100%",
        ),
    )
    return sec.block(
        "Version history",
        "history",
        rx.cond(
            B.versions.length() == 0,
            rx.text(
                "Nothing published yet. Each publish saves a version you can come back to.",
                size="2",
                color=styles.MUTED,
            ),
        ),
        rx.vstack(rx.foreach(B.versions, row), spacing="0", width="100%"),
        diff,
        description="Restoring copies a version into your draft; publish to make it live.",
    )


def editor() -> rx.Component:
    """The header, the tabs and the live preview of the card being edited."""
    return rx.vstack(
        header(),
        rx.cond(
            B.errors.contains("form"),
            rx.callout(B.errors["form"], icon="triangle-alert", color_scheme="red", width="100%"),
        ),
        rx.flex(
            rx.box(
                rx.tabs.root(
                    rx.tabs.list(
                        rx.tabs.trigger("Content", value="content"),
                        rx.tabs.trigger("Design", value="design", id="tab-design"),
                        rx.tabs.trigger("Share", value="share", id="tab-share"),
                        rx.tabs.trigger("History", value="history", id="tab-history"),
                    ),
                    rx.tabs.content(content_tab(), value="content", padding_top="16px"),
                    rx.tabs.content(design_tab(), value="design", padding_top="16px"),
                    rx.tabs.content(share_tab(), value="share", padding_top="16px"),
                    rx.tabs.content(history_tab(), value="history", padding_top="16px"),
                    value=B.tab,
                    on_change=B.set_tab,
                    width="100%",
                ),
                flex="1",
                min_width="0",
                width="100%",
            ),
            rx.box(
                rx.text(
                    "Live preview",
                    size="1",
                    weight="bold",
                    color=styles.MUTED,
                    margin_bottom="8px",
                    text_transform="uppercase",
                    letter_spacing="0.06em",
                ),
                card_preview(),
                position=rx.breakpoints(initial="static", md="sticky"),
                top="88px",
                width=rx.breakpoints(initial="100%", md="380px"),
                flex_shrink="0",
            ),
            direction=rx.breakpoints(initial="column", md="row"),
            spacing="6",
            width="100%",
            align="start",
        ),
        spacing="4",
        width="100%",
        id="builder",
        # Read by assets/builder.js: the browser warns before leaving while this is "1".
        custom_attrs={"data-unsaved": rx.cond(B.unsaved, "1", "0")},
        style=sec.INVALID_STYLE,
    )


def builder() -> rx.Component:
    """The builder page: the editor, or a clear not-found page for an id that is not the user's card."""
    return page(
        rx.cond(
            B.missing,
            not_found_block(),
            rx.cond(B.loaded & B.signed_in & (B.card_id != ""), editor(), loading_block()),
        ),
        width=styles.CONTENT_WIDTH,
    )
