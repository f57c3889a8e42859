"""The builder's "Write my card" panel: proposals to pick and edit, and a translated second version to review."""

from __future__ import annotations

import reflex as rx

from metaic.ai.language import NAMES
from metaic.ui import styles
from metaic.ui.components.builder_sections import block, native_select
from metaic.ui.state.builder import BuilderState as B

TONES = [("friendly", "Friendly"), ("professional", "Professional"), ("bold", "Bold")]
LENGTHS = [("short", "Short"), ("medium", "Medium"), ("long", "Long")]
LANGUAGES = [("", "Card's language"), *NAMES.items()]
TARGETS = list(NAMES.items())
FIELDS = [("headline", "Headline"), ("about", "About")]


def _option(label: str, control: rx.Component) -> rx.Component:
    """A small label above one option's control."""
    return rx.vstack(rx.text(label, size="1", weight="medium", color=styles.MUTED), control, spacing="1")


def _segmented(value: rx.Var, options: list[tuple[str, str]], name: str, prefix: str) -> rx.Component:
    """A row of choices for one option."""
    return rx.segmented_control.root(
        *(rx.segmented_control.item(label, value=key, id=f"{prefix}-{key}") for key, label in options),
        value=value,
        on_change=lambda v: B.set_ai_option(name, v),
        size="1",
    )


def engine_note(engine: rx.Var, note: rx.Var, retry: rx.Var, on_retry, busy: rx.Var, key: str) -> rx.Component:
    """Who wrote the proposal (offline assistant or provider), why, and a retry when it may help."""
    return rx.hstack(
        rx.badge(
            rx.cond(engine == "AI provider", rx.icon("cloud", size=12), rx.icon("cpu", size=12)),
            engine,
            color_scheme=rx.cond(engine == "AI provider", "indigo", "gray"),
            variant="soft",
            flex_shrink="0",
        ),
        rx.cond(note != "", rx.text(note, size="1", color=styles.MUTED, id=f"{key}-note")),
        rx.spacer(),
        rx.cond(
            retry,
            rx.button(
                rx.icon("rotate-cw", size=12), "Try again", size="1", variant="soft", on_click=on_retry, loading=busy
            ),
        ),
        align="center",
        spacing="2",
        width="100%",
        wrap="wrap",
        id=f"{key}-engine",
    )


def _proposal(text: rx.Var, index: rx.Var) -> rx.Component:
    """One proposal, picked by a click."""
    chosen = B.ai_pick == index
    return rx.box(
        rx.hstack(
            rx.cond(
                chosen,
                rx.icon("circle-check", size=16, color=styles.ACCENT, flex_shrink="0"),
                rx.icon("circle", size=16, color="var(--gray-8)", flex_shrink="0"),
            ),
            rx.text(text, size="2", white_space="pre-wrap"),
            align="start",
            spacing="2",
        ),
        on_click=B.pick(index),
        padding="10px 12px",
        border_radius="10px",
        cursor="pointer",
        border=rx.cond(chosen, "1px solid var(--indigo-8)", styles.BORDER),
        background=rx.cond(chosen, "var(--indigo-a2)", "transparent"),
        class_name="ai-proposal",
        width="100%",
    )


def _proposals() -> rx.Component:
    """The proposals, the editor for the picked one and the buttons that use or discard it."""
    return rx.vstack(
        engine_note(B.ai_engine, B.ai_note, B.ai_retry, B.propose, B.ai_busy, "ai"),
        rx.text("Pick one, then edit it below.", size="1", weight="medium", color=styles.MUTED),
        rx.foreach(B.ai_proposals, _proposal),
        rx.text_area(
            value=B.ai_text,
            on_change=B.edit_text,
            debounce_timeout=0,
            rows=rx.cond(B.ai_field == "about", "6", "2"),
            width="100%",
            id="ai-text",
            aria_label="Edit the picked text",
        ),
        rx.hstack(
            rx.text(B.ai_text.length(), " characters", size="1", color=styles.MUTED),
            rx.spacer(),
            rx.button("Discard", variant="soft", color_scheme="gray", on_click=B.discard, id="ai-discard"),
            rx.button(
                rx.icon("check", size=14),
                rx.cond(B.ai_field == "about", "Use as about text", "Use as headline"),
                on_click=B.use_text,
                id="ai-use",
            ),
            align="center",
            spacing="2",
            width="100%",
        ),
        spacing="2",
        width="100%",
        padding_top="4px",
        border_top=styles.BORDER,
        id="ai-proposals",
    )


