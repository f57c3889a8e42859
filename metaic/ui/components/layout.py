"""Page frames: the public top bar, the signed-in app shell and the centred auth card."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.bell import bell
from metaic.ui.components.search_box import search_box
from metaic.ui.state.messages import MessagesState
from metaic.ui.state.session import SessionState, go_to


def logo() -> rx.Component:
    """The wordmark, linking home."""
    return rx.link(
        rx.hstack(
            rx.center(
                rx.icon("contact", size=18, color="white"),
                width="32px",
                height="32px",
                border_radius="9px",
                background=styles.ACCENT,
            ),
            rx.text(styles.BRAND, size="5", weight="bold", color="var(--gray-12)"),
            align="center",
            spacing="2",
        ),
        href="/",
        underline="none",
    )


def user_menu() -> rx.Component:
    """Avatar menu for a signed-in user."""
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.avatar(fallback=SessionState.initials, size="2", radius="full"),
                rx.text(SessionState.display_name, display=["none", "none", "none", "none", "none", "block"]),
                rx.icon("chevron-down", size=14),
                variant="ghost",
                color_scheme="gray",
                id="user-menu",
            )
        ),
        rx.menu.content(
            rx.menu.item(rx.icon("layout-dashboard", size=14), "Dashboard", on_click=rx.redirect("/dashboard")),
            rx.menu.item(rx.icon("id-card", size=14), "Your cards", on_click=rx.redirect("/cards")),
            rx.menu.item(rx.icon("chart-line", size=14), "Analytics", on_click=rx.redirect("/analytics")),
            rx.menu.item(rx.icon("users", size=14), "Contacts", on_click=rx.redirect("/contacts")),
            rx.menu.item(rx.icon("waypoints", size=14), "Network", on_click=rx.redirect("/network")),
            rx.menu.item(rx.icon("sparkles", size=14), "Ask MetaIC", on_click=rx.redirect("/assistant")),
            rx.menu.item(rx.icon("messages-square", size=14), "Messages", on_click=rx.redirect("/messages")),
            rx.menu.item(rx.icon("file-text", size=14), "Message templates", on_click=rx.redirect("/templates")),
            rx.menu.item(rx.icon("book-user", size=14), "Directory", on_click=go_to("/directory")),
            rx.menu.item(rx.icon("settings", size=14), "Account settings", on_click=rx.redirect("/account")),
            rx.cond(
                SessionState.is_admin,
                rx.menu.item(
                    rx.icon("shield", size=14), "Admin console", on_click=rx.redirect("/admin"), id="menu-admin"
                ),
            ),
            rx.cond(
                SessionState.is_admin,
                rx.menu.item(rx.icon("server-cog", size=14), "Background jobs", on_click=rx.redirect("/admin/jobs")),
            ),
            rx.cond(
                SessionState.is_admin,
                rx.menu.item(
                    rx.icon("chart-area", size=14), "Platform analytics", on_click=rx.redirect("/admin/analytics")
                ),
            ),
            rx.cond(
                SessionState.is_admin,
                rx.menu.item(rx.icon("chart-bar", size=14), "Search analytics", on_click=rx.redirect("/admin/search")),
            ),
            rx.menu.separator(),
            rx.menu.item(
                rx.icon("log-out", size=14),
                "Sign out",
                on_click=SessionState.sign_out,
                id="sign-out",
                color="var(--red-11)",
            ),
        ),
    )


def app_nav() -> rx.Component:
    """Links to the signed-in areas (hidden on phones, where the menu has them)."""
    return rx.hstack(
        rx.link("Dashboard", href="/dashboard", style=styles.nav_link, underline="none"),
        rx.link("Cards", href="/cards", style=styles.nav_link, underline="none", id="nav-cards"),
        rx.link("Analytics", href="/analytics", style=styles.nav_link, underline="none", id="nav-analytics"),
        rx.link("Contacts", href="/contacts", style=styles.nav_link, underline="none", id="nav-contacts"),
        rx.link("Network", href="/network", style=styles.nav_link, underline="none", id="nav-network"),
        rx.link(
            "Ask MetaIC",
            href="/assistant",
            style={**styles.nav_link, "white_space": "nowrap"},
            underline="none",
            id="nav-assistant",
        ),
        rx.link(
            rx.hstack(
                "Messages",
                rx.cond(
                    MessagesState.unread_total > 0,
                    rx.badge(
                        MessagesState.unread_badge,
                        color_scheme="red",
                        variant="solid",
                        radius="full",
                        size="1",
                        id="nav-messages-count",
                    ),
                ),
                align="center",
                spacing="1",
            ),
            href="/messages",
            style=styles.nav_link,
            underline="none",
            id="nav-messages",
        ),
        rx.el.a(
            "Directory", href="/directory", style={**styles.nav_link, "text_decoration": "none"}, id="nav-directory"
        ),
        spacing="4",
        margin_left="32px",
        display=["none", "none", "flex"],
    )


def top_bar() -> rx.Component:
    """The bar across every page."""
    return rx.box(
        rx.hstack(
            logo(),
            rx.cond(SessionState.signed_in, app_nav()),
            rx.spacer(),
            rx.cond(
                SessionState.signed_in,
                rx.hstack(search_box(), bell(), user_menu(), align="center", spacing="3"),
                rx.hstack(
                    rx.link("Sign in", href="/login", style=styles.nav_link, underline="none"),
                    rx.button("Get started", on_click=rx.redirect("/signup"), size="2"),
                    spacing="4",
                    align="center",
                ),
            ),
            align="center",
            max_width=styles.CONTENT_WIDTH,
            margin="0 auto",
            width="100%",
            padding_x=["16px", "24px"],
            height="64px",
        ),
        border_bottom=styles.BORDER,
        background="var(--color-panel-solid)",
        position="sticky",
        top="0",
        z_index="10",
        width="100%",
    )


def footer() -> rx.Component:
    """Small print at the bottom of public pages."""
    return rx.hstack(
        rx.text("© 2026 MetaIC", size="1", color=styles.MUTED),
        rx.spacer(),
        rx.el.a(rx.text("Privacy", size="1", color=styles.MUTED), href="/privacy", id="footer-privacy"),
        rx.el.a(rx.text("API", size="1", color=styles.MUTED), href="/api/v1/docs"),
        max_width=styles.CONTENT_WIDTH,
        margin="0 auto",
        width="100%",
        padding="24px",
    )


def service_notice() -> rx.Component:
    """While Redis is unreachable: a quiet strip under the bar saying what still works (everything that matters)."""
    return rx.cond(
        SessionState.degraded,
        rx.box(
            rx.hstack(
                rx.icon("cloud-off", size=16, flex_shrink="0", margin_top="2px"),
                rx.text(
                    rx.text.strong("Running in reduced mode. "),
                    "Your changes are saved as usual; live updates may arrive a little late.",
                    size="2",
                ),
                align="start",
                spacing="2",
                max_width=styles.CONTENT_WIDTH,
                margin="0 auto",
                width="100%",
                padding=["10px 16px", "10px 24px"],
            ),
            id="degraded-notice",
            role="status",
            background="var(--amber-3)",
            color="var(--amber-12)",
            border_bottom="1px solid var(--amber-6)",
            width="100%",
        ),
    )


def page(*children: rx.Component, width: str = styles.CONTENT_WIDTH) -> rx.Component:
    """A full page: top bar, a notice while in reduced mode, centred content column, footer."""
    return rx.box(
        top_bar(),
        service_notice(),
        rx.box(*children, max_width=width, margin="0 auto", width="100%", padding=["20px 16px", "32px 24px"]),
        footer(),
        min_height="100vh",
        background=styles.PAGE_BG,
    )


def auth_card(title: str, subtitle: str | rx.Var, *children: rx.Component) -> rx.Component:
    """The centred card used by sign-in, sign-up and password pages."""
    return page(
        rx.center(
            rx.vstack(
                rx.heading(title, size="7", weight="bold"),
                rx.text(subtitle, color=styles.MUTED, size="3"),
                *children,
                spacing="4",
                width="100%",
                style=styles.card_style,
                max_width=styles.FORM_WIDTH,
            ),
            width="100%",
            padding_top=["8px", "32px"],
        ),
    )


def loading_block() -> rx.Component:
    """Shown while a private page checks the session."""
    return rx.center(rx.spinner(size="3"), padding="64px", width="100%")
