"""The assistant on a contact's page: the follow-up plan panel and the summary of the card they were saved from."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.forms import field_error
from metaic.ui.state.contact_followup import CHANNELS
from metaic.ui.state.contact_followup import FollowUpState as F


def _title(*extra: rx.Component) -> rx.Component:
    """The panel's heading row."""
    return rx.hstack(
        rx.icon("sparkles", size=18, color=styles.ACCENT),
        rx.heading("Follow-up plan", size="4"),
        rx.spacer(),
        *extra,
        align="center",
        width="100%",
    )


def _line(icon: str, message: str | rx.Var, *extra: rx.Component) -> rx.Component:
    """A one-line state of the panel (empty, preparing, dismissed)."""
    return rx.hstack(
        rx.icon(icon, size=16, color=styles.MUTED, flex_shrink="0"),
        rx.text(message, size="2", color=styles.MUTED),
        rx.spacer(),
        *extra,
        align="center",
        width="100%",
        wrap="wrap",
        style={**styles.card_style, "padding": ["14px 20px", "16px 28px"]},
        id="followup-line",
    )


def _fact(icon: str, label: str, value: rx.Var, key: str) -> rx.Component:
    """One labelled fact of the plan (channel, language, where, reminder)."""
    return rx.hstack(
        rx.icon(icon, size=14, color=styles.MUTED, flex_shrink="0"),
        rx.text(label, size="1", color=styles.MUTED, width="84px", flex_shrink="0"),
        rx.text(value, size="2", weight="medium"),
        align="center",
        spacing="2",
        id=f"followup-{key}",
    )


