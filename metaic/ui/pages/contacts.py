"""`/contacts` and `/contacts/view`: the contact book and one contact."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.compose import reach_out
from metaic.ui.components.forms import field, form_banner
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.contact_import import ImportState as Imp
from metaic.ui.state.contacts import STAGES, ContactsState, ContactState

L = ContactsState
C = ContactState
STAGE_COLORS = (("new", "gray"), ("warm", "amber"), ("client", "green"), ("partner", "indigo"))
SOURCES = [
    ("", "Any source"),
    ("card", "Saved card"),
    ("share_back", "Shared back"),
    ("import", "Imported"),
    ("manual", "Added by hand"),
]
SORTS = [("name", "Name A–Z"), ("-created", "Newest first"), ("-last_contacted", "Recently contacted")]


def _select(name: str, options: list[tuple[str, str]], value=None) -> rx.Component:
    """A small native select for filters."""
    return rx.el.select(
        *(rx.el.option(label, value=key) for key, label in options),
        name=name,
        id=f"filter-{name}",
        default_value=value,
        style={
            "padding": "6px 8px",
            "border_radius": "8px",
            "border": styles.BORDER,
            "height": "36px",
            "background": "var(--color-surface)",
            "font_size": "14px",
        },
    )


def filters_bar() -> rx.Component:
    """Search box, filters and sort; applied together."""
    return rx.form(
        rx.flex(
            rx.input(
                name="query",
                placeholder="Search name, company, email, phone…",
                id="contact-search",
                flex="1",
                min_width="220px",
                size="2",
            ),
            rx.input(name="event", placeholder="Met at (event)", id="filter-event", width="160px", size="2"),
            _select("stage", [("", "Any stage"), *((s, s.title()) for s in STAGES)]),
            _select("source", SOURCES),
            rx.el.select(
                rx.el.option("Any tag", value=""),
                rx.foreach(L.tag_options, lambda t: rx.el.option(t["name"], value=t["id"])),
                name="tag_id",
                style={
                    "padding": "6px 8px",
                    "border_radius": "8px",
                    "border": styles.BORDER,
                    "height": "36px",
                    "background": "var(--color-surface)",
                },
            ),
            _select("sort", SORTS),
            rx.hstack(rx.checkbox(name="due_only"), rx.text("Reminder due", size="2"), as_="label", align="center"),
            rx.button("Apply", type="submit", variant="soft", id="apply-filters"),
            gap="2",
            wrap="wrap",
            align="center",
            width="100%",
        ),
        on_submit=L.search,
        reset_on_submit=False,
        width="100%",
    )


def contact_row(row: rx.Var) -> rx.Component:
    """One contact in the list."""
    return rx.link(
        rx.hstack(
            rx.avatar(fallback=row["name"][:1], size="3", radius="full"),
            rx.vstack(
                rx.text(row["name"], weight="bold", class_name="contact-name"),
                rx.text(row["subtitle"], size="1", color=styles.MUTED),
                spacing="0",
                flex="1",
                min_width="0",
            ),
            rx.text(row["email"], size="2", color=styles.MUTED, display=["none", "none", "block"]),
            rx.badge(row["stage"], color_scheme=rx.match(row["stage"], *STAGE_COLORS, "gray")),
            rx.badge(row["source"], variant="outline", display=["none", "inline-flex"]),
            align="center",
            spacing="3",
            width="100%",
            padding="12px 16px",
            border_bottom=styles.BORDER,
            _hover={"background": "var(--gray-a2)"},
        ),
        href="/contacts/view?id=" + row["id"],
        underline="none",
        color="inherit",
        class_name="contact-row",
    )


def add_dialog() -> rx.Component:
    """Add a contact by hand."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Add a contact"),
            rx.form(
                rx.vstack(
                    form_banner(L.errors),
                    field("Name", "full_name", L.errors, placeholder="Grace Hopper", auto_focus=True),
                    rx.grid(
                        field("Company", "company", L.errors),
                        field("Title", "title", L.errors),
                        columns="2",
                        spacing="3",
                        width="100%",
                    ),
                    field("Email", "email", L.errors, type="email"),
                    field("Phone", "phone", L.errors, type="tel", placeholder="+44 20 7946 0958"),
                    field("Where you met", "event", L.errors, placeholder="Web Summit 2026"),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
                        rx.button("Add contact", type="submit", id="add-contact-submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    padding_top="8px",
                ),
                on_submit=L.add,
                reset_on_submit=False,
            ),
            max_width="480px",
        ),
        open=L.adding,
        on_open_change=L.set_adding,
    )


