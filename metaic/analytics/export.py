"""CSV exports of an owner's analytics: daily counts per dimension, and raw events without identifiers.

The raw export leaves out the event id and the visitor hash (nothing links rows to one person, even on
one day); cells that a spreadsheet would run as a formula get a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator

import sqlalchemy as sa
from sqlmodel import Session

from metaic.analytics import facts
from metaic.analytics.ownership import owner_cards, scope_ids
from metaic.analytics.periods import Period
from metaic.analytics.rollups import EVENTS
from metaic.auth.models import User

PERIOD_HEADER = ("date", "card", "slug", "event", "dimension", "value", "count")
RAW_COLUMNS = (
    "kind",
    "channel",
    "source",
    "variant",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "referrer",
    "agent",
    "browser",
    "country",
    "language",
    "target",
)
RAW_HEADER = ("time", "card", "slug", "event", "channel", "source", "qr_variant", "utm_source", "utm_medium")
RAW_HEADER += ("utm_campaign", "referrer", "device", "browser", "country", "language", "target")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: object) -> object:
    """A cell a spreadsheet shows as text (visitors choose UTM values and referrers)."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _line(values) -> str:
    """One CSV line."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([_safe(v) for v in values])
    return out.getvalue()


def _names(cards: list[dict]) -> dict[uuid.UUID, tuple[str, str]]:
    """Card id -> (name, slug)."""
    return {c["id"]: (c["name"], c["slug"]) for c in cards}


def export_period_csv(*, session: Session, owner: User, card_id: uuid.UUID | None, period: Period) -> str:
    """Daily rows per dimension of the owner's cards over a period (dimension "" is the event's total)."""
    cards = owner_cards(session, owner)
    ids = scope_ids(cards, card_id)
    names = _names(cards)
    lines = [_line(PERIOD_HEADER)]
    rows = facts.daily_rows(session=session, card_ids=ids, start=period.start, end=period.end)
    for day, cid, kind, dim, value, count in rows:
        name, slug = names.get(cid, ("", ""))
        lines.append(_line((day, name, slug, kind, dim, value, count)))
    return "".join(lines)


def export_raw_csv(*, session: Session, owner: User, card_id: uuid.UUID | None, period: Period) -> Iterator[str]:
    """The raw events of the owner's cards over a period, oldest first, as CSV lines (no ids, no visitor hash)."""
    cards = owner_cards(session, owner)
    ids = scope_ids(cards, card_id)
    names = _names(cards)
    c = EVENTS.c
    yield _line(RAW_HEADER)
    if not ids:
        return
    query = (
        sa.select(c.created_at, c.card_id, *(c[name] for name in RAW_COLUMNS))
        .where(c.card_id.in_(ids), c.created_at >= period.start, c.created_at < period.end)
        .order_by(c.created_at)
        .execution_options(yield_per=2000)
    )
    for row in session.execute(query):
        at, cid, *rest = row
        name, slug = names.get(cid, ("", ""))
        yield _line((at.strftime("%Y-%m-%dT%H:%M:%SZ"), name, slug, *rest))
