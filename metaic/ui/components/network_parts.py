"""Pieces of the Network page: a suggestion, an introduction, a digest line, skeletons and empty states."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.state.network import NetworkState as N

panel_style = {**styles.card_style, "padding": ["16px", "20px"]}


def avatar(initials: rx.Var, directory: rx.Var | bool = False) -> rx.Component:
    """A round badge with someone's initials (violet for directory members)."""
    return rx.center(
        rx.text(initials, size="2", weight="bold"),
        width="40px",
        height="40px",
        min_width="40px",
        border_radius="999px",
        background=rx.cond(directory, "var(--violet-3)", "var(--indigo-3)"),
        color=rx.cond(directory, "var(--violet-11)", "var(--indigo-11)"),
    )


def reason_line(text: rx.Var) -> rx.Component:
    """Why this person: the matched offer and the owner's ask."""
    return rx.hstack(
        rx.icon("sparkles", size=14, color=styles.ACCENT, flex_shrink="0", margin_top="3px"),
        rx.text(text, size="2", color="var(--gray-12)", overflow_wrap="anywhere", min_width="0"),
        align="start",
        spacing="2",
        width="100%",
    )


def suggestion_card(s: rx.Var) -> rx.Component:
    """One suggested person with their reason and the actions that fit their kind."""
    directory = s["kind"] == "directory"
    contact_actions = rx.hstack(
        rx.button(rx.icon("mail", size=14), "Message", size="2", on_click=N.message_contact(s["contact_id"])),
        rx.link(
            rx.button("Open contact", size="2", variant="soft", color_scheme="gray"),
            href="/contacts/view?id=" + s["contact_id"].to(str),
        ),
        spacing="2",
        wrap="wrap",
    )
    directory_actions = rx.hstack(
        rx.button(rx.icon("mail", size=14), "Message", size="2", on_click=N.message_card(s["slug"])),
        rx.button(
            rx.icon("user-plus", size=14), "Save card", size="2", variant="soft", on_click=N.save_card(s["slug"])
        ),
        rx.button(
            rx.icon("external-link", size=14),
            "View card",
            size="2",
            variant="soft",
            color_scheme="gray",
            on_click=rx.redirect("/c/" + s["slug"].to(str), is_external=True),
        ),
        spacing="2",
        wrap="wrap",
        align="center",
    )
    return rx.vstack(
        rx.hstack(
            avatar(s["initials"], directory),
            rx.vstack(
                rx.hstack(
                    rx.text(s["name"], weight="bold", size="3", overflow_wrap="anywhere", min_width="0"),
                    rx.cond(
                        directory,
                        rx.badge("Directory", color_scheme="violet", variant="soft"),
                        rx.badge("Contact", color_scheme="indigo", variant="soft"),
                    ),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.cond(
                    s["headline"] != "",
                    rx.text(s["headline"], size="2", color=styles.MUTED, overflow_wrap="anywhere"),
                ),
                spacing="0",
                min_width="0",
            ),
            spacing="3",
            align="center",
            width="100%",
        ),
        reason_line(s["reason"]),
        rx.cond(directory, directory_actions, contact_actions),
        spacing="3",
        style=panel_style,
        class_name="network-suggestion",
        data_kind=s["kind"],
    )


def pair_names(first: rx.Var, second: rx.Var) -> rx.Component:
    """ "Ana ↔ Ben" """
    return rx.hstack(
        rx.text(first, weight="bold", size="2", overflow_wrap="anywhere", min_width="0"),
        rx.icon("arrow-left-right", size=14, color=styles.MUTED, flex_shrink="0"),
        rx.text(second, weight="bold", size="2", overflow_wrap="anywhere", min_width="0"),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def intro_suggestion(i: rx.Var) -> rx.Component:
    """A pair worth introducing, with the start and dismiss actions."""
    return rx.vstack(
        pair_names(i["first_name"], i["second_name"]),
        rx.text(i["reason"], size="2", color=styles.MUTED, overflow_wrap="anywhere"),
        rx.hstack(
            rx.button(
                rx.icon("handshake", size=14),
                "Start introduction",
                size="2",
                on_click=N.start_intro(i["first_id"], i["second_id"]),
                class_name="start-intro",
            ),
            rx.button(
                "Dismiss",
                size="2",
                variant="ghost",
                color_scheme="gray",
                on_click=N.dismiss_intro(i["first_id"], i["second_id"]),
            ),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        spacing="2",
        padding_y="12px",
        border_top=styles.BORDER,
        width="100%",
    )


def intro_open(i: rx.Var) -> rx.Component:
    """An introduction under way: where it stands and the next step."""
    asking = (i["status"] == "asking_first") | (i["status"] == "asking_second")
    asked = rx.cond(i["status"] == "asking_first", i["first_name"], i["second_name"])
    step = rx.cond(i["status"] == "asking_first", "ask_first", "ask_second")
    return rx.vstack(
        rx.hstack(
            pair_names(i["first_name"], i["second_name"]),
            rx.badge(i["status_label"], color_scheme=rx.cond(asking, "amber", "green"), variant="soft"),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            asking,
            rx.hstack(
                rx.button(asked.to(str) + " said yes", size="1", on_click=N.answer_intro(i["id"], True)),
                rx.button(
                    "Said no", size="1", variant="soft", color_scheme="gray", on_click=N.answer_intro(i["id"], False)
                ),
                rx.button("Write again", size="1", variant="ghost", on_click=N.write_intro(i["id"], step)),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            rx.hstack(
                rx.button(
                    "Write to " + i["first_name"].to(str),
                    size="1",
                    variant="soft",
                    on_click=N.write_intro(i["id"], "introduce_first"),
                ),
                rx.button(
                    "Write to " + i["second_name"].to(str),
                    size="1",
                    variant="soft",
                    on_click=N.write_intro(i["id"], "introduce_second"),
                ),
                spacing="2",
                wrap="wrap",
            ),
        ),
        spacing="2",
        padding_y="12px",
        border_top=styles.BORDER,
        width="100%",
    )


def digest_line(d: rx.Var) -> rx.Component:
    """One person in the weekly digest with its single action."""
    return rx.vstack(
        rx.text(d["title"], size="1", weight="medium", color=styles.MUTED, text_transform="uppercase"),
        rx.text(rx.text.strong(d["name"]), " · ", d["detail"], size="2", overflow_wrap="anywhere"),
        rx.link(rx.hstack(d["action"], rx.icon("arrow-right", size=14), spacing="1", align="center"), href=d["url"]),
        spacing="1",
        padding_y="10px",
        border_top=styles.BORDER,
        width="100%",
        class_name="digest-item",
    )


def skeleton_card() -> rx.Component:
    """A placeholder while suggestions load."""
    return rx.vstack(
        rx.hstack(
            rx.skeleton(width="40px", height="40px", border_radius="999px"),
            rx.skeleton(height="16px", width="40%"),
            align="center",
            spacing="3",
            width="100%",
        ),
        rx.skeleton(height="14px", width="90%"),
        rx.skeleton(height="28px", width="50%"),
        spacing="3",
        style=panel_style,
    )


def empty(icon: str, title: str, text: str, *actions: rx.Component, box_id: str = "") -> rx.Component:
    """A calm empty state: what is missing and how to get it."""
    return rx.vstack(
        rx.center(
            rx.icon(icon, size=22, color=styles.ACCENT),
            width="44px",
            height="44px",
            border_radius="12px",
            background="var(--indigo-3)",
        ),
        rx.text(title, weight="bold", size="3"),
        rx.text(text, size="2", color=styles.MUTED, text_align="center", max_width="420px"),
        *actions,
        align="center",
        spacing="2",
        style=panel_style,
        padding_y="32px",
        id=box_id or None,
    )
