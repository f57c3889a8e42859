"""One contact's pieces: values with their "kept as written" badges, the edit form, follow-ups and timeline."""

from __future__ import annotations

import reflex as rx

from metaic.contacts.models import STAGES
from metaic.ui import styles
from metaic.ui.components.forms import field
from metaic.ui.state.contacts import ContactState as C
from metaic.ui.state.messages import MessagesState


def _value(item: rx.Var, icon: str) -> rx.Component:
    """One value; one kept as written carries a badge saying so, with the reason on hover."""
    return rx.hstack(
        rx.icon(icon, size=14, color=styles.MUTED, flex_shrink="0", margin_top="3px"),
        rx.text(item["value"], size="2", overflow_wrap="anywhere", min_width="0"),
        rx.cond(
            item["badge"] != "",
            rx.tooltip(
                rx.badge(
                    item["badge"],
                    color_scheme="amber",
                    variant="soft",
                    size="1",
                    class_name="value-flag",
                    flex_shrink="0",
                ),
                content=item["why"],
            ),
        ),
        align="start",
        spacing="2",
        max_width="100%",
    )


def value_list(title: str, items: rx.Var, icon: str) -> rx.Component:
    """A titled list of values (emails, phones, links, addresses, birthday), flagged ones marked."""
    return rx.cond(
        items.length() > 0,
        rx.vstack(
            rx.text(title, size="1", weight="bold", color=styles.MUTED, text_transform="uppercase"),
            rx.foreach(items, lambda item: _value(item, icon)),
            spacing="1",
            max_width="100%",
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


def meeting_form() -> rx.Component:
    """Stage, meeting context and notes."""
    return rx.form(
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


def follow_up_panel() -> rx.Component:
    """Quick reminders and the contact's open ones."""
    return rx.vstack(
        rx.heading("Follow up", size="4"),
        rx.hstack(
            rx.button("Tomorrow", size="2", variant="soft", on_click=C.remind("tomorrow"), id="remind-tomorrow"),
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
                rx.button("Snooze", size="1", variant="soft", color_scheme="gray", on_click=C.snooze(r["id"])),
                rx.button("Done", size="1", variant="soft", on_click=C.reminder_done(r["id"])),
                align="center",
                width="100%",
                wrap="wrap",
                class_name="reminder-row",
            ),
        ),
        style=styles.card_style,
        spacing="3",
    )


def timeline_panel() -> rx.Component:
    """What was exchanged with the contact, newest first."""
    return rx.vstack(
        rx.heading("Timeline", size="4"),
        rx.cond(C.timeline_rows.length() == 0, rx.text("Nothing yet.", size="2", color=styles.MUTED)),
        rx.foreach(
            C.timeline_rows,
            lambda h: rx.vstack(
                rx.text(h["when"], " · ", h["channel"], " · ", h["direction"], size="1", color=styles.MUTED),
                rx.text(h["subject"], weight="medium", size="2", overflow_wrap="anywhere"),
                rx.text(h["body"], size="2", white_space="pre-wrap", overflow_wrap="anywhere"),
                spacing="0",
                padding_y="6px",
                border_bottom=styles.BORDER,
                width="100%",
                class_name="timeline-entry",
            ),
        ),
        style=styles.card_style,
        spacing="2",
    )


def tags_panel() -> rx.Component:
    """The contact's tags, removable, and a box to add one."""
    return rx.vstack(
        rx.text("Tags", size="1", weight="bold", color=styles.MUTED, text_transform="uppercase"),
        rx.hstack(
            rx.foreach(
                C.tags,
                lambda t: rx.badge(
                    t,
                    rx.icon("x", size=12, cursor="pointer", on_click=C.remove_tag(t), flex_shrink="0"),
                    size="2",
                    style=styles.wrapping_badge,
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
    )


def delete_bar() -> rx.Component:
    """Delete the contact, after a confirmation."""
    return rx.hstack(
        rx.cond(
            C.confirm_delete,
            rx.hstack(
                rx.text("Delete for good?", size="2"),
                rx.button("Delete", color_scheme="red", on_click=C.delete),
                rx.button("Keep", variant="soft", on_click=C.ask_delete(False)),
                align="center",
            ),
            rx.button("Delete contact", variant="soft", color_scheme="red", on_click=C.ask_delete(True)),
        ),
        justify="end",
        width="100%",
    )


def suggestion_card(x: rx.Var) -> rx.Component:
    """What one visitor shared for this contact, with Add and Ignore."""
    return rx.vstack(
        rx.text("Shared on ", rx.link(x["card"], href=x["card"], is_external=True), " · ", x["when"], size="1"),
        rx.cond(x["name"] != "", rx.text(x["name"], rx.cond(x["company"] != "", " · " + x["company"], ""), size="2")),
        rx.cond(x["values"] != "", rx.text(x["values"], size="2", weight="medium", word_break="break-word")),
        rx.cond(x["note"] != "", rx.text(x["note"], size="2", white_space="pre-wrap", word_break="break-word")),
        rx.hstack(
            rx.button("Add these details", size="1", on_click=C.add_suggestion(x["id"]), class_name="suggestion-add"),
            rx.button(
                "Ignore",
                size="1",
                variant="soft",
                color_scheme="gray",
                on_click=C.ignore_suggestion(x["id"]),
                class_name="suggestion-ignore",
            ),
            spacing="2",
            wrap="wrap",
        ),
        spacing="1",
        width="100%",
        padding_y="8px",
        border_top=styles.BORDER,
        class_name="suggestion",
    )


def suggestions_panel() -> rx.Component:
    """Details visitors shared through the card form that match this contact: nothing changes until added."""
    return rx.cond(
        C.suggestions.length() > 0,
        rx.vstack(
            rx.hstack(rx.icon("inbox", size=16), rx.heading("Shared with you", size="4"), align="center"),
            rx.text(
                "Someone left these details on your card for this contact. Anyone can fill in that form, "
                "so check them before you add them.",
                size="2",
                color=styles.MUTED,
            ),
            rx.foreach(C.suggestions, suggestion_card),
            style=styles.card_style,
            border_color="var(--amber-7)",
            spacing="2",
            width="100%",
            id="share-suggestions",
        ),
    )


def request_dialog() -> rx.Component:
    """Ask the contact to talk in the app, with one intro message."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Send a message request"),
            rx.dialog.description(
                "They see your request with your first message and can accept or decline it. "
                "Until they accept, you cannot send more.",
                size="2",
            ),
            rx.form(
                rx.vstack(
                    rx.text_area(
                        name="body",
                        placeholder="Hi! We met at …",
                        rows="4",
                        max_length=5000,
                        width="100%",
                        id="request-body",
                    ),
                    rx.cond(C.errors.contains("body"), rx.text(C.errors["body"], size="1", color=styles.DANGER)),
                    rx.hstack(
                        rx.button(
                            "Cancel",
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            on_click=C.set_requesting(False),
                        ),
                        rx.button("Send request", type="submit", id="request-send"),
                        justify="end",
                        width="100%",
                        spacing="2",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=C.send_request,
                reset_on_submit=False,
            ),
        ),
        open=C.requesting,
        on_open_change=C.set_requesting,
    )


def inapp_button() -> rx.Component:
    """Message (when they have you in their contacts) or Request to message (anyone else with an email or card)."""
    return rx.match(
        C.reach,
        (
            "open",
            rx.button(
                rx.icon("messages-square", size=14),
                "Message",
                variant="soft",
                on_click=MessagesState.start_with_contact(C.contact_id),
                id="compose-inapp",
            ),
        ),
        (
            "request",
            rx.fragment(
                rx.button(
                    rx.icon("message-square-plus", size=14),
                    "Request to message",
                    variant="soft",
                    on_click=C.set_requesting(True),
                    id="compose-request",
                ),
                request_dialog(),
            ),
        ),
        rx.fragment(),
    )
