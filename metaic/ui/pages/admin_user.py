"""`/admin/users/view?id=`: one account's figures, cards, sessions and history, with its actions (admins only)."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components import charts
from metaic.ui.components.admin_nav import admin_nav, denied_notice
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.admin_user import AdminUserState as V


def fact(label: str, key: str) -> rx.Component:
    """One figure of the account."""
    return rx.vstack(
        rx.text(label, size="1", weight="medium", color=styles.MUTED),
        rx.text(V.user[key], size="4", weight="bold", id=f"fact-{key}"),
        spacing="1",
        min_width="110px",
        flex="1",
    )


def header() -> rx.Component:
    """Name, address, state badges and the figures."""
    return rx.vstack(
        rx.hstack(
            rx.avatar(fallback=V.user["name"].to(str)[:1].upper(), size="5", radius="full", flex_shrink="0"),
            rx.vstack(
                rx.heading(V.user["name"], size="6", id="user-name", overflow_wrap="anywhere"),
                rx.text(V.user["email"], size="2", color=styles.MUTED, overflow_wrap="anywhere"),
                rx.hstack(
                    rx.badge(
                        V.user["status"],
                        color_scheme=rx.cond(V.user["status"] == "active", "green", "red"),
                        variant="soft",
                        id="user-status",
                    ),
                    rx.badge(V.user["role"], color_scheme="indigo", variant="soft"),
                    rx.badge(
                        rx.cond(V.user["verified"] == "yes", "email verified", "email not verified"),
                        color_scheme=rx.cond(V.user["verified"] == "yes", "green", "amber"),
                        variant="soft",
                    ),
                    rx.badge("two-step ", V.user["mfa"], variant="soft", color_scheme="gray"),
                    spacing="1",
                    wrap="wrap",
                ),
                spacing="1",
                min_width="0",
            ),
            spacing="4",
            align="center",
            width="100%",
        ),
        rx.divider(),
        rx.hstack(
            fact("Cards live/all", "cards"),
            fact("Contacts", "contacts"),
            fact("Storage", "storage"),
            fact("Sessions", "sessions"),
            fact("API tokens", "api_tokens"),
            fact("Last seen", "last_seen"),
            fact("Joined", "joined"),
            spacing="4",
            wrap="wrap",
            width="100%",
        ),
        spacing="4",
        style=styles.card_style,
    )


def action_button(key: str, label: str, icon: str, danger: bool = False) -> rx.Component:
    """A button that opens an action's confirmation."""
    return rx.button(
        rx.icon(icon, size=14),
        label,
        size="2",
        variant="soft",
        color_scheme="red" if danger else "gray",
        on_click=V.ask(key),
        id=f"action-{key}",
        justify_content="flex-start",
        width="100%",
    )


def actions() -> rx.Component:
    """Every action that applies to this account now."""
    return charts.panel(
        "Actions",
        rx.vstack(
            rx.cond(
                V.user["status"] == "active",
                action_button("suspend", "Suspend", "ban", danger=True),
                action_button("reactivate", "Reactivate", "rotate-ccw"),
            ),
            rx.cond(
                V.user["role"] == "admin",
                action_button("make_user", "Remove admin", "shield-off"),
                action_button("make_admin", "Make admin", "shield"),
            ),
            action_button("sign_out", "Sign out everywhere", "log-out"),
            rx.cond(V.user["mfa"] == "on", action_button("reset_mfa", "Reset two-step sign-in", "key-round")),
            rx.cond(V.user["verified"] == "no", action_button("resend_verification", "Resend verification", "mail")),
            action_button("erase", "Erase account", "trash-2", danger=True),
            spacing="2",
            width="100%",
        ),
        subtitle="Each action asks first and is kept in the audit log.",
        id="user-actions",
        align_self="start",
    )


def card_row(card: rx.Var) -> rx.Component:
    """One of the account's cards."""
    return rx.hstack(
        rx.vstack(
            rx.text(card["name"], weight="medium", size="2", overflow_wrap="anywhere"),
            rx.text("/c/", card["slug"], size="1", color=styles.MUTED, overflow_wrap="anywhere"),
            spacing="0",
            min_width="0",
        ),
        rx.spacer(),
        rx.badge(card["state"], variant="soft", color_scheme=rx.cond(card["state"] == "live", "green", "gray")),
        width="100%",
        align="center",
        padding_y="8px",
        border_bottom=styles.BORDER,
    )


