"""The admin console's sub-navigation: one row of tabs under the page title, scrollable on phones."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles

ADMIN_LINKS = (
    ("Overview", "/admin", "layout-dashboard"),
    ("Users", "/admin/users", "users"),
    ("Audit log", "/admin/audit", "scroll-text"),
    ("Reports", "/admin/reports", "flag"),
    ("Jobs", "/admin/jobs", "server-cog"),
    ("Analytics", "/admin/analytics", "chart-area"),
    ("Search", "/admin/search", "chart-bar"),
)


def _tab(label: str, href: str, icon: str, current: str) -> rx.Component:
    """One tab; the current one is highlighted."""
    on = href == current
    return rx.link(
        rx.hstack(rx.icon(icon, size=14), rx.text(label, size="2", weight="medium"), spacing="2", align="center"),
        href=href,
        underline="none",
        color="var(--indigo-11)" if on else styles.MUTED,
        background="var(--indigo-3)" if on else "transparent",
        padding="6px 12px",
        border_radius="8px",
        white_space="nowrap",
        class_name="admin-tab" + (" admin-tab-current" if on else ""),
        _hover={"background": "var(--indigo-3)" if on else "var(--gray-a3)"},
    )


def admin_nav(current: str) -> rx.Component:
    """Overview, Users, Audit log, Reports, Jobs, Analytics and Search; `current` is this page's address."""
    return rx.hstack(
        rx.badge(rx.icon("shield", size=12), "Admin", color_scheme="indigo", variant="soft", flex_shrink="0"),
        *[_tab(label, href, icon, current) for label, href, icon in ADMIN_LINKS],
        spacing="1",
        align="center",
        width="100%",
        overflow_x="auto",
        padding_bottom="10px",
        border_bottom=styles.BORDER,
        id="admin-nav",
    )


def admin_header(current: str, title: str, subtitle: str, *actions: rx.Component) -> rx.Component:
    """The console's navigation, then the page title with its one-line purpose and actions on the right."""
    return rx.vstack(
        admin_nav(current),
        rx.hstack(
            rx.vstack(
                rx.heading(title, size="7"),
                rx.text(subtitle, size="2", color=styles.MUTED),
                spacing="1",
                min_width="0",
            ),
            rx.spacer(),
            *actions,
            align="end",
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        spacing="5",
        width="100%",
    )


def denied_notice(what: str) -> rx.Component:
    """What a signed-in non-admin sees instead of the page."""
    return rx.callout(
        f"Only administrators can see {what}.", icon="shield-alert", color_scheme="red", id="admin-denied"
    )
