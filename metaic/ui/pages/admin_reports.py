"""`/admin/reports`: reported cards grouped by card, takedowns, appeals and blocked words (admins only)."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.admin_nav import admin_header, denied_notice
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.admin_reports import AdminReportsState as R


def report_line(item: rx.Var) -> rx.Component:
    """One visitor's report."""
    return rx.vstack(
        rx.hstack(
            rx.badge(item["reason"], color_scheme="orange", variant="soft", radius="full"),
            rx.text(item["when"], size="1", color=styles.MUTED),
            rx.cond(item["resolution"] != "", rx.badge(item["resolution"], color_scheme="gray", variant="outline")),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            item["details"] != "",
            rx.text(item["details"], size="2", white_space="pre-wrap", overflow_wrap="anywhere"),
        ),
        rx.cond(
            item["contact"] != "",
            rx.text(
                "Reporter: ",
                rx.link(item["contact"], href="mailto:" + item["contact"]),
                size="1",
                overflow_wrap="anywhere",
            ),
        ),
        spacing="1",
        padding="10px 0",
        border_top=styles.BORDER,
        width="100%",
        class_name="report-line",
    )


def quoted(title: str, text: rx.Var, color: str) -> rx.Component:
    """A labelled block of someone's words (the takedown reason, the owner's appeal)."""
    return rx.box(
        rx.text(title, size="1", weight="bold", color=f"var(--{color}-11)", text_transform="uppercase"),
        rx.text(text, size="2", white_space="pre-wrap", margin_top="2px", overflow_wrap="anywhere"),
        padding="10px 12px",
        border_radius="10px",
        background=f"var(--{color}-a2)",
        border=f"1px solid var(--{color}-a5)",
        width="100%",
    )


def case_actions(case: rx.Var) -> rx.Component:
    """What an admin may do with this card now."""
    ask = R.ask
    return rx.hstack(
        rx.link(
            rx.button(rx.icon("external-link", size=14), "Open card", variant="soft", color_scheme="gray", size="2"),
            href="/c/" + case["slug"].to(str),
            is_external=True,
        ),
        rx.cond(
            case["appeal"] == "pending",
            rx.fragment(
                rx.button(
                    "Refuse appeal",
                    variant="soft",
                    color_scheme="red",
                    size="2",
                    on_click=ask("uphold", case["card_id"], case["takedown_id"], case["name"]),
                    class_name="uphold-appeal",
                ),
                rx.button(
                    "Grant appeal",
                    size="2",
                    color_scheme="green",
                    on_click=ask("grant", case["card_id"], case["takedown_id"], case["name"]),
                    class_name="grant-appeal",
                ),
            ),
            rx.fragment(
                rx.cond(
                    case["open"] != "0",
                    rx.button(
                        "Dismiss",
                        variant="soft",
                        color_scheme="gray",
                        size="2",
                        on_click=R.dismiss(case["card_id"]),
                        class_name="dismiss-reports",
                    ),
                ),
                rx.cond(
                    case["state"] == "online",
                    rx.button(
                        rx.icon("ban", size=14),
                        "Take down",
                        color_scheme="red",
                        size="2",
                        on_click=ask("take_down", case["card_id"], "", case["name"]),
                        class_name="take-down",
                    ),
                    rx.button(
                        rx.icon("rotate-ccw", size=14),
                        "Restore",
                        size="2",
                        on_click=ask("restore", case["card_id"], case["takedown_id"], case["name"]),
                        class_name="restore-card",
                    ),
                ),
            ),
        ),
        spacing="2",
        wrap="wrap",
        justify="end",
    )


def case_card(case: rx.Var) -> rx.Component:
    """One reported card: who and what, the reports, the takedown and the appeal, the actions."""
    return rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.text(case["name"], weight="bold", size="4", overflow_wrap="anywhere", min_width="0"),
                    rx.badge(
                        case["state"],
                        color_scheme=rx.cond(case["state"] == "online", "green", "red"),
                        variant="soft",
                        radius="full",
                    ),
                    rx.cond(
                        case["appeal"] == "pending",
                        rx.badge("appeal waiting", color_scheme="amber", variant="solid", radius="full"),
                    ),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(
                    "/c/",
                    case["slug"],
                    " · ",
                    rx.link(case["owner"], href="/admin/users/view?id=" + case["owner_id"].to(str)),
                    size="2",
                    color=styles.MUTED,
                    overflow_wrap="anywhere",
                ),
                spacing="1",
                flex="1 1 auto",
                min_width="0",
            ),
            # Beside the name; under it when a long name needs the whole line.
            rx.vstack(
                rx.cond(
                    case["count"] == "0",  # an appeal about a card whose reports were handled already
                    rx.text("Appeal", size="2", weight="medium"),
                    rx.text(case["count"], " report(s)", size="2", weight="medium"),
                ),
                rx.text(rx.cond(case["count"] == "0", "sent ", "last "), case["last"], size="1", color=styles.MUTED),
                align="end",
                spacing="0",
                flex_shrink="0",
                margin_left="auto",
            ),
            width="100%",
            align="start",
            wrap="wrap",
        ),
        rx.cond(case["state"] == "offline", quoted("Taken down", case["takedown_reason"], "red")),
        rx.cond(case["appeal"] != "", quoted("Owner's appeal", case["appeal_text"], "amber")),
        rx.cond(case["appeal_note"] != "", quoted("Answer", case["appeal_note"], "gray")),
        rx.box(rx.foreach(case["reports"].to(list[dict[str, str]]), report_line), width="100%"),
        case_actions(case),
        align="stretch",
        spacing="3",
        style=styles.card_style,
        width="100%",
        class_name="report-case",
    )


