"""A live preview of the card being edited, drawn from the builder's state."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.state.builder import BuilderState as B

FONT_STACKS = {
    "inter": "Inter, -apple-system, 'Segoe UI', Roboto, sans-serif",
    "serif": "Georgia, 'Times New Roman', serif",
    "rounded": "'Nunito', 'Segoe UI', Roboto, sans-serif",
    "mono": "'JetBrains Mono', 'SFMono-Regular', Menlo, monospace",
}


def _font() -> rx.Var:
    """The CSS font stack of the chosen font."""
    return rx.match(B.font, *((k, v) for k, v in FONT_STACKS.items()), FONT_STACKS["inter"])


def _cover() -> rx.Component:
    """Cover image, or a gradient in the card colour; 'bold' makes it taller."""
    height = rx.match(B.template, ("bold", "150px"), ("minimal", "0px"), "110px")
    return rx.box(
        background=rx.cond(
            B.cover_url,
            "center / cover no-repeat url(" + B.cover_url + ")",
            "linear-gradient(135deg, " + B.color + ", #1e1b4b)",
        ),
        height=height,
        width="100%",
    )


def _section(title: str, *children: rx.Component, show: rx.Var) -> rx.Component:
    """A titled block, hidden when empty."""
    return rx.cond(
        show,
        rx.vstack(
            rx.text(
                title, size="1", weight="bold", color=styles.MUTED, text_transform="uppercase", letter_spacing="0.06em"
            ),
            *children,
            spacing="2",
            width="100%",
            align="start",
        ),
    )


def _contact(item: rx.Var) -> rx.Component:
    """One contact line with its icon."""
    # A match over fixed icons, not rx.icon(<var>): a computed icon name pulls in lucide's 240 KB dynamic icon map.
    icon = rx.match(
        item["kind"],
        ("phone", rx.icon("phone", size=14, color=B.color, flex_shrink="0")),
        ("email", rx.icon("mail", size=14, color=B.color, flex_shrink="0")),
        rx.icon("map-pin", size=14, color=B.color, flex_shrink="0"),
    )
    return rx.cond(
        item["value"],
        rx.hstack(
            icon,
            rx.text(item["value"], size="2", word_break="break-all"),
            # The label keeps its words; a long value breaks beside it.
            rx.cond(
                item["label"], rx.text(item["label"], size="1", color=styles.MUTED, flex_shrink="0", max_width="40%")
            ),
            spacing="2",
            align="center",
        ),
    )


def card_preview() -> rx.Component:
    """The whole preview card."""
    align = rx.cond(B.template == "modern", "start", "center")
    return rx.box(
        _cover(),
        rx.vstack(
            rx.avatar(
                src=B.avatar_url,
                fallback=rx.cond(B.name, B.name[:1], "?"),
                size="7",
                radius="full",
                margin_top=rx.cond(B.template == "minimal", "20px", "-48px"),
                border="4px solid white",
            ),
            rx.text(rx.cond(B.name, B.name, "Your name"), size="6", weight="bold", id="preview-name"),
            rx.cond(B.headline, rx.text(B.headline, size="3", color=styles.MUTED)),
            rx.cond(
                B.business["name"],
                rx.hstack(
                    rx.cond(
                        B.business["logo_url"],
                        rx.image(
                            src=B.business["logo_url"],
                            width="20px",
                            height="20px",
                            border_radius="4px",
                            object_fit="cover",
                        ),
                    ),
                    rx.text(B.business["name"], size="2", weight="medium"),
                    spacing="2",
                    align="center",
                ),
            ),
            rx.button(
                rx.icon("download", size=16), "Save contact", width="100%", size="3", style={"background": B.color}
            ),
            rx.cond(B.bio, rx.text(B.bio, size="2", white_space="pre-wrap")),
            _section("Contact", rx.foreach(B.contacts, _contact), show=B.contacts.length() > 0),
            _section(
                "Social",
                rx.hstack(
                    rx.foreach(B.socials, lambda s: rx.badge(s["kind"], variant="soft")), wrap="wrap", spacing="2"
                ),
                show=B.socials.length() > 0,
            ),
            _section(
                "Services",
                rx.foreach(
                    B.services,
                    lambda s: rx.box(
                        rx.hstack(
                            rx.text(s["title"], weight="medium", size="2", min_width="0"),
                            rx.spacer(),
                            rx.text(
                                s["price_range"],
                                size="1",
                                color=styles.MUTED,
                                flex_shrink="0",
                                max_width="45%",
                                text_align="right",
                            ),
                            width="100%",
                        ),
                        rx.text(s["description"], size="1", color=styles.MUTED),
                        width="100%",
                    ),
                ),
                show=B.services.length() > 0,
            ),
            _section(
                "Work",
                rx.grid(
                    rx.foreach(
                        B.works,
                        lambda w: rx.vstack(
                            rx.cond(
                                w["image_url"],
                                rx.image(
                                    src=w["image_url"],
                                    width="100%",
                                    height="72px",
                                    object_fit="cover",
                                    border_radius="8px",
                                ),
                            ),
                            rx.text(w["title"], size="1", weight="medium"),
                            spacing="1",
                        ),
                    ),
                    columns="2",
                    spacing="2",
                    width="100%",
                ),
                show=B.works.length() > 0,
            ),
            _section(
                "Interests",
                rx.hstack(
                    rx.foreach(B.interests, lambda i: rx.badge(i, variant="outline", style=styles.wrapping_badge)),
                    wrap="wrap",
                    spacing="2",
                ),
                show=B.interests.length() > 0,
            ),
            _section(
                "Open to",
                rx.hstack(
                    rx.foreach(B.open_to, lambda o: rx.badge(o, color_scheme="green", style=styles.wrapping_badge)),
                    wrap="wrap",
                    spacing="2",
                ),
                rx.cond(B.looking_for, rx.text("Looking for: ", B.looking_for, size="2")),
                show=(B.open_to.length() > 0) | (B.looking_for != ""),
            ),
            spacing="3",
            align=align,
            padding="0 20px 24px",
            width="100%",
        ),
        width="100%",
        max_width="380px",
        background="white",
        border_radius="18px",
        overflow="hidden",
        border=rx.cond(B.template == "bold", "2px solid " + B.color, styles.BORDER),
        box_shadow="0 18px 40px rgba(16,24,40,.12)",
        font_family=_font(),
        # Like the public card: a long word, address or link breaks inside the card rather than being cut off.
        overflow_wrap="anywhere",
        id="card-preview",
    )
