"""`/analytics`: views, visitors, scans and saves of one card or all, over a period, against the one before."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components import charts
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.analytics import AnalyticsState as A

LIVE_TICK_MS = 10_000
TILES = (
    ("Views", "views", "#3E63DD"),
    ("Unique visitors", "visitors", "#12A594"),
    ("QR scans", "scans", "#F76B15"),
    ("Saves", "saves", "#8E4EC6"),
    ("Wallet saves", "wallet", "#E5484D"),
    ("Link clicks", "clicks", "#0090FF"),
    ("Shares", "shares", "#D6409F"),
    ("Leads", "leads", "#30A46C"),
    ("Save rate", "save_rate", "#8B8D98"),
)
COUNTRY_NOTE = (
    "Countries come from the visitor's language settings and time zone, never from IP addresses, "
    "so a few may be guesses."
)


def live_badge() -> rx.Component:
    """Visitors of the last five minutes, refreshed by a timer every ten seconds while the page is open."""
    return rx.hstack(
        rx.box(
            width="8px",
            height="8px",
            border_radius="999px",
            background=rx.cond(A.live > 0, "var(--green-9)", "var(--gray-8)"),
            box_shadow=rx.cond(A.live > 0, "0 0 0 4px var(--green-a4)", "none"),
        ),
        rx.text(A.live, weight="bold", size="2", id="live-visitors"),
        rx.text(rx.cond(A.live == 1, "visitor", "visitors"), " in the last 5 minutes", size="2", color=styles.MUTED),
        rx.moment(interval=LIVE_TICK_MS, on_change=A.tick_live, display="none"),
        align="center",
        spacing="2",
        padding="6px 12px",
        border=styles.BORDER,
        border_radius="999px",
        background=styles.CARD_BG,
        id="live-counter",
    )


def card_picker() -> rx.Component:
    """All cards, or one of them."""
    return rx.select.root(
        rx.select.trigger(placeholder="All cards", min_width="180px"),
        rx.select.content(
            rx.select.item("All cards", value="all"),
            rx.foreach(A.cards, lambda c: rx.select.item(c["name"], value=c["id"])),
        ),
        value=A.card,
        on_change=A.set_card,
        size="2",
        id="card-picker",
    )


def export_menu() -> rx.Component:
    """CSV downloads of the chosen period: daily rows per dimension, or the raw events without identifiers."""
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(rx.icon("download", size=14), "Export", variant="soft", color_scheme="gray", size="2"),
            id="export-menu",
        ),
        rx.menu.content(
            rx.menu.item("Daily totals (CSV)", on_click=A.export_period, id="export-period"),
            rx.menu.item("Raw events (CSV)", on_click=A.export_raw, id="export-raw"),
        ),
    )


def controls() -> rx.Component:
    """The row of choices above the numbers."""
    return rx.vstack(
        rx.hstack(
            card_picker(),
            charts.period_picker(A),
            rx.spacer(display=["none", "none", "block"]),
            export_menu(),
            align="center",
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        charts.custom_range(A),
        charts.range_line(A),
        spacing="3",
        width="100%",
    )


def tiles() -> rx.Component:
    """The period's totals, each with its change: three rows of three, or pairs on a phone (the last one wide)."""
    *pairs, last = [charts.metric_tile(label, A.tiles[key], f"tile-{key}", color) for label, key, color in TILES]
    return rx.grid(
        *pairs,
        rx.box(last, grid_column=rx.breakpoints(initial="span 2", md="auto")),
        columns=rx.breakpoints(initial="2", md="3"),
        spacing="3",
        width="100%",
    )


def no_views_note() -> rx.Component:
    """What will appear once visitors come, shown while the period has nothing."""
    return rx.callout(
        "Nothing counted in this period yet. When someone opens your card, scans its QR code, taps a link or "
        "saves your contact, it shows up here within a few seconds.",
        icon="info",
        color_scheme="indigo",
        variant="surface",
        width="100%",
        id="analytics-empty",
    )


