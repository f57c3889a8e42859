"""The builder's directory setting: whether (and to whom) the published card shows in the MetaIC directory."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.builder_sections import block
from metaic.ui.state.builder import BuilderState as B

CHOICES = [
    ("off", "Off", "Not listed. People reach your card only through its link or QR code."),
    ("members", "Members", "Signed-in MetaIC members can find you by name, company, industry and what you offer."),
    ("public", "Public", "Anyone can find you at /directory, search engines included."),
]


def directory_block() -> rx.Component:
    """The three choices with what each means; saved at once (only a published, public card is ever listed)."""
    return block(
        "Show in the MetaIC directory",
        "book-user",
        rx.radio_group.root(
            rx.vstack(
                *(
                    rx.hstack(
                        rx.radio_group.item(value=key, id=f"directory-{key}"),
                        rx.vstack(
                            rx.text(title, size="2", weight="medium"),
                            rx.text(text, size="1", color=styles.MUTED),
                            spacing="0",
                        ),
                        align="start",
                        spacing="2",
                        as_="label",
                    )
                    for key, title, text in CHOICES
                ),
                spacing="3",
            ),
            value=B.directory_listing,
            on_change=B.set_directory_listing,
            id="directory-listing",
        ),
        rx.cond(
            (B.directory_listing != "off") & ((B.status == "draft") | (B.visibility != "public")),
            rx.callout(
                "Only published cards that anyone with the link may see are listed: publish it and set "
                "“Who can see it” to Public.",
                icon="info",
                size="1",
                color_scheme="amber",
            ),
        ),
        rx.link("Open the directory", href="/directory", size="2", is_external=True, width="fit-content"),
        description="Off by default. Unpublishing the card, or choosing Off, takes it out of the directory in seconds.",
        key="directory_listing",
    )
