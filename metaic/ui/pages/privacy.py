"""`/privacy`: how MetaIC counts visits to cards, in plain words."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.layout import page
from metaic.ui.state.privacy import PrivacyState as P

POINTS = (
    (
        "chart-no-axes-column",
        "What we count",
        "When someone opens a card, scans its QR code, taps one of its links, saves the contact, shares the card "
        "or shares their own details back, we add one to a counter for that card and day. We also note where the "
        "visit came from (a QR code, a link from LinkedIn, WhatsApp or email, another website's name, or "
        "campaign tags in the address), the kind of device (phone, tablet or computer), the browser family, "
        "the language and an approximate country.",
    ),
    (
        "cookie",
        "No cookies for visitors",
        "Card visitors get no cookies, no local storage and no tracking pixels. Nothing follows them from one "
        "card to another or from one site to the next.",
    ),
    (
        "shield-check",
        "No IP addresses, no full browser fingerprint",
        "We never store a visitor's IP address or their full user-agent string. Only the broad device class "
        "and browser family are kept.",
    ),
    (
        "refresh-cw",
        "Unique visitors without identifying anyone",
        "To count unique visitors we combine the visitor's address and browser with a random secret salt that "
        "changes every day, and keep only a short hash of the result. Each day's salt is deleted a day later, "
        "so nobody, us included, can tell that yesterday's visitor came back today or turn the hash back into "
        "an address.",
    ),
    (
        "hand",
        "Do Not Track and Global Privacy Control",
        "Browsers that send Do Not Track or Global Privacy Control are still counted as a visit, but never as "
        "an identifiable unique visitor. Search engines and other bots are not counted at all, and owners' own "
        "views of their cards are left out.",
    ),
    (
        "globe",
        "Country without geolocation",
        "We do not look IP addresses up in a location database. The country is a best guess from the region in "
        "the browser's language setting and its time zone, so it can be wrong for travellers.",
    ),
)


def retention_text() -> rx.Component:
    """How long raw events are kept, from this site's settings."""
    return rx.text(
        "Individual events are deleted after ",
        rx.el.strong(P.retention_days, " days", id="retention-days"),
        " (this site's retention setting); the daily totals per card are kept, so charts stay complete. "
        "Card owners can export their numbers as CSV, without any identifiers.",
        size="2",
        color="var(--gray-11)",
        line_height="1.6",
    )


def point(icon: str, title: str, text: str | rx.Component) -> rx.Component:
    """One plain statement with its icon."""
    return rx.hstack(
        rx.center(
            rx.icon(icon, size=18, color=styles.ACCENT),
            width="36px",
            height="36px",
            border_radius="10px",
            background="var(--indigo-3)",
            flex_shrink="0",
        ),
        rx.vstack(
            rx.heading(title, size="3", as_="h2"),
            rx.text(text, size="2", color="var(--gray-11)", line_height="1.6") if isinstance(text, str) else text,
            spacing="1",
        ),
        align="start",
        spacing="4",
        width="100%",
    )


def privacy_page() -> rx.Component:
    """The privacy page."""
    return page(
        rx.vstack(
            rx.vstack(
                rx.heading("Privacy and analytics", size="8", id="privacy-title"),
                rx.text(
                    "MetaIC tells card owners how their cards are doing without tracking the people who look at "
                    "them. This is what we count, and what we never keep.",
                    size="3",
                    color=styles.MUTED,
                    line_height="1.6",
                ),
                spacing="2",
            ),
            rx.vstack(
                *[point(icon, title, text) for icon, title, text in POINTS],
                point("calendar-clock", "How long we keep it", retention_text()),
                spacing="6",
                style=styles.card_style,
            ),
            rx.text(
                "Questions about your data? Write to the operator of this MetaIC site.",
                size="2",
                color=styles.MUTED,
            ),
            spacing="5",
            width="100%",
        ),
        width="760px",
    )
