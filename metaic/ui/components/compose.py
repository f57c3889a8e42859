"""The "Get in touch" panel and compose dialog on a contact's page."""

from __future__ import annotations

import reflex as rx

from metaic.communication.templates import VARIABLES
from metaic.ui import styles
from metaic.ui.components.contact_details import inapp_button
from metaic.ui.components.forms import field_error
from metaic.ui.state.compose import ComposeState as M
from metaic.ui.state.contacts import ContactState as C

TICK_MS = 3000


def message_row(m: rx.Var) -> rx.Component:
    """One message sent or scheduled to the contact."""
    return rx.hstack(
        # Two fixed icons, not rx.icon(<computed name>), which ships lucide's whole 240 KB icon map to the page.
        rx.cond(
            m["channel"] == "Email",
            rx.icon("mail", size=16, color=styles.MUTED, flex_shrink="0"),
            rx.icon("message-circle", size=16, color=styles.MUTED, flex_shrink="0"),
        ),
        rx.vstack(
            rx.text(m["subject"], size="2", weight="medium", trim="both"),
            rx.text(m["channel"], " to ", m["to"], " · ", m["when"], size="1", color=styles.MUTED),
            rx.cond(m["error"], rx.text(m["error"], size="1", color=styles.DANGER)),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        rx.badge(m["status"], color_scheme=m["color"], variant="soft", class_name="message-status"),
        rx.cond(
            m["status"] == "queued",
            rx.button("Cancel", size="1", variant="soft", color_scheme="gray", on_click=M.cancel_message(m["id"])),
        ),
        align="center",
        spacing="3",
        width="100%",
        padding_y="8px",
        border_top=styles.BORDER,
        class_name="message-row",
    )


def reach_out() -> rx.Component:
    """Buttons to write to the contact, and what was sent or is waiting to go."""
    return rx.vstack(
        rx.heading("Get in touch", size="4"),
        rx.hstack(
            rx.button(
                rx.icon("mail", size=14),
                "Email",
                on_click=M.open_compose("email"),
                id="compose-email",
                disabled=C.emails.length() == 0,
            ),
            rx.button(
                rx.icon("message-circle", size=14),
                "WhatsApp",
                variant="soft",
                color_scheme="green",
                on_click=M.open_compose("whatsapp"),
                id="compose-whatsapp",
                disabled=C.phones.length() == 0,
            ),
            inapp_button(),
            rx.link("Templates", href="/templates", size="2", id="manage-templates", margin_left="auto"),
            spacing="2",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(
            M.messages.length() > 0,
            rx.vstack(rx.foreach(M.messages, message_row), spacing="0", width="100%", id="contact-messages"),
        ),
        rx.cond(M.has_pending, rx.moment(interval=TICK_MS, on_change=M.tick, display="none")),
        compose_dialog(),
        style=styles.card_style,
        spacing="3",
    )


def template_picker() -> rx.Component:
    """Choose a saved template (or start blank)."""
    return rx.select.root(
        rx.select.trigger(placeholder="Choose a template", width="100%", id="compose-template"),
        rx.select.content(
            rx.select.item("Blank message", value="blank"),
            rx.foreach(M.template_options, lambda t: rx.select.item(t["name"], value=t["id"])),
        ),
        value=rx.cond(M.template_id == "", "blank", M.template_id),
        on_change=M.choose_template,
    )


def save_as_template() -> rx.Component:
    """Keep what was written as a new template (a small popover under the message)."""
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                rx.icon("bookmark-plus", size=14),
                "Save as template",
                size="1",
                variant="ghost",
                id="compose-save-template",
                align_self="start",
            )
        ),
        rx.popover.content(
            rx.vstack(
                rx.text("Template name", size="2", weight="medium"),
                rx.input(
                    value=M.new_template_name,
                    on_change=M.set_new_template_name,
                    max_length=80,
                    width="100%",
                    id="compose-template-name",
                ),
                field_error(M.errors, "name"),
                rx.button(
                    "Save",
                    size="2",
                    on_click=M.save_as_template,
                    id="compose-template-save",
                    disabled=M.new_template_name.strip() == "",
                ),
                spacing="2",
                width="240px",
            ),
        ),
    )