def import_dialog() -> rx.Component:
    """Upload a vCard or Google/Outlook CSV file; progress and the refused rows are shown as it runs."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Import contacts"),
            rx.dialog.description(
                "vCard (.vcf, from iPhone, Android or Outlook), Google Contacts CSV or Outlook "
                "CSV. Known people are merged, not duplicated.",
                size="2",
            ),
            rx.vstack(
                rx.upload(
                    rx.vstack(
                        rx.icon("file-up", size=22),
                        rx.text("Drop a file here, or click to choose", size="2"),
                        align="center",
                        spacing="2",
                    ),
                    id="contacts-file",
                    max_files=1,
                    multiple=False,
                    on_drop=Imp.upload(rx.upload_files(upload_id="contacts-file")),
                    border="1px dashed var(--gray-a7)",
                    border_radius="12px",
                    padding="24px",
                    width="100%",
                    cursor="pointer",
                ),
                rx.cond(
                    Imp.import_error != "",
                    rx.callout(Imp.import_error, icon="triangle-alert", color_scheme="red", id="import-error"),
                ),
                rx.cond(
                    (Imp.job_id != "") & (Imp.summary == "") & (Imp.import_error == ""),
                    rx.vstack(
                        rx.text("Importing… ", Imp.processed, " of ", Imp.total, size="2"),
                        rx.progress(value=rx.cond(Imp.total > 0, Imp.processed * 100 // Imp.total, 0), width="100%"),
                        width="100%",
                    ),
                ),
                rx.cond(
                    Imp.summary != "",
                    rx.callout(Imp.summary, icon="circle-check", color_scheme="green", id="import-summary"),
                ),
                rx.foreach(
                    Imp.report_rows,
                    lambda r: rx.text(
                        "Row ", r["row"], ": ", r["reason"], size="1", color=styles.DANGER, class_name="import-refused"
                    ),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button("Close", variant="soft", on_click=ContactsState.load)),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                padding_top="8px",
                width="100%",
            ),
            max_width="520px",
        ),
        open=Imp.importing,
        on_open_change=Imp.set_importing,
    )


def tags_dialog() -> rx.Component:
    """Rename tags, or merge one into another."""

    def tag_row(tag: rx.Var) -> rx.Component:
        return rx.vstack(
            rx.form(
                rx.hstack(
                    rx.el.input(type="hidden", name="tag_id", value=tag["id"]),
                    rx.input(name="name", default_value=tag["name"], size="2", flex="1", class_name="tag-name"),
                    rx.button("Rename", size="2", variant="soft", type="submit", class_name="rename-tag"),
                    width="100%",
                ),
                on_submit=L.rename_tag,
                reset_on_submit=False,
                width="100%",
            ),
            rx.form(
                rx.hstack(
                    rx.el.input(type="hidden", name="tag_id", value=tag["id"]),
                    rx.text("Merge into", size="1", color=styles.MUTED),
                    rx.el.select(
                        rx.foreach(L.tag_options, lambda o: rx.el.option(o["name"], value=o["id"])),
                        name="keep_id",
                        style={"padding": "4px", "border_radius": "6px"},
                    ),
                    rx.button("Merge", size="1", variant="ghost", type="submit"),
                    align="center",
                    spacing="2",
                ),
                on_submit=L.merge_tag,
                reset_on_submit=False,
            ),
            spacing="1",
            width="100%",
            padding_y="8px",
            border_bottom=styles.BORDER,
        )

    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Tags"),
            rx.cond(
                L.tag_options.length() == 0,
                rx.text("No tags yet: add them on a contact.", size="2", color=styles.MUTED),
            ),
            rx.foreach(L.tag_options, tag_row),
            rx.hstack(
                rx.dialog.close(rx.button("Close", variant="soft")), justify="end", width="100%", padding_top="8px"
            ),
            max_width="480px",
        ),
        open=L.managing_tags,
        on_open_change=L.set_managing,
    )


def empty_state() -> rx.Component:
    """No contacts (or none matching)."""
    return rx.vstack(
        rx.center(
            rx.icon("users", size=28, color=styles.ACCENT),
            width="56px",
            height="56px",
            border_radius="14px",
            background="var(--indigo-3)",
        ),
        rx.heading("No contacts here yet", size="5"),
        rx.text(
            "People who share their details on your card, cards you save, and contacts you import or add appear here.",
            color=styles.MUTED,
            text_align="center",
            max_width="460px",
        ),
        align="center",
        spacing="3",
        padding_y="48px",
        width="100%",
    )


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
                            rx.icon("user-plus", size=14), "Add contact", on_click=L.set_adding(True), id="add-contact"
                        ),
                        spacing="2",
                        wrap="wrap",
                    ),
                    width="100%",
                    align="center",
                    gap="3",
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


def _lines(title: str, items, icon: str) -> rx.Component:
    """A titled list of values (emails, phones, links)."""
    return rx.cond(
        items.length() > 0,
        rx.vstack(
            rx.text(title, size="1", weight="bold", color=styles.MUTED, text_transform="uppercase"),
            rx.foreach(
                items,
                lambda v: rx.hstack(rx.icon(icon, size=14, color=styles.MUTED), rx.text(v, size="2"), align="center"),
            ),
            spacing="1",
        ),
    )


def edit_identity() -> rx.Component:
    """Edit name, company, title, and emails/phones/links one per line."""

    def area(label: str, name: str, value) -> rx.Component:
        return rx.vstack(
            rx.text(label, size="2", weight="medium"),
            rx.text_area(name=name, default_value=value, rows="3", width="100%", id=f"edit-{name}"),
            field_error_any(name),
            spacing="1",
            width="100%",
        )

    return rx.form(
        rx.vstack(
            field("Name", "full_name", C.errors, default_value=C.name),
            field("Company", "company", C.errors, default_value=C.company),
            field("Title", "title", C.errors, default_value=C.title),
            area("Emails (one per line)", "emails", C.emails_text),
            area("Phones (one per line)", "phones", C.phones_text),
            area("Links (one per line)", "links", C.links_text),
            rx.hstack(
                rx.button("Cancel", variant="soft", color_scheme="gray", type="button", on_click=C.set_editing(False)),
                rx.button("Save", type="submit", id="save-identity"),
                justify="end",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=C.save_identity,
        reset_on_submit=False,
        width="100%",
    )


def field_error_any(prefix: str) -> rx.Component:
    """The first error for a list field (`emails.0`, `emails.1`, …)."""
    return rx.foreach(
        C.errors.keys(),
        lambda k: rx.cond(
            k.startswith(prefix), rx.text(C.errors[k], style=styles.field_error, class_name="field-error")
        ),
    )


def contact_view() -> rx.Component:
    """One contact."""
    details = rx.form(
        rx.vstack(
            rx.hstack(
                rx.text("Stage", size="2", weight="medium"),
                rx.el.select(
                    *(rx.el.option(s.title(), value=s) for s in STAGES),
                    name="stage",
                    default_value=C.stage,
                    key=C.stage,
                    id="contact-stage",
                    style={"padding": "6px 8px", "border_radius": "8px", "border": styles.BORDER},
                ),
                align="center",
                spacing="3",
            ),
            field("Event", "event", C.errors, default_value=C.event, key=C.event),
            field("Place", "place", C.errors, default_value=C.place, key=C.place),
            field("How we met", "how_we_met", C.errors, default_value=C.how_we_met, key=C.how_we_met),
            rx.vstack(
                rx.text("Notes", size="2", weight="medium"),
                rx.text_area(
                    name="note", default_value=C.notes, key=C.notes, rows="4", width="100%", id="contact-notes"
                ),
                spacing="1",
                width="100%",
            ),
            rx.hstack(rx.button("Save", type="submit", id="save-contact"), justify="end", width="100%"),
            spacing="3",
            width="100%",
        ),
        on_submit=C.save_details,
        reset_on_submit=False,
        width="100%",
    )
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
                    rx.vstack(
                        rx.hstack(
                            rx.avatar(fallback=C.name[:1], size="5", radius="full"),
                            rx.vstack(
                                rx.heading(C.name, size="6", id="contact-heading"),
                                rx.text(C.subtitle, color=styles.MUTED),
                                spacing="1",
                            ),
                            align="center",
                            spacing="3",
                        ),
                        rx.hstack(
                            rx.badge(C.source, variant="outline"),
                            rx.cond(C.linked_card, rx.badge("MetaIC card", color_scheme="indigo")),
                            spacing="2",
                        ),
                        rx.cond(
                            C.card_slug != "",
                            rx.link(
                                rx.hstack(
                                    rx.icon("id-card", size=14),
                                    rx.text("Their card: ", C.card_headline, size="2"),
                                    align="center",
                                ),
                                href="/c/" + C.card_slug,
                                is_external=True,
                                id="their-card",
                            ),
                        ),
                        rx.cond(
                            C.editing,
                            edit_identity(),
                            rx.vstack(
                                _lines("Email", C.emails, "mail"),
                                _lines("Phone", C.phones, "phone"),
                                _lines("Links", C.links, "link"),
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
                            ),
                        ),
                        rx.vstack(
                            rx.text("Tags", size="1", weight="bold", color=styles.MUTED, text_transform="uppercase"),
                            rx.hstack(
                                rx.foreach(
                                    C.tags,
                                    lambda t: rx.badge(
                                        t, rx.icon("x", size=12, cursor="pointer", on_click=C.remove_tag(t)), size="2"
                                    ),
                                ),
                                wrap="wrap",
                                spacing="2",
                            ),
                            rx.form(
                                rx.hstack(
                                    rx.input(name="tag", placeholder="Add a tag", size="2", id="tag-input"),
                                    rx.button("Add", type="submit", size="2", variant="soft"),
                                ),
                                on_submit=C.add_tag,
                                reset_on_submit=True,
                            ),
                            spacing="2",
                        ),
                        style=styles.card_style,
                        spacing="3",
                        align="start",
                        width=rx.breakpoints(initial="100%", md="320px"),
                        flex_shrink="0",
                    ),
                    rx.vstack(
                        reach_out(),
                        rx.vstack(
                            rx.heading("Follow up", size="4"),
                            rx.hstack(
                                rx.button(
                                    "Tomorrow",
                                    size="2",
                                    variant="soft",
                                    on_click=C.remind("tomorrow"),
                                    id="remind-tomorrow",
                                ),
                                rx.button("Next week", size="2", variant="soft", on_click=C.remind("next_week")),
                                spacing="2",
                            ),
                            rx.foreach(
                                C.reminder_rows,
                                lambda r: rx.hstack(
                                    rx.icon("bell", size=14),
                                    rx.text(r["due"], size="2"),
                                    rx.badge(r["status"]),
                                    rx.spacer(),
                                    rx.button(
                                        "Snooze",
                                        size="1",
                                        variant="soft",
                                        color_scheme="gray",
                                        on_click=C.snooze(r["id"]),
                                    ),
                                    rx.button("Done", size="1", variant="soft", on_click=C.reminder_done(r["id"])),
                                    align="center",
                                    width="100%",
                                    class_name="reminder-row",
                                ),
                            ),
                            style=styles.card_style,
                            spacing="3",
                        ),
                        rx.vstack(rx.heading("Meeting and notes", size="4"), details, style=styles.card_style),
                        rx.vstack(
                            rx.heading("Timeline", size="4"),
                            rx.cond(
                                C.timeline_rows.length() == 0, rx.text("Nothing yet.", size="2", color=styles.MUTED)
                            ),
                            rx.foreach(
                                C.timeline_rows,
                                lambda h: rx.vstack(
                                    rx.text(
                                        h["when"],
                                        " · ",
                                        h["channel"],
                                        " · ",
                                        h["direction"],
                                        size="1",
                                        color=styles.MUTED,
                                    ),
                                    rx.text(h["subject"], weight="medium", size="2"),
                                    rx.text(h["body"], size="2", white_space="pre-wrap"),
                                    spacing="0",
                                    padding_y="6px",
                                    border_bottom=styles.BORDER,
                                    width="100%",
                                    class_name="timeline-entry",
                                ),
                            ),
                            style=styles.card_style,
                            spacing="2",
                        ),
                        rx.hstack(
                            rx.cond(
                                C.confirm_delete,
                                rx.hstack(
                                    rx.text("Delete for good?", size="2"),
                                    rx.button("Delete", color_scheme="red", on_click=C.delete),
                                    rx.button("Keep", variant="soft", on_click=C.ask_delete(False)),
                                    align="center",
                                ),
                                rx.button(
                                    "Delete contact", variant="soft", color_scheme="red", on_click=C.ask_delete(True)
                                ),
                            ),
                            justify="end",
                            width="100%",
                        ),
                        spacing="4",
                        flex="1",
                        width="100%",
                    ),
                    direction=rx.breakpoints(initial="column", md="row"),
                    gap="4",
                    width="100%",
                    align="start",
                ),
                spacing="4",
                width="100%",
            ),
            loading_block(),
        ),
    )
