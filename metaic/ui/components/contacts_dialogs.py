"""The contact list's dialogs: add a contact, import a file (with its row report), manage tags."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.forms import field, form_banner
from metaic.ui.state.contact_import import ImportState as Imp
from metaic.ui.state.contacts import ContactsState
from metaic.ui.state.contacts import ContactsState as L


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
                        "Row ",
                        r["row"],
                        ": ",
                        r["reason"],
                        size="1",
                        color=rx.match(
                            r["status"], ("refused", styles.DANGER), ("flagged", "var(--amber-11)"), styles.MUTED
                        ),
                        class_name="import-" + r["status"],
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