def preview_panel() -> rx.Component:
    """The message as the contact will read it, or why it cannot be filled in."""
    return rx.box(
        rx.text("Preview", size="1", weight="bold", color=styles.MUTED, text_transform="uppercase"),
        rx.cond(
            M.preview_error != "",
            rx.callout(M.preview_error, icon="triangle-alert", color_scheme="red", size="1", id="preview-error"),
            rx.vstack(
                rx.cond(
                    (M.channel == "email") & (M.preview_subject != ""),
                    rx.text(M.preview_subject, weight="bold", size="2", id="preview-subject"),
                ),
                rx.text(M.preview_body, size="2", white_space="pre-wrap", id="preview-body"),
                spacing="2",
            ),
        ),
        background="var(--gray-a2)",
        border=styles.BORDER,
        border_radius="12px",
        padding="12px 14px",
        width="100%",
        max_height="220px",
        overflow_y="auto",
    )


def schedule_picker() -> rx.Component:
    """Send now, or at a date and time on the user's clock."""
    return rx.vstack(
        rx.radio_group.root(
            rx.hstack(
                rx.radio_group.item(value="now", id="when-now"),
                rx.text("Send now", size="2"),
                rx.radio_group.item(value="later", id="when-later", margin_left="16px"),
                rx.text("Send later", size="2"),
                align="center",
            ),
            value=M.when,
            on_change=M.set_when,
        ),
        rx.cond(
            M.when == "later",
            rx.vstack(
                rx.hstack(
                    rx.input(type="datetime-local", value=M.send_at, on_change=M.set_send_at, id="compose-send-at"),
                    rx.text(M.timezone, size="1", color=styles.MUTED),
                    align="center",
                ),
                field_error(M.errors, "send_at"),
                spacing="1",
            ),
        ),
        spacing="2",
    )


def compose_dialog() -> rx.Component:
    """Write an email or WhatsApp message from a template, see it filled in, send now or later."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Write to ", M.contact_name),
            rx.vstack(
                rx.segmented_control.root(
                    rx.segmented_control.item("Email", value="email"),
                    rx.segmented_control.item("WhatsApp", value="whatsapp"),
                    value=M.channel,
                    on_change=M.choose_channel,
                    id="compose-channel",
                ),
                rx.cond(
                    M.recipient != "",
                    rx.text("To: ", M.recipient, size="2", color=styles.MUTED, id="compose-to"),
                    rx.callout(
                        rx.cond(
                            M.channel == "email",
                            "This contact has no email address.",
                            "This contact has no phone number for WhatsApp.",
                        ),
                        icon="info",
                        color_scheme="amber",
                        size="1",
                    ),
                ),
                template_picker(),
                rx.cond(
                    M.channel == "email",
                    rx.vstack(
                        rx.input(
                            value=M.subject,
                            on_change=M.edit_subject.debounce(250),
                            placeholder="Subject",
                            width="100%",
                            id="compose-subject",
                        ),
                        field_error(M.errors, "subject"),
                        spacing="1",
                        width="100%",
                    ),
                ),
                rx.text_area(
                    value=M.body,
                    on_change=M.edit_body.debounce(250),
                    rows="7",
                    width="100%",
                    placeholder="Write your message",
                    id="compose-body",
                ),
                field_error(M.errors, "body"),
                save_as_template(),
                rx.text(
                    "You can use ",
                    ", ".join("{{ " + v + " }}" for v in VARIABLES[:3]),
                    " and more.",
                    size="1",
                    color=styles.MUTED,
                ),
                preview_panel(),
                schedule_picker(),
                rx.hstack(
                    rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                    rx.button(
                        rx.cond(M.when == "now", "Send", "Schedule"),
                        on_click=M.send,
                        loading=M.busy,
                        disabled=(M.preview_error != "") | (M.recipient == ""),
                        id="compose-send",
                    ),
                    justify="end",
                    width="100%",
                    spacing="2",
                ),
                spacing="3",
                width="100%",
                padding_top="8px",
            ),
            max_width="560px",
        ),
        open=M.composing,
        on_open_change=M.set_composing,
    )