def empty_state() -> rx.Component:
    """Nothing in this view."""
    return rx.vstack(
        rx.icon("shield-check", size=32, color="var(--green-9)"),
        rx.text(rx.cond(R.view == "open", "No open reports", "Nothing handled yet"), weight="bold", size="3"),
        rx.text(
            rx.cond(
                R.view == "open",
                "Reports visitors send with a card's “Report this card” link, and owners' appeals, show up here.",
                "Dismissed reports, takedowns and restored cards show up here.",
            ),
            size="2",
            color=styles.MUTED,
            text_align="center",
            max_width="380px",
        ),
        align="center",
        spacing="2",
        padding="48px 16px",
        style=styles.card_style,
        width="100%",
        id="reports-empty",
    )


def term_row(term: rx.Var) -> rx.Component:
    """One blocked word or reserved address."""
    return rx.hstack(
        rx.icon(rx.cond(term["kind"] == "slug", "at-sign", "ban"), size=14, color=styles.MUTED),
        rx.text(term["term"], size="2", flex="1", min_width="0", class_name="blocked-term"),
        rx.icon_button(
            rx.icon("x", size=14),
            size="1",
            variant="ghost",
            color_scheme="gray",
            on_click=R.remove_term(term["id"]),
            aria_label="Remove",
        ),
        align="center",
        width="100%",
        padding_y="4px",
    )


def terms_panel() -> rx.Component:
    """Blocked words and reserved addresses, with the add form."""
    return rx.vstack(
        rx.heading("Blocked words", size="4"),
        rx.text(
            "Cards holding a blocked word (in their address or texts) cannot be published. "
            "Reserved addresses add to the built-in ones.",
            size="2",
            color=styles.MUTED,
        ),
        rx.form(
            rx.vstack(
                rx.select.root(
                    rx.select.trigger(width="100%"),
                    rx.select.content(
                        rx.select.item("Blocked word", value="word"), rx.select.item("Reserved address", value="slug")
                    ),
                    value=R.term_kind,
                    on_change=R.set_term_kind,
                    size="2",
                ),
                rx.hstack(
                    rx.input(name="term", placeholder="Word or phrase", size="2", flex="1", id="term-input"),
                    rx.button("Add", type="submit", size="2", id="term-add"),
                    width="100%",
                ),
                width="100%",
                spacing="2",
            ),
            on_submit=R.add_term,
            reset_on_submit=True,
            width="100%",
        ),
        rx.cond(
            R.terms.length() == 0,
            rx.text("The list is empty.", size="2", color=styles.MUTED),
            rx.vstack(rx.foreach(R.terms, term_row), spacing="0", width="100%"),
        ),
        spacing="3",
        style=styles.card_style,
        width="100%",
        id="blocked-terms",
    )


def action_dialog() -> rx.Component:
    """The confirmation of a takedown, restore or appeal decision, with its text."""
    info = R.dialog_info
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(info[0]),
            rx.alert_dialog.description(rx.text.strong(R.dialog_name), " — ", info[1], size="2"),
            rx.text(info[2], size="2", weight="medium", margin_top="14px"),
            rx.text_area(
                value=R.text,
                on_change=R.set_text,
                rows="4",
                width="100%",
                margin_top="6px",
                id="dialog-text",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray", on_click=R.cancel)),
                rx.alert_dialog.action(
                    rx.button(
                        info[3],
                        color_scheme=rx.cond((R.dialog == "take_down") | (R.dialog == "uphold"), "red", "green"),
                        disabled=~R.can_confirm,
                        on_click=R.confirm,
                        id="dialog-confirm",
                    )
                ),
                justify="end",
                spacing="3",
                margin_top="16px",
            ),
            max_width="480px",
        ),
        open=R.dialog != "",
    )


def summary() -> rx.Component:
    """Open reports, cards and waiting appeals in one line."""
    return rx.text(
        R.counts["reports"].to_string(),
        " open report(s) on ",
        R.counts["cards"].to_string(),
        " card(s) · ",
        R.counts["appeals"].to_string(),
        " appeal(s) waiting",
        size="2",
        color=styles.MUTED,
        id="reports-summary",
    )


def admin_reports() -> rx.Component:
    """The admin reports page."""
    views = rx.segmented_control.root(
        rx.segmented_control.item("Open", value="open"),
        rx.segmented_control.item("Resolved", value="resolved"),
        value=R.view,
        on_change=R.set_view,
        id="reports-view",
    )
    return page(
        rx.cond(
            R.denied,
            denied_notice("reports"),
            rx.cond(
                R.loaded & R.signed_in,
                rx.vstack(
                    admin_header("/admin/reports", "Reports", "Cards visitors reported, takedowns and appeals.", views),
                    rx.cond(R.failed != "", rx.callout(R.failed, icon="triangle-alert", color_scheme="red")),
                    summary(),
                    rx.grid(
                        rx.vstack(
                            rx.cond(R.cases.length() == 0, empty_state(), rx.foreach(R.cases, case_card)),
                            spacing="3",
                            width="100%",
                            opacity=rx.cond(R.loading, "0.6", "1"),
                        ),
                        terms_panel(),
                        columns=rx.breakpoints(initial="1", md="minmax(0, 1fr) 300px"),
                        spacing="4",
                        width="100%",
                        align_items="start",
                    ),
                    action_dialog(),
                    spacing="4",
                    width="100%",
                ),
                loading_block(),
            ),
        ),
    )
