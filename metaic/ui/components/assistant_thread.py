"""Ask MetaIC's thread pieces: questions, answers in Markdown with source links and action chips, the empty state."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.state.assistant import SOURCE_ICONS
from metaic.ui.state.assistant import AssistantState as A

NOWRAP = {"overflow": "hidden", "text_overflow": "ellipsis", "white_space": "nowrap"}
# Answers read as chat text: tight paragraphs and lists, links in the accent colour.
MARKDOWN_STYLE = {
    "font_size": "var(--font-size-2)",
    "line_height": "1.6",
    "overflow_wrap": "anywhere",
    "& p": {"margin": "0 0 8px", "font_size": "var(--font-size-2)"},
    "& p:last-child, & ul:last-child": {"margin_bottom": "0"},
    "& ul, & ol": {"margin": "4px 0 8px", "padding_left": "20px"},
    "& li": {"margin": "2px 0", "font_size": "var(--font-size-2)"},
    "& a": {"color": "var(--indigo-11)", "font_weight": "500"},
    "& hr": {"margin": "12px 0", "border": "none", "border_top": "1px solid var(--gray-a5)"},
}
# (text, complete): a complete question is asked at once; a template goes into the box to be finished.
SUGGESTIONS = (
    ("Who have I not followed up with?", True),
    ("What is on my card?", True),
    ("Where did I meet ", False),
    ("Who works at ", False),
)


def source_icon(kind: rx.Var) -> rx.Component:
    """The icon of a kind of source."""
    return rx.match(kind, *((k, rx.icon(icon, size=12)) for k, icon in SOURCE_ICONS.items()), rx.icon("link", size=12))


def source_chip(s: rx.Var) -> rx.Component:
    """A link to something the answer used."""
    return rx.link(
        rx.badge(source_icon(s.kind), s.title, variant="surface", color_scheme="indigo", size="2", radius="full"),
        href=s.url,
        underline="none",
        class_name="assistant-source",
    )


def sources(items: rx.Var) -> rx.Component:
    """The sources of an answer, under a small label."""
    return rx.cond(
        items.length() > 0,
        rx.hstack(
            rx.text("Sources", size="1", color=styles.MUTED, weight="medium"),
            rx.foreach(items, source_chip),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
    )


def action_chip(a: rx.Var) -> rx.Component:
    """A proposed action with Confirm; once done, a check and what it gave."""
    return rx.box(
        rx.hstack(
            rx.icon(
                rx.cond(a.done, "circle-check", "sparkles"),
                size=16,
                color=rx.cond(a.done, "var(--green-10)", styles.ACCENT),
            ),
            rx.text(a.label, size="2", weight="medium", flex="1", min_width="0"),
            rx.cond(
                a.done,
                rx.cond(
                    a.url != "",
                    rx.link(
                        "Open",
                        href=a.url,
                        size="2",
                        weight="medium",
                        underline="none",
                        class_name="assistant-action-open",
                    ),
                ),
                rx.button("Confirm", size="1", on_click=A.confirm(a.id), class_name="assistant-confirm"),
            ),
            align="center",
            spacing="2",
            width="100%",
        ),
        rx.cond(
            a.done & (a.draft != ""),
            rx.text(a.draft, size="2", white_space="pre-wrap", color=styles.MUTED, padding_top="8px"),
        ),
        border=styles.BORDER,
        border_radius="12px",
        padding="10px 12px",
        background=rx.cond(a.done, "var(--green-a2)", "var(--indigo-a2)"),
        width="100%",
        class_name="assistant-action",
    )


def question_bubble(text: rx.Var) -> rx.Component:
    """The owner's question, on the right."""
    return rx.flex(
        rx.box(
            rx.text(text, size="2", white_space="pre-wrap", style={"overflow_wrap": "anywhere"}),
            background=styles.ACCENT,
            color="white",
            padding="10px 14px",
            border_radius="16px 16px 4px 16px",
            max_width="80%",
            class_name="assistant-question",
        ),
        justify="end",
        width="100%",
    )


