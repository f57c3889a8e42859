"""Page frames: the public top bar, the signed-in app shell and the centred auth card."""

from __future__ import annotations

import reflex as rx
from reflex.components.react_router.dom import ReactRouterLink

from metaic.ui import styles
from metaic.ui.components.bell import bell
from metaic.ui.components.search_box import search_box
from metaic.ui.state.messages import MessagesState
from metaic.ui.state.session import SessionState


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


# The signed-in destinations. The five used most are links across the bar; the rest wait under "More", so the
# bar keeps room for search, the bell and the account menu at 1024 px. Phones show neither: the account menu lists
# them all. (label, address, icon, element id.)
PRIMARY = (
    ("Dashboard", "/dashboard", "layout-dashboard", "nav-dashboard"),
    ("Cards", "/cards", "id-card", "nav-cards"),
    ("Analytics", "/analytics", "chart-line", "nav-analytics"),
    ("Contacts", "/contacts", "users", "nav-contacts"),
    ("Messages", "/messages", "messages-square", "nav-messages"),
)
MORE = (
    ("Network", "/network", "waypoints", "nav-network"),
    ("Ask MetaIC", "/assistant", "sparkles", "nav-assistant"),
    ("Message templates", "/templates", "file-text", "nav-templates"),
    ("Directory", "/directory", "book-user", "nav-directory"),
)
# Server-rendered routes (not Reflex pages): reached by a full page load, not client routing.
SERVER_ROUTES = {"/directory"}
DESKTOP_ONLY = ["none", "none", "flex"]
PHONE_ONLY = ["flex", "flex", "none"]

CURRENT = "&[aria-current='page'], &[data-current='true']"
NAV_ITEM = {
    "display": "flex",
    "align_items": "center",
    "gap": "6px",
    "height": "32px",
    # Tighter on tablets (768-991 px), where five links, search, the bell and the avatar only just fit.
    "padding_x": ["6px", "6px", "6px", "10px"],
    "border_radius": "8px",
    "color": "var(--gray-11)",
    "font_size": "14px",
    "font_weight": "500",
    "white_space": "nowrap",
    "text_decoration": "none",
    "cursor": "pointer",
    "_hover": {"color": "var(--gray-12)", "background": "var(--gray-a3)"},
    CURRENT: {"color": "var(--accent-11)", "background": "var(--accent-a3)"},
}
MENU_CURRENT = {CURRENT: {"color": "var(--accent-11)", "font_weight": "600"}}


# Pages with their own menu row: a page under one of them is not also "under" the parent row.
OWN_ROWS = {"/admin": ("/admin/jobs", "/admin/analytics", "/admin/search")}


def is_current(href: str) -> rx.Var:
    """Whether the browser is on `href` or a page under it (/contacts/view counts as Contacts).

    /admin/users counts as the Admin console, /admin/jobs only as Background jobs (its own row).
    """
    path = SessionState.router.url.path
    current = (path == href) | path.startswith(href + "/")
    for child in OWN_ROWS.get(href, ()):
        current = current & ~((path == child) | path.startswith(child + "/"))
    return current


def current_attr(href: str) -> dict:
    """`aria-current="page"` on the link to the page being shown: read by screen readers, styled by NAV_ITEM."""
    return {"aria-current": rx.cond(is_current(href), "page", "false")}


def unread_badge(**props) -> rx.Component:
    """The unread-messages count, when there is one."""
    return rx.cond(
        MessagesState.unread_total > 0,
        rx.badge(MessagesState.unread_badge, color_scheme="red", variant="solid", radius="full", size="1", **props),
    )


def nav_link(label: str, href: str, element_id: str) -> rx.Component:
    """One link across the bar, highlighted on its own page."""
    badge = [unread_badge(id="nav-messages-count")] if href == "/messages" else []
    return rx.link(
        label, *badge, href=href, id=element_id, underline="none", style=NAV_ITEM, custom_attrs=current_attr(href)
    )


def menu_link(label: str, href: str, icon: str, element_id: str = "", **props) -> rx.Component:
    """A menu row that is a real link (opens in a new tab too), highlighted on its own page."""
    ids = {"id": element_id} if element_id else {}
    body = [rx.icon(icon, size=14), label]
    if href == "/messages":
        body += [rx.spacer(), unread_badge()]
    # A plain anchor, not rx.link: a Radix menu item hands its child an array of children, which the Slot inside
    # rx.link refuses ("Slot failed to slot onto its children") the moment the menu opens.
    if href in SERVER_ROUTES:
        target = rx.el.a(*body, href=href, **ids)
    else:
        target = ReactRouterLink.create(*body, to=href, **ids)
    return rx.menu.item(target, as_child=True, style=MENU_CURRENT, custom_attrs=current_attr(href), **props)


def more_menu() -> rx.Component:
    """The "More" dropdown: the destinations used less often, marked when one of them is the current page."""
    in_more = rx.Var.create(False)
    for _label, href, _icon, _id in MORE:
        in_more = in_more | is_current(href)
    return rx.menu.root(
        rx.menu.trigger(
            rx.el.button(
                "More",
                rx.icon("chevron-down", size=14),
                id="nav-more",
                type="button",
                style={**NAV_ITEM, "background": "none", "border": "none", "font_family": "inherit"},
                custom_attrs={"data-current": rx.cond(in_more, "true", "false")},
            )
        ),
        rx.menu.content(*(menu_link(*row) for row in MORE), align="start", min_width="200px"),
    )


def user_menu() -> rx.Component:
    """Avatar menu: the account and admin pages, sign out; on phones, where the bar has no links, every page."""
    admin = (
        ("Admin console", "/admin", "shield", "menu-admin"),
        ("Background jobs", "/admin/jobs", "server-cog", ""),
        ("Platform analytics", "/admin/analytics", "chart-area", ""),
        ("Search analytics", "/admin/search", "chart-bar", ""),
    )
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.avatar(fallback=SessionState.initials, size="2", radius="full"),
                rx.text(SessionState.display_name, display=["none", "none", "none", "none", "none", "block"]),
                rx.icon("chevron-down", size=14),
                variant="ghost",
                color_scheme="gray",
                id="user-menu",
                aria_label="Account menu",
            )
        ),
        rx.menu.content(
            *(menu_link(label, href, icon, display=PHONE_ONLY) for label, href, icon, _id in PRIMARY + MORE),
            rx.menu.separator(display=["block", "block", "none"]),
            menu_link("Account settings", "/account", "settings"),
            *(rx.cond(SessionState.is_admin, menu_link(*row)) for row in admin),
            rx.menu.separator(),
            rx.menu.item(
                rx.icon("log-out", size=14),
                "Sign out",
                on_click=SessionState.sign_out,
                id="sign-out",
                color="var(--red-11)",
            ),
            align="end",
            min_width="220px",
        ),
    )


def app_nav() -> rx.Component:
    """Links to the signed-in areas, then "More" (hidden on phones, where the account menu has them)."""
    return rx.hstack(
        *(nav_link(label, href, element_id) for label, href, _icon, element_id in PRIMARY),
        more_menu(),
        spacing="1",
        align="center",
        margin_left=["12px", "12px", "12px", "24px"],
        flex_shrink="0",
        display=DESKTOP_ONLY,
        role="navigation",
        aria_label="Main",
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
