"""The account page's AI assistant tab: who answers, what may leave, and today's usage."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.settings import section
from metaic.ui.state.ai_settings import AiSettingsState as S


def _switch_row(title: str, detail: str | rx.Component, checked, on_change, key: str, **props) -> rx.Component:
    """A switch with its title and what it means."""
    return rx.hstack(
        rx.switch(checked=checked, on_change=on_change, id=key, margin_top="2px", **props),
        rx.vstack(
            rx.text(title, size="2", weight="medium", as_="label", html_for=key),
            rx.text(detail, size="1", color=styles.MUTED),
            spacing="1",
        ),
        align="start",
        spacing="3",
        width="100%",
    )


def _engine() -> rx.Component:
    """Which engine answers on this server."""
    return rx.hstack(
        rx.cond(
            S.provider_configured,
            rx.badge(rx.icon("cloud", size=12), "AI provider: ", S.model, color_scheme="indigo", variant="soft"),
            rx.badge(rx.icon("cpu", size=12), "Offline assistant", color_scheme="gray", variant="soft"),
        ),
        rx.text(
            rx.cond(
                S.provider_configured,
                rx.cond(
                    S.external_opt_in,
                    "Answers come from the provider; the offline assistant steps in when it fails.",
                    "Until you opt in, the offline assistant on MetaIC's servers answers for you.",
                ),
                "No external provider is set up on this server: everything stays on MetaIC's servers.",
            ),
            size="1",
            color=styles.MUTED,
        ),
        spacing="2",
        align="center",
        wrap="wrap",
        id="ai-engine",
    )


def _meter(label: str, text, percent) -> rx.Component:
    """One of today's allowances as a bar."""
    return rx.vstack(
        rx.hstack(
            rx.text(label, size="2", weight="medium"),
            rx.spacer(),
            rx.text(text, size="2", color=styles.MUTED),
            width="100%",
        ),
        rx.progress(value=percent, max=100, width="100%", color_scheme=rx.cond(percent >= 90, "amber", "indigo")),
        spacing="1",
        width="100%",
    )


def _features() -> rx.Component:
    """Today's requests per feature and engine."""
    row = lambda f: rx.table.row(  # noqa: E731 - a tiny row renderer
        rx.table.cell(f["label"]),
        rx.table.cell(f["offline"], align="right"),
        rx.table.cell(f["provider"], align="right"),
    )
    return rx.cond(
        S.features.length() > 0,
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Feature"),
                    rx.table.column_header_cell("Offline", align="right"),
                    rx.table.column_header_cell("Provider", align="right"),
                )
            ),
            rx.table.body(rx.foreach(S.features, row)),
            size="1",
            variant="surface",
            width="100%",
            id="ai-usage-table",
        ),
        rx.text("No assistant requests yet today.", size="2", color=styles.MUTED, id="ai-usage-empty"),
    )


def ai_tab() -> rx.Component:
    """Opt-in, stripping contact details and today's usage; loaded when the tab opens."""
    return rx.box(
        rx.cond(
            S.ai_loaded,
            rx.vstack(
                section(
                    "AI assistant",
                    "Drafts card texts, summaries and follow-ups. Your data only ever answers your own requests.",
                    _engine(),
                    _switch_row(
                        "Use the AI provider for my requests",
                        "When on, the card texts, contacts and notes a feature needs are sent to the provider. "
                        "Prompts are not logged. Off: nothing leaves MetaIC.",
                        S.external_opt_in,
                        S.set_opt_in,
                        "ai-opt-in",
                    ),
                    _switch_row(
                        "Remove emails and phone numbers from prompts",
                        "They are replaced by placeholders before anything is sent.",
                        S.strip_contact_details,
                        S.set_strip,
                        "ai-strip",
                    ),
                ),
                section(
                    "Today's usage",
                    rx.cond(
                        S.provider_configured,
                        "Provider requests count against a daily allowance that renews at midnight UTC; "
                        "offline answers are free and unlimited.",
                        "No provider is set up, so the offline assistant answers everything: free and unlimited.",
                    ),
                    rx.cond(
                        S.provider_configured,
                        rx.vstack(
                            _meter("Provider requests", S.requests_text, S.request_percent),
                            _meter("Provider tokens", S.tokens_text, S.token_percent),
                            spacing="3",
                            width="100%",
                        ),
                    ),
                    rx.cond(
                        S.exhausted,
                        rx.callout(
                            "Today's allowance is used up: the offline assistant answers until tomorrow (UTC).",
                            icon="info",
                            color_scheme="amber",
                            size="1",
                        ),
                    ),
                    _features(),
                    id="ai-usage",
                ),
                spacing="4",
                width="100%",
            ),
            rx.center(rx.spinner(size="3"), padding="48px", width="100%"),
        ),
        on_mount=S.load,
        width="100%",
    )
