"""/templates: manage the message templates used to write to contacts."""

from __future__ import annotations

import reflex as rx

from metaic.communication.templates import VARIABLES
from metaic.ui import styles
from metaic.ui.components.forms import field_error
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.templates import TemplatesState as T


def template_row(t: rx.Var) -> rx.Component:
    """One template: name, channel, the start of its text, edit and delete."""
    return rx.hstack(
        rx.center(
            rx.cond(  # fixed icons: a computed icon name ships lucide's whole icon map
                t["channel"] == "Email",
                rx.icon("mail", size=18, color=styles.ACCENT),
                rx.icon("message-circle", size=18, color=styles.ACCENT),
            ),
            width="40px",
            height="40px",
            border_radius="10px",
            background="var(--indigo-a3)",
            flex_shrink="0",
        ),
        rx.vstack(
            rx.hstack(
                rx.text(t["name"], weight="bold", size="3", overflow_wrap="anywhere", min_width="0"),
                rx.badge(t["channel"], variant="soft", size="1", flex_shrink="0"),
                align="center",
                max_width="100%",
                wrap="wrap",
            ),
            rx.text(
                rx.cond(t["subject"] != "", t["subject"], t["body"]),
                size="2",
                color=styles.MUTED,
                trim="both",
                style={
                    "display": "-webkit-box",
                    "-webkit-line-clamp": "1",
                    "-webkit-box-orient": "vertical",
                    "overflow": "hidden",
                    "word_break": "break-all",  # one line of preview: fill it, then the ellipsis
                },
            ),
            spacing="1",
            flex="1",
            min_width="0",
            width="100%",
        ),
        rx.cond(
            T.confirm_id == t["id"],
            rx.hstack(
                rx.text("Delete?", size="2"),
                rx.button("Delete", size="1", color_scheme="red", on_click=T.delete, id="confirm-delete"),
                rx.button("Keep", size="1", variant="soft", on_click=T.ask_delete("")),
                align="center",
                flex_shrink="0",
            ),
            rx.hstack(
                rx.button(rx.icon("pencil", size=14), "Edit", size="1", variant="soft", on_click=T.start(t["id"])),
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    aria_label="Delete template",
                    on_click=T.ask_delete(t["id"]),
                ),
                spacing="2",
                flex_shrink="0",
            ),
        ),
        align="center",
        spacing="3",
        width="100%",
        padding="14px 18px",
        border_bottom=styles.BORDER,
        class_name="template-row",
    )


def variables_help() -> rx.Component:
    """The variables a template may use, as copyable chips."""
    return rx.vstack(
        rx.text("Variables", size="1", weight="bold", color=styles.MUTED, text_transform="uppercase"),
        rx.hstack(*(rx.code("{{ " + v + " }}", size="1", variant="soft") for v in VARIABLES), wrap="wrap", spacing="1"),
        rx.text(
            "Use {{ contact.first_name or contact.full_name }} when a first name may be missing.",
            size="1",
            color=styles.MUTED,
        ),
        spacing="1",
        width="100%",
    )


def edit_dialog() -> rx.Component:
    """Create or edit a template, with the text filled in for a sample contact."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(T.edit_id == "", "New template", "Edit template")),
            rx.vstack(
                rx.flex(
                    rx.vstack(
                        rx.text("Name", size="2", weight="medium"),
                        rx.input(value=T.name, on_change=T.set_name, width="100%", id="template-name", max_length=80),
                        field_error(T.errors, "name"),
                        spacing="1",
                        flex="1",
                        width="100%",
                    ),
                    rx.vstack(
                        rx.text("Channel", size="2", weight="medium"),
                        rx.segmented_control.root(
                            rx.segmented_control.item("Email", value="email"),
                            rx.segmented_control.item("WhatsApp", value="whatsapp"),
                            value=T.channel,
                            on_change=T.set_channel,
                        ),
                        spacing="1",
                    ),
                    width="100%",
                    spacing="3",
                    align="start",
                    direction=rx.breakpoints(initial="column", sm="row"),
                ),
                rx.cond(
                    T.channel == "email",
                    rx.vstack(
                        rx.text("Subject", size="2", weight="medium"),
                        rx.input(
                            value=T.subject, on_change=T.edit_subject.debounce(250), width="100%", id="template-subject"
                        ),
                        field_error(T.errors, "subject"),
                        spacing="1",
                        width="100%",
                    ),
                ),
                rx.vstack(
                    rx.text("Message", size="2", weight="medium"),
                    rx.text_area(
                        value=T.body, on_change=T.edit_body.debounce(250), rows="8", width="100%", id="template-body"
                    ),
                    field_error(T.errors, "body"),
                    spacing="1",
                    width="100%",
                ),
                variables_help(),
                rx.box(
                    rx.text(
                        "Preview for Ada Lovelace (Engines)",
                        size="1",
                        weight="bold",
                        color=styles.MUTED,
                        text_transform="uppercase",
                    ),
                    rx.cond(
                        T.sample_error != "",
                        rx.callout(
                            T.sample_error, icon="triangle-alert", color_scheme="red", size="1", id="template-error"
                        ),
                        rx.vstack(
                            rx.cond(
                                (T.channel == "email") & (T.sample_subject != ""),
                                rx.text(T.sample_subject, weight="bold", size="2"),
                            ),
                            rx.text(T.sample_body, size="2", white_space="pre-wrap"),
                            spacing="2",
                        ),
                    ),
                    background="var(--gray-a2)",
                    border=styles.BORDER,
                    border_radius="12px",
                    padding="12px 14px",
                    width="100%",
                    max_height="200px",
                    overflow_y="auto",
                ),
                rx.hstack(
                    rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                    rx.button("Save template", on_click=T.save, id="template-save"),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
                padding_top="8px",
            ),
            max_width="600px",
        ),
        open=T.editing,
        on_open_change=T.set_editing,
    )


def empty_state() -> rx.Component:
    """Shown when every template was deleted."""
    return rx.center(
        rx.vstack(
            rx.icon("file-text", size=32, color=styles.MUTED),
            rx.text("No templates yet", weight="bold"),
            rx.text("Templates let you write a follow-up in seconds.", size="2", color=styles.MUTED),
            align="center",
            spacing="2",
        ),
        padding="48px",
        width="100%",
    )


def templates_page() -> rx.Component:
    """The list of templates."""
    return page(
        rx.cond(
            T.loaded & T.signed_in,
            rx.vstack(
                rx.flex(
                    rx.vstack(
                        rx.heading("Message templates", size="7"),
                        rx.text("Reusable emails and WhatsApp messages for the people you meet.", color=styles.MUTED),
                        spacing="1",
                    ),
                    rx.spacer(),
                    rx.button(rx.icon("plus", size=14), "New template", on_click=T.start(""), id="new-template"),
                    width="100%",
                    align="center",
                    spacing="3",
                    wrap="wrap",
                ),
                rx.box(
                    rx.cond(T.rows.length() > 0, rx.foreach(T.rows, template_row), empty_state()),
                    background=styles.CARD_BG,
                    border=styles.BORDER,
                    border_radius="16px",
                    overflow="hidden",
                    width="100%",
                ),
                edit_dialog(),
                spacing="4",
                width="100%",
            ),
            loading_block(),
        ),
    )