def answer_block(content: rx.Var, *extra: rx.Component, class_name: str = "assistant-answer") -> rx.Component:
    """An answer on the left: the assistant's mark, the Markdown text, then whatever follows."""
    return rx.hstack(
        rx.center(
            rx.icon("sparkles", size=14, color="white"),
            width="28px",
            height="28px",
            border_radius="9px",
            background=styles.ACCENT,
            flex_shrink="0",
        ),
        rx.vstack(
            rx.box(rx.markdown(content), class_name="assistant-markdown", width="100%", style=MARKDOWN_STYLE),
            *extra,
            spacing="3",
            flex="1",
            min_width="0",
        ),
        align="start",
        spacing="3",
        width="100%",
        class_name=class_name,
    )


def message(m: rx.Var) -> rx.Component:
    """A stored question or answer."""
    return rx.cond(
        m.role == "user",
        question_bubble(m.content),
        answer_block(
            m.content,
            sources(m.sources),
            rx.cond(m.actions.length() > 0, rx.vstack(rx.foreach(m.actions, action_chip), spacing="2", width="100%")),
            rx.cond(
                (m.note != "") & ((m.id == A.last_answer_id) | m.retry),  # said once, under the latest answer
                rx.hstack(
                    rx.icon("info", size=14, color=styles.MUTED, flex_shrink="0", margin_top="2px"),
                    rx.text(m.note, size="1", color=styles.MUTED, flex="1", min_width="0"),
                    rx.cond(
                        m.retry,
                        rx.button(
                            rx.icon("rotate-ccw", size=12),
                            "Try again",
                            size="1",
                            variant="ghost",
                            on_click=A.retry,
                            class_name="assistant-retry",
                        ),
                    ),
                    spacing="2",
                    align="start",
                    width="100%",
                ),
            ),
        ),
    )


def pending() -> rx.Component:
    """The question just sent and its answer as it arrives."""
    return rx.cond(
        A.streaming,
        rx.vstack(
            question_bubble(A.pending_question),
            answer_block(
                rx.cond(A.pending_answer != "", A.pending_answer, ""),
                rx.cond(
                    A.pending_answer == "",
                    rx.hstack(
                        rx.spinner(size="2"),
                        rx.text("Looking through your contacts…", size="2", color=styles.MUTED),
                        spacing="2",
                        align="center",
                    ),
                ),
                sources(A.pending_sources),
                class_name="assistant-streaming",
            ),
            spacing="4",
            width="100%",
        ),
    )


def suggestion(text: str, complete: bool) -> rx.Component:
    """An example question: a click asks it, or puts its start in the box to be finished."""
    click = (
        A.ask_suggestion(text) if complete else [rx.set_value("assistant-input", text), rx.set_focus("assistant-input")]
    )
    return rx.button(
        text if complete else f"{text}…?",
        variant="outline",
        color_scheme="gray",
        size="2",
        radius="full",
        on_click=click,
        class_name="assistant-suggestion",
    )


def empty_state() -> rx.Component:
    """What a new conversation shows: what to ask and what the answers use."""
    return rx.center(
        rx.vstack(
            rx.center(
                rx.icon("sparkles", size=26, color="white"),
                width="56px",
                height="56px",
                border_radius="16px",
                background=styles.ACCENT,
            ),
            rx.heading("Ask MetaIC", size="6", weight="bold"),
            rx.text(
                "Ask about the people you met: who they are, where you met, what they said, who you owe a follow-up. "
                "Answers come from your own cards, contacts, notes and messages, with links to what they used.",
                size="2",
                color=styles.MUTED,
                text_align="center",
                max_width="460px",
            ),
            rx.flex(
                *[suggestion(t, c) for t, c in SUGGESTIONS],
                wrap="wrap",
                spacing="2",
                justify="center",
                max_width="520px",
            ),
            align="center",
            spacing="3",
            padding="24px 8px",
        ),
        flex="1",
        id="assistant-empty",
    )