def lists() -> rx.Component:
    """The funnel and the ranked lists of where visitors come from and what they use."""
    top = A.top
    return rx.vstack(
        rx.grid(
            charts.funnel(A.funnel, "funnel"),
            charts.bar_list(
                "Top sources", top["sources"], "QR scans, links and referring sites will rank here.", "top-sources"
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        rx.grid(
            charts.bar_list("Links clicked", top["links"], "Taps on the links of your card rank here.", "top-links"),
            charts.bar_list("Devices", top["devices"], "Phones, tablets and computers rank here.", "top-devices"),
            charts.bar_list("Browsers", top["browsers"], "Browser families rank here.", "top-browsers"),
            columns=rx.breakpoints(initial="1", md="3"),
            spacing="3",
            width="100%",
        ),
        rx.grid(
            charts.bar_list(
                "Countries", top["countries"], "Visitors' countries rank here.", "top-countries", note=COUNTRY_NOTE
            ),
            charts.bar_list("Languages", top["languages"], "Visitors' languages rank here.", "top-languages"),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def report() -> rx.Component:
    """Tiles, chart and lists, or skeletons while they load."""
    return rx.cond(
        A.loading & (A.range_label == ""),
        rx.vstack(charts.skeleton_grid(4), rx.skeleton(rx.box(height="320px"), loading=True), width="100%"),
        rx.vstack(
            rx.cond(~A.has_data, no_views_note()),
            tiles(),
            charts.panel(
                "Over time",
                charts.line_chart(
                    A.series,
                    [("views", "Views"), ("visitors", "Unique visitors"), ("scans", "QR scans"), ("saves", "Saves")],
                    "analytics-chart",
                ),
                subtitle="Views, unique visitors, QR scans and saves in the period.",
            ),
            lists(),
            spacing="3",
            width="100%",
            opacity=rx.cond(A.loading, "0.6", "1"),
            transition="opacity .15s",
        ),
    )


def no_cards() -> rx.Component:
    """A new account: what this page will show once a card is out there."""
    return charts.empty_state(
        rx.icon("chart-line", size=28, color=styles.ACCENT),
        "Your analytics will appear here",
        "Publish a card and share its link or QR code. Every view, scan, link tap and saved contact is counted "
        "here, by day, with where visitors came from — without cookies and without storing anyone's IP address.",
        rx.button(rx.icon("id-card", size=16), "Go to your cards", on_click=rx.redirect("/cards"), size="3"),
        rx.button("How we count", variant="soft", size="3", on_click=rx.redirect("/privacy")),
        id="analytics-no-cards",
    )


def failure() -> rx.Component:
    """The numbers could not be read: say so and offer a retry."""
    return rx.callout(
        rx.hstack(
            rx.text(A.failed),
            rx.button("Try again", size="1", variant="soft", on_click=A.reload, id="analytics-retry"),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        icon="triangle-alert",
        color_scheme="red",
        width="100%",
        id="analytics-error",
    )


def header() -> rx.Component:
    """Title, a line on how counting works, and the live counter."""
    return rx.flex(
        rx.vstack(
            rx.heading("Analytics", size="7"),
            rx.text(
                "What happened with your cards. Counted without cookies or IP addresses — ",
                rx.link("how we count", href="/privacy", id="privacy-link"),
                ".",
                size="2",
                color=styles.MUTED,
            ),
            spacing="1",
        ),
        rx.spacer(),
        live_badge(),
        direction=rx.breakpoints(initial="column", sm="row"),
        align=rx.breakpoints(initial="start", sm="center"),
        gap="12px",
        width="100%",
    )


def analytics_page() -> rx.Component:
    """The analytics page."""
    return page(
        rx.cond(
            A.loaded & A.signed_in,
            rx.vstack(
                header(),
                rx.cond(A.failed != "", failure()),
                rx.cond(
                    ~A.loading & (A.cards.length() == 0) & (A.failed == ""),
                    no_cards(),
                    rx.vstack(controls(), report(), spacing="4", width="100%"),
                ),
                spacing="5",
                width="100%",
            ),
            loading_block(),
        ),
    )