def _writer() -> rx.Component:
    """Options and the button that asks for proposals."""
    return rx.vstack(
        rx.flex(
            _option("Write", _segmented(B.ai_field, FIELDS, "field", "ai-field")),
            _option("Tone", _segmented(B.ai_tone, TONES, "tone", "ai-tone")),
            rx.cond(B.ai_field == "about", _option("Length", _segmented(B.ai_length, LENGTHS, "length", "ai-length"))),
            _option(
                "Language",
                native_select(B.ai_language, LANGUAGES, lambda v: B.set_ai_option("language", v), id="ai-language"),
            ),
            column_gap="20px",
            row_gap="12px",
            wrap="wrap",
            align="start",
        ),
        rx.hstack(
            rx.button(
                rx.icon("sparkles", size=14),
                "Draft new",
                on_click=[B.set_ai_option("mode", "draft"), B.propose],
                loading=B.ai_busy & ~B.ai_improve,
                disabled=B.ai_busy,
                id="ai-propose",
            ),
            rx.button(
                rx.icon("wand-sparkles", size=14),
                "Improve current",
                variant="soft",
                on_click=[B.set_ai_option("mode", "improve"), B.propose],
                loading=B.ai_busy & B.ai_improve,
                disabled=B.ai_busy,
                id="ai-improve",
            ),
            spacing="2",
            wrap="wrap",
        ),
        rx.cond(
            B.ai_error != "",
            rx.callout(B.ai_error, icon="triangle-alert", color_scheme="red", size="1", width="100%"),
        ),
        rx.cond(B.ai_proposals.length() > 0, _proposals()),
        spacing="3",
        width="100%",
    )


def _translation_row(row: rx.Var) -> rx.Component:
    """One text: where it sits, the original, and the translation to correct."""
    return rx.vstack(
        rx.hstack(
            rx.text(row["label"], size="1", weight="medium", color=styles.MUTED),
            rx.cond(row["untranslated"] == "1", rx.badge("Not translated", color_scheme="amber", size="1")),
            spacing="2",
            align="center",
        ),
        rx.text(row["original"], size="1", color=styles.MUTED, font_style="italic"),
        rx.text_area(
            value=row["text"],
            on_change=lambda v: B.edit_translation(row["key"], v),
            debounce_timeout=0,
            rows="2",
            width="100%",
            aria_label=row["label"],
            class_name="tr-text",
        ),
        spacing="1",
        width="100%",
    )


def _translator() -> rx.Component:
    """The language of a second version, the texts to review, and the button that makes the new draft card."""
    return rx.vstack(
        rx.hstack(rx.icon("languages", size=16, color=styles.ACCENT), rx.text("Second language", weight="bold")),
        rx.text(
            "Translate this card's texts, correct them, then save them as a new draft card. This card stays as it is.",
            size="2",
            color=styles.MUTED,
        ),
        rx.hstack(
            native_select(B.tr_target, TARGETS, B.set_tr_target, id="tr-target"),
            rx.button(
                rx.icon("languages", size=14),
                "Translate",
                variant="soft",
                on_click=B.translate,
                loading=B.tr_busy & (B.tr_rows.length() == 0),
                disabled=B.tr_busy,
                id="tr-go",
            ),
            spacing="2",
            align="center",
        ),
        rx.cond(
            B.tr_error != "",
            rx.callout(B.tr_error, icon="triangle-alert", color_scheme="red", size="1", width="100%"),
        ),
        rx.cond(
            B.tr_rows.length() > 0,
            rx.vstack(
                engine_note(B.tr_engine, B.tr_note, B.tr_retry, B.translate, B.tr_busy, "tr"),
                rx.foreach(B.tr_rows, _translation_row),
                rx.hstack(
                    rx.spacer(),
                    rx.button("Discard", variant="soft", color_scheme="gray", on_click=B.discard_translation),
                    rx.button(
                        rx.icon("copy-plus", size=14),
                        "Create translated draft",
                        on_click=B.create_translation,
                        loading=B.tr_busy,
                        id="tr-create",
                    ),
                    spacing="2",
                    width="100%",
                ),
                spacing="3",
                width="100%",
                id="tr-review",
            ),
        ),
        spacing="3",
        width="100%",
        padding_top="12px",
        border_top=styles.BORDER,
    )


def write_panel() -> rx.Component:
    """The "Write my card" block at the top of the builder's content tab."""
    return block(
        "Write my card",
        "sparkles",
        _writer(),
        _translator(),
        description=(
            "Drafts from your own fields: business, services, what you offer. Nothing on your card changes until "
            "you use a text."
        ),
        key="ai",
    )
