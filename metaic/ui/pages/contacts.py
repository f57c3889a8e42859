"""`/contacts` and `/contacts/view`: the contact book and one contact."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.compose import reach_out
from metaic.ui.components.contact_details import (
    delete_bar,
    edit_identity,
    follow_up_panel,
    meeting_form,
    suggestions_panel,
    tags_panel,
    timeline_panel,
    value_list,
)
from metaic.ui.components.contact_followup import card_summary_block, followup_plan_panel
from metaic.ui.components.contacts_dialogs import add_dialog, import_dialog, tags_dialog
from metaic.ui.components.contacts_list import contact_row, empty_state, filters_bar
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.contact_import import ImportState as Imp
from metaic.ui.state.contacts import ContactsState, ContactState

L = ContactsState
C = ContactState


def contacts_page() -> rx.Component:
    """The contact book."""
    return page(
        rx.cond(
            L.loaded & L.signed_in,
            rx.vstack(
                rx.flex(
                    rx.hstack(
                        rx.heading("Contacts", size="7"), rx.badge(L.total, size="2", variant="soft"), align="center"
                    ),
                    rx.spacer(),
                    rx.hstack(
                        rx.button(
                            rx.icon("download", size=14),
                            "Export vCard",
                            variant="soft",
                            id="export-vcard",
                            on_click=rx.download(url="/api/v1/contacts/export?format=vcard", filename="contacts.vcf"),
                        ),
                        rx.button(
                            "Google CSV",
                            variant="soft",
                            color_scheme="gray",
                            on_click=rx.download(
                                url="/api/v1/contacts/export?format=google", filename="contacts-google.csv"
                            ),
                        ),
                        rx.button(
                            rx.icon("tags", size=14),
                            "Tags",
                            variant="soft",
                            color_scheme="gray",
                            on_click=L.set_managing(True),
                            id="manage-tags",
                        ),
                        rx.button(
                            rx.icon("git-merge", size=14),
                            "Duplicates",
                            variant="soft",
                            color_scheme="gray",
                            on_click=rx.redirect("/contacts/duplicates"),
                            id="open-duplicates",
                        ),
                        rx.button(
                            rx.icon("upload", size=14),
                            "Import",
                            variant="soft",
                            on_click=Imp.set_importing(True),
                            id="import-contacts",
                        ),
                        rx.button(
                            rx.icon("scan-line", size=14),
                            "Scan a card",
                            variant="soft",
                            on_click=rx.redirect("/contacts/scan"),
                            id="scan-card",
                        ),
                        rx.button(
                            rx.icon("user-plus", size=14), "Add contact", on_click=L.set_adding(True), id="add-contact"
                        ),
                        spacing="2",
                        wrap="wrap",
                    ),
                    width="100%",
                    align="center",
                    spacing="3",
                    wrap="wrap",
                ),
                filters_bar(),
                rx.box(
                    rx.cond(L.rows.length() > 0, rx.foreach(L.rows, contact_row), empty_state()),
                    background=styles.CARD_BG,
                    border=styles.BORDER,
                    border_radius="16px",
                    overflow="hidden",
                    width="100%",
                ),
                rx.hstack(
                    rx.button("Previous", variant="soft", size="2", on_click=L.go(-1), disabled=L.page == 0),
                    rx.text("Page ", L.page + 1, " of ", L.pages, size="2", color=styles.MUTED),
                    rx.button("Next", variant="soft", size="2", on_click=L.go(1), disabled=L.page + 1 >= L.pages),
                    justify="center",
                    align="center",
                    width="100%",
                    spacing="3",
                ),
                add_dialog(),
                import_dialog(),
                tags_dialog(),
                spacing="4",
                width="100%",
            ),
            loading_block(),
        ),
    )


def _scanned_card() -> rx.Component:
    """The photo of their paper card, kept with the contact; opens full size."""
    return rx.link(
        rx.image(
            src=C.photo_url,
            alt="Photo of their business card",
            width="100%",
            max_height="220px",
            object_fit="contain",
            border=styles.BORDER,
            border_radius="12px",
            background="white",
        ),
        rx.text("Scanned card · open full size", size="1", color=styles.MUTED),
        href=C.photo_full_url,
        is_external=True,
        id="contact-photo",
        width="100%",
    )


def _identity_card() -> rx.Component:
    """Name, source, their card, the details (flagged values marked) or the edit form, and tags."""
    return rx.vstack(
        rx.hstack(
            rx.avatar(
                src=rx.cond(C.photo_is_card, "", C.photo_url),
                fallback=C.name[:1],
                size="5",
                radius="full",
                id="avatar",
                flex_shrink="0",
            ),
            rx.vstack(
                rx.heading(C.name, size="6", id="contact-heading", overflow_wrap="anywhere"),
                rx.text(C.subtitle, color=styles.MUTED, overflow_wrap="anywhere"),
                spacing="1",
                min_width="0",
            ),
            align="center",
            spacing="3",
            width="100%",
        ),
        rx.hstack(
            rx.badge(C.source, variant="outline", id="contact-source"),
            rx.cond(C.linked_card, rx.badge("MetaIC card", color_scheme="indigo")),
            spacing="2",
            wrap="wrap",
        ),
        rx.cond(
            C.card_slug != "",
            rx.link(
                rx.hstack(
                    rx.icon("id-card", size=14, flex_shrink="0"),
                    rx.text("Their card: ", C.card_headline, size="2", overflow_wrap="anywhere"),
                    align="center",
                ),
                href="/c/" + C.card_slug,
                is_external=True,
                id="their-card",
            ),
        ),
        rx.cond(C.card_slug != "", card_summary_block()),
        rx.cond(C.photo_is_card, _scanned_card()),
        rx.cond(
            C.editing,
            edit_identity(),
            rx.vstack(
                value_list("Email", C.emails, "mail"),
                value_list("Phone", C.phones, "phone"),
                value_list("Links", C.links, "link"),
                value_list("Address", C.addresses, "map-pin"),
                value_list("Birthday", C.birthday, "cake"),
                rx.button(
                    rx.icon("pencil", size=14),
                    "Edit details",
                    size="1",
                    variant="soft",
                    on_click=C.set_editing(True),
                    id="edit-details",
                ),
                spacing="3",
                align="start",
                max_width="100%",
            ),
        ),
        tags_panel(),
        style=styles.card_style,
        spacing="3",
        align="start",
        width=rx.breakpoints(initial="100%", md="320px"),
        flex_shrink="0",
    )


def contact_view() -> rx.Component:
    """One contact."""
    return page(
        rx.cond(
            C.loaded & C.signed_in & (C.contact_id != ""),
            rx.vstack(
                rx.link(
                    rx.hstack(rx.icon("arrow-left", size=14), rx.text("All contacts", size="2")),
                    href="/contacts",
                    color=styles.MUTED,
                ),
                rx.flex(
                    _identity_card(),
                    rx.vstack(
                        suggestions_panel(),
                        followup_plan_panel(),
                        reach_out(),
                        follow_up_panel(),
                        rx.vstack(rx.heading("Meeting and notes", size="4"), meeting_form(), style=styles.card_style),
                        timeline_panel(),
                        delete_bar(),
                        spacing="4",
                        flex="1",
                        width="100%",
                        min_width="0",
                    ),
                    direction=rx.breakpoints(initial="column", md="row"),
                    spacing="4",
                    width="100%",
                    align="start",
                ),
                spacing="4",
                width="100%",
            ),
            loading_block(),
        ),
    )
