"""Recording card events (bots excluded) and counting them."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from datetime import datetime
from functools import lru_cache

import crawleruseragents
from sqlmodel import Session, func, select

from metaic.analytics import dimensions
from metaic.analytics.models import KINDS, SHARE_CHANNELS, VIEW_KINDS, AnalyticsEvent
from metaic.config import get_settings
from metaic.core import clock
from metaic.core.errors import ValidationError

__all__ = ["VIEW_KINDS", "agent_class", "card_stats", "event_row", "is_bot", "record", "referrer_host", "view_counts"]
# Clients that are not people but are missing from the crawler list (link unfurlers, HTTP libraries, headless).
_EXTRA_BOTS = re.compile(
    r"headless|preview|unfurl|embedly|whatsapp/|telegrambot|slackbot|discordbot|skypeuripreview|"
    r"python-requests|python-httpx|python-urllib|aiohttp|go-http-client|okhttp|java/|curl/|wget/|"
    r"libwww|httpclient|scrapy|phantomjs|lighthouse|pingdom|uptime|monitor",
    re.IGNORECASE,
)
_TABLET = re.compile(r"ipad|tablet|kindle|silk/|playbook|(android(?!.*mobile))", re.IGNORECASE)
_MOBILE = re.compile(r"mobile|iphone|ipod|android|blackberry|opera mini|iemobile|windows phone", re.IGNORECASE)
_DESKTOP = re.compile(r"windows nt|macintosh|mac os x|x11|linux|cros", re.IGNORECASE)


# The crawler list is hundreds of patterns (~0.4 ms a check); a batch of thousands of views shares a few
# hundred user agents, so answers are remembered per user-agent string.
@lru_cache(maxsize=8192)
def is_bot(user_agent: str | None) -> bool:
    """True for crawlers and non-browser clients (monperrus/crawler-user-agents list, plus a few patterns).

    An empty user agent is a bot too: every real browser sends one.
    """
    ua = (user_agent or "").strip()
    if not ua:
        return True
    return bool(_EXTRA_BOTS.search(ua)) or crawleruseragents.is_crawler(ua)


@lru_cache(maxsize=8192)
def agent_class(user_agent: str | None) -> str:
    """`mobile`, `tablet`, `desktop` or `other` for a browser's user agent."""
    ua = user_agent or ""
    if _TABLET.search(ua):
        return "tablet"
    if _MOBILE.search(ua):
        return "mobile"
    if _DESKTOP.search(ua):
        return "desktop"
    return "other"


def referrer_host(referrer: str | None) -> str:
    """Only the host of a referring page (no path or query, which may carry personal data)."""
    return dimensions.host_of(referrer)


def record(
    *,
    session: Session,
    card_id: uuid.UUID,
    kind: str,
    user_agent: str | None,
    referrer: str | None = None,
    channel: str | None = None,
) -> AnalyticsEvent | None:
    """Store one event at once; returns None (and stores nothing) for bots. Visitors' events go through buffer.py."""
    row = event_row(card_id=card_id, kind=kind, user_agent=user_agent, referrer=referrer, channel=channel)
    if row is None:
        return None
    event = AnalyticsEvent(**row)
    session.add(event)
    session.flush()
    return event


def event_row(
    *,
    card_id: uuid.UUID,
    kind: str,
    user_agent: str | None,
    referrer: str | None = None,
    channel: str | None = None,
    at: datetime | None = None,
    event_id: uuid.UUID | None = None,
    target: str = "",
    query: str = "",
    accept_language: str = "",
    visitor: str | None = None,
) -> dict | None:
    """The stored columns of an event, or None for a bot; ValidationError for an unknown kind or channel.

    The one place the rules live, for events stored at once (`record`) and in batches (buffer.py)."""
    if kind not in KINDS:
        raise ValidationError("Unknown event kind.", field="kind")
    if kind == "share":
        if channel not in SHARE_CHANNELS:
            raise ValidationError(f"Choose one of: {', '.join(SHARE_CHANNELS)}.", field="channel")
    else:
        channel = None
    if kind == "custom" and not target.strip():
        raise ValidationError("Name the custom event.", field="target")
    if is_bot(user_agent):
        return None
    host, source, variant, utm_source, utm_medium, utm_campaign = _origin(referrer or "", query or "")
    language, country = dimensions.language_and_region(accept_language)
    return {
        "id": event_id or uuid.uuid4(),
        "card_id": card_id,
        "kind": kind,
        "channel": channel,
        "referrer": host,
        "agent": agent_class(user_agent),
        "browser": dimensions.browser_family(user_agent or ""),
        "source": source,
        "variant": variant,
        "utm_source": utm_source,
        "utm_medium": utm_medium,
        "utm_campaign": utm_campaign,
        "target": target.strip()[:200],
        "country": country,
        "language": language,
        "visitor": visitor,
        "created_at": at or clock.now(),
    }


# A batch repeats the same few referrers and query strings: their parse is remembered.
@lru_cache(maxsize=16384)
def _origin(referrer: str, query: str) -> tuple[str, str, str, str, str, str]:
    """(referring host, source, QR variant, utm_source, utm_medium, utm_campaign) of a request."""
    host = referrer_host(referrer)
    params = dimensions.query_params(query)
    source, variant = dimensions.source_of(params=params, referrer_host=host, own_host=_own_host())
    return (host, source, variant, *dimensions.utm_of(params))


@lru_cache(maxsize=1)
def _own_host() -> str:
    """This site's host: a visitor coming from another page of ours is direct traffic, not a referral."""
    return dimensions.host_of(get_settings().public_base_url)


def view_counts(*, session: Session, card_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Views (QR scans included) per card, in one grouped query."""
    if not card_ids:
        return {}
    rows = session.exec(
        select(AnalyticsEvent.card_id, func.count())
        .where(AnalyticsEvent.card_id.in_(card_ids), AnalyticsEvent.kind.in_(VIEW_KINDS))
        .group_by(AnalyticsEvent.card_id)
    ).all()
    return {card_id: int(count) for card_id, count in rows}


def card_stats(*, session: Session, card_id: uuid.UUID) -> dict:
    """Totals for one card: views, qr_scans, vcard_downloads, shares and shares per channel."""
    rows = session.exec(
        select(AnalyticsEvent.kind, AnalyticsEvent.channel, func.count())
        .where(AnalyticsEvent.card_id == card_id)
        .group_by(AnalyticsEvent.kind, AnalyticsEvent.channel)
    ).all()
    totals: dict[str, int] = defaultdict(int)
    channels: dict[str, int] = dict.fromkeys(SHARE_CHANNELS, 0)
    for kind, channel, count in rows:
        totals[kind] += int(count)
        if kind == "share" and channel:
            channels[channel] = channels.get(channel, 0) + int(count)
    return {
        "views": totals["view"] + totals["qr_scan"],
        "qr_scans": totals["qr_scan"],
        "vcard_downloads": totals["vcard_download"],
        "shares": totals["share"],
        "shares_by_channel": channels,
    }