def _engine() -> rx.Component:
    """Which engine drafted the plan, and its note."""
    return rx.hstack(
        rx.badge(
            rx.cond(F.engine == "AI provider", rx.icon("cloud", size=12), rx.icon("cpu", size=12)),
            F.engine,
            variant="soft",
            color_scheme=rx.cond(F.engine == "AI provider", "indigo", "gray"),
        ),
        rx.cond(F.note != "", rx.text(F.note, size="1", color=styles.MUTED)),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _draft() -> rx.Component:
    """The drafted message as it will open in compose."""
    return rx.box(
        rx.cond(F.subject != "", rx.text(F.subject, weight="bold", size="2", margin_bottom="6px")),
        rx.text(F.body, size="2", white_space="pre-wrap", id="followup-body"),
        padding="14px 16px",
        border_radius="12px",
        background="var(--gray-a2)",
        border=styles.BORDER,
        width="100%",
    )


def _proposed() -> rx.Component:
    """A plan waiting for the owner: what, where, when, and accept / edit / dismiss."""
    return rx.vstack(
        _title(),
        rx.grid(
            _fact("send", "Channel", F.channel_label, "channel"),
            _fact("languages", "Language", F.language, "language"),
            rx.cond(F.where != "", _fact("map-pin", "Where you met", F.where, "where")),
            _fact("bell", "Reminder", F.remind_label, "remind"),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="2",
            width="100%",
        ),
        _draft(),
        _engine(),
        rx.hstack(
            rx.button(
                rx.icon("check", size=14),
                "Accept",
                on_click=F.accept,
                loading=F.fu_busy,
                id="followup-accept",
            ),
            rx.button(
                rx.icon("pencil", size=14), "Edit", variant="soft", on_click=F.set_editing(True), id="followup-edit"
            ),
            rx.button("Dismiss", variant="soft", color_scheme="gray", on_click=F.dismiss, id="followup-dismiss"),
            spacing="2",
            wrap="wrap",
        ),
        rx.text(
            "Accept sets the reminder and opens the draft in compose; nothing is sent until you press Send.",
            size="1",
            color=styles.MUTED,
        ),
        spacing="3",
        width="100%",
    )


def _editor() -> rx.Component:
    """The plan's edit form: channel, subject, message and reminder time."""
    return rx.form(
        rx.vstack(
            _title(),
            rx.flex(
                rx.vstack(
                    rx.text("Channel", size="1", weight="medium", color=styles.MUTED),
                    rx.el.select(
                        *(rx.el.option(label, value=key) for key, label in CHANNELS.items()),
                        name="channel",
                        default_value=F.channel,
                        style={"padding": "6px 8px", "border_radius": "8px", "border": styles.BORDER, "height": "34px"},
                    ),
                    spacing="1",
                ),
                rx.vstack(
                    rx.text("Reminder", size="1", weight="medium", color=styles.MUTED),
                    rx.input(type="datetime-local", name="remind_at", default_value=F.remind_input, id="followup-when"),
                    field_error(F.errors, "remind_at"),
                    spacing="1",
                ),
                spacing="4",
                wrap="wrap",
            ),
            rx.vstack(
                rx.text("Subject", size="1", weight="medium", color=styles.MUTED),
                rx.input(name="subject", default_value=F.subject, max_length=200, width="100%", id="followup-subject"),
                spacing="1",
                width="100%",
            ),
            rx.vstack(
                rx.text("Message", size="1", weight="medium", color=styles.MUTED),
                rx.text_area(
                    name="body", default_value=F.body, rows="7", max_length=5000, width="100%", id="followup-text"
                ),
                spacing="1",
                width="100%",
            ),
            rx.hstack(
                rx.spacer(),
                rx.button("Cancel", type="button", variant="soft", color_scheme="gray", on_click=F.set_editing(False)),
                rx.button("Save plan", type="submit", id="followup-save"),
                width="100%",
                spacing="2",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=F.save_edit,
        reset_on_submit=False,
        width="100%",
    )


def _accepted() -> rx.Component:
    """An accepted plan: the reminder is set; the draft can be opened again."""
    return rx.vstack(
        _title(rx.badge("Accepted", color_scheme="green")),
        rx.hstack(
            rx.icon("bell", size=14, color="var(--green-11)"),
            rx.text("Reminder set for ", rx.text.strong(F.remind_label), size="2"),
            align="center",
            spacing="2",
        ),
        rx.cond(
            F.channel != "none",
            rx.button(
                rx.icon("mail", size=14),
                "Open the draft",
                variant="soft",
                size="2",
                on_click=F.open_draft,
                id="followup-reopen",
            ),
        ),
        spacing="3",
        width="100%",
    )


def followup_plan_panel() -> rx.Component:
    """The follow-up plan of this contact in each of its states."""
    boxed = lambda *children: rx.vstack(*children, style=styles.card_style, spacing="3", id="followup-plan")  # noqa: E731
    return rx.match(
        F.fu_state,
        ("loading", boxed(_title(), rx.skeleton(height="16px", width="60%"), rx.skeleton(height="72px", width="100%"))),
        (
            "preparing",
            _line(
                "hourglass",
                "The assistant is preparing a follow-up plan for this contact.",
                rx.button("Check again", size="1", variant="soft", on_click=F.refresh, id="followup-check"),
            ),
        ),
        ("proposed", boxed(rx.cond(F.fu_editing, _editor(), _proposed()))),
        ("accepted", boxed(_accepted())),
        ("dismissed", _line("circle-slash", "You dismissed the follow-up plan for this contact.")),
        (
            "error",
            boxed(
                _title(),
                rx.callout(F.fu_error, icon="triangle-alert", color_scheme="red", size="1", width="100%"),
                rx.button("Try again", size="1", variant="soft", on_click=F.refresh, width="fit-content"),
            ),
        ),
        _line("sparkles", "No follow-up plan for this contact. The assistant proposes one when you save someone new."),
    )


def card_summary_block() -> rx.Component:
    """The two-line summary of the card this contact was saved from, when one was written."""
    return rx.cond(
        F.card_summary != "",
        rx.box(
            rx.text(F.card_summary, size="2", white_space="pre-wrap", color="var(--gray-12)"),
            padding="10px 12px",
            border_left="3px solid var(--indigo-7)",
            background="var(--indigo-a2)",
            border_radius="0 8px 8px 0",
            width="100%",
            id="card-summary",
        ),
    )