def session_row(item: rx.Var) -> rx.Component:
    """One signed-in browser."""
    return rx.hstack(
        rx.icon("monitor-smartphone", size=16, color=styles.MUTED),
        rx.text(item["device"], size="2"),
        rx.spacer(),
        rx.text(item["last_seen"], size="1", color=styles.MUTED),
        width="100%",
        align="center",
        padding_y="6px",
    )


def event_row(item: rx.Var) -> rx.Component:
    """One audit entry about the account."""
    return rx.hstack(
        rx.badge(
            item["category"], variant="outline", color_scheme=rx.cond(item["category"] == "admin", "indigo", "gray")
        ),
        rx.vstack(
            rx.text(item["what"], size="2", overflow_wrap="anywhere"),
            rx.text(item["detail"], size="1", color=styles.MUTED, overflow_wrap="anywhere"),
            spacing="0",
            min_width="0",
        ),
        rx.spacer(),
        rx.text(item["when"], size="1", color=styles.MUTED, white_space="nowrap"),
        width="100%",
        align="center",
        padding_y="6px",
        border_bottom=styles.BORDER,
    )


def empty_line(text: str) -> rx.Component:
    """What an empty list says."""
    return rx.text(text, size="2", color=styles.MUTED)


def lists() -> rx.Component:
    """Cards, sessions and history."""
    return rx.vstack(
        charts.panel(
            "Cards",
            rx.cond(
                V.cards.length() == 0,
                empty_line("No cards yet."),
                rx.vstack(rx.foreach(V.cards, card_row), spacing="0", width="100%"),
            ),
            id="user-cards",
        ),
        charts.panel(
            "Signed-in browsers",
            rx.cond(
                V.sessions.length() == 0,
                empty_line("Not signed in anywhere."),
                rx.vstack(rx.foreach(V.sessions, session_row), spacing="0", width="100%"),
            ),
            id="user-sessions",
        ),
        charts.panel(
            "Recent history",
            rx.cond(
                V.events.length() == 0,
                empty_line("Nothing recorded yet."),
                rx.vstack(rx.foreach(V.events, event_row), spacing="0", width="100%"),
            ),
            rx.link("Full audit log →", href="/admin/audit?q=" + V.user_id, size="2"),
            id="user-history",
        ),
        spacing="3",
        width="100%",
    )


def confirm_dialog() -> rx.Component:
    """Asks before an action runs; suspension and two-step reset take a text."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(V.pending_label, "?"),
            rx.alert_dialog.description(V.pending_warning, size="2"),
            rx.cond(
                V.pending_input != "",
                rx.input(
                    placeholder=V.pending_input, value=V.text, on_change=V.set_text, margin_top="12px", id="action-text"
                ),
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray", on_click=V.cancel)),
                rx.alert_dialog.action(
                    rx.button(
                        V.pending_label,
                        color_scheme=rx.cond((V.pending == "suspend") | (V.pending == "erase"), "red", "indigo"),
                        on_click=V.confirm,
                        id="action-confirm",
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
            max_width="440px",
        ),
        open=V.pending != "",
    )


def admin_user() -> rx.Component:
    """One account's admin page."""
    return page(
        rx.cond(
            V.denied,
            denied_notice("accounts"),
            rx.cond(
                V.loaded & V.signed_in,
                rx.vstack(
                    admin_nav("/admin/users"),
                    rx.link(
                        rx.hstack(rx.icon("arrow-left", size=14), "All users", spacing="1", align="center"),
                        href="/admin/users",
                        size="2",
                    ),
                    rx.cond(
                        V.user.contains("email"),
                        rx.vstack(
                            header(),
                            rx.grid(
                                lists(),
                                actions(),
                                columns=rx.breakpoints(initial="1", md="3fr 1fr"),
                                spacing="3",
                                width="100%",
                            ),
                            spacing="3",
                            width="100%",
                            opacity=rx.cond(V.loading, "0.6", "1"),
                        ),
                        rx.cond(
                            V.loading,
                            rx.skeleton(rx.box(height="200px", width="100%"), loading=True),
                            charts.empty_state(
                                rx.icon("user-x", size=26, color="var(--indigo-10)"),
                                "No such account",
                                "It may have been erased. Search for it on the users page.",
                                rx.link(rx.button("All users", variant="soft"), href="/admin/users"),
                            ),
                        ),
                    ),
                    confirm_dialog(),
                    spacing="4",
                    width="100%",
                ),
                loading_block(),
            ),
        ),
    )
