"""What the analytics pages show: an owner's dashboard, live visitors, the sparkline, the platform's figures.

Numbers come from facts.py (rollups for finished days plus today's raw events). Every owner function
first resolves the owner's own cards; a card of someone else is NotFound, so one owner never sees
another's numbers. Visitors over several days are the sum of each day's unique visitors: the daily
salt makes the same person on two days two different hashes, by design.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session

from metaic.analytics import facts
from metaic.analytics.export import export_period_csv, export_raw_csv
from metaic.analytics.models import SAVE_KINDS, VIEW_KINDS, WALLET_EVENTS
from metaic.analytics.ownership import owner_cards, scope_ids
from metaic.analytics.periods import PERIODS, Period, midnight, period_from
from metaic.analytics.platform import platform_dashboard
from metaic.analytics.rollups import EVENTS, VISITORS
from metaic.auth.models import User
from metaic.core import clock

__all__ = [
    "METRICS",
    "PERIODS",
    "Period",
    "export_period_csv",
    "export_raw_csv",
    "live_visitors",
    "owner_dashboard",
    "period_from",
    "platform_dashboard",
    "sparkline",
]

METRICS = ("views", "visitors", "scans", "saves", "shares", "leads", "clicks", "wallet")
CUSTOM = ("custom", "event")  # custom events by name, in rollups and by_dimension
TOP_SIZE = 10
_TOP = {
    "sources": (VIEW_KINDS, "source"),
    "links": (("link_click",), "link"),
    "devices": (VIEW_KINDS, "device"),
    "browsers": (VIEW_KINDS, "browser"),
    "countries": (VIEW_KINDS, "country"),
    "languages": (VIEW_KINDS, "language"),
}


def metrics(counts: Counter) -> dict[str, int]:
    """The dashboard's metrics from counts per event kind (and "visitors")."""
    return {
        "views": sum(counts[k] for k in VIEW_KINDS),
        "visitors": counts[VISITORS],
        "scans": counts["qr_scan"],
        "saves": sum(counts[k] for k in SAVE_KINDS),
        "shares": counts["share"],
        "leads": counts["lead"],
        "clicks": counts["link_click"],
    }


def change(value: int, previous: int) -> float | None:
    """Percent change from the previous period, None when there was nothing before."""
    return round((value - previous) * 100.0 / previous, 1) if previous else None


def totals(current: dict[str, int], previous: dict[str, int]) -> dict[str, dict]:
    """{metric: {"value", "previous", "change_pct"}}."""
    return {
        name: {"value": current[name], "previous": previous[name], "change_pct": change(current[name], previous[name])}
        for name in current
    }


def _summed(session: Session, scope: dict, start, end) -> Counter:
    """Counts per kind over a range; visitors summed per card and day."""
    found: Counter = Counter()
    for counts in facts.series(session=session, **scope, start=start, end=end, granularity="day").values():
        found.update(counts)
    return found


def _wallet(found: dict[tuple[str, str], Counter]) -> int:
    """Passes added to Apple or Google Wallet, from custom event counts by name."""
    return sum(found.get(CUSTOM, Counter())[name] for name in WALLET_EVENTS)


def _scope(owner: User, ids: list[uuid.UUID], card_id: uuid.UUID | None) -> dict:
    """Which cards to count (all of an owner's cards may be read from the owner's daily sums), and a fresh
    dict in which one dashboard's reads of the raw tail are kept (each range is read once)."""
    return {"card_ids": ids, "owner_id": owner.id if card_id is None else None, "tail": {}}


def _top(found: dict[tuple[str, str], Counter]) -> dict[str, list[dict]]:
    """The biggest values of each panel's dimension."""
    top = {}
    for panel, (kinds, dim) in _TOP.items():
        merged: Counter = Counter()
        for kind in kinds:
            merged.update(found.get((kind, dim), Counter()))
        ranked = sorted(merged.items(), key=lambda item: (-item[1], item[0]))[:TOP_SIZE]
        top[panel] = [{"label": label, "count": count} for label, count in ranked]
    return top


def owner_dashboard(*, session: Session, owner: User, card_id: uuid.UUID | None, period: Period) -> dict:
    """Totals against the previous period, a chart series, the funnel, top lists and the owner's cards."""
    cards = owner_cards(session, owner)
    scope = _scope(owner, scope_ids(cards, card_id), card_id)
    series = facts.series(session=session, **scope, start=period.start, end=period.end, granularity=period.granularity)
    if period.granularity == "hour":
        current = metrics(_summed(session, scope, period.start, period.end))
    else:
        current = metrics(sum(series.values(), Counter()))
    previous = metrics(_summed(session, scope, period.prev_start, period.prev_end))
    rows = []
    for bucket in period.buckets():
        m = metrics(series.get(bucket, Counter()))
        rows.append({"bucket": bucket, **{k: m[k] for k in ("views", "visitors", "scans", "saves")}})
    found = facts.by_dimension(session=session, **scope, start=period.start, end=period.end)
    before = facts.by_dimension(session=session, **scope, start=period.prev_start, end=period.prev_end, only=CUSTOM)
    current["wallet"], previous["wallet"] = _wallet(found), _wallet(before)
    return {
        "totals": totals(current, previous),
        "series": rows,
        "funnel": [
            {"step": "Viewed", "count": current["views"]},
            {"step": "Saved", "count": current["saves"]},
            {"step": "Shared back", "count": current["leads"]},
        ],
        "top": _top(found),
        "cards": [{"id": str(c["id"]), "name": c["name"], "slug": c["slug"]} for c in cards],
    }


def live_visitors(*, session: Session, owner: User, card_id: uuid.UUID | None, minutes: int = 5) -> int:
    """Unique visitors whose events were stored in the last `minutes` minutes (opted-out browsers excluded)."""
    ids = scope_ids(owner_cards(session, owner), card_id)
    if not ids:
        return 0
    c = EVENTS.c
    since = clock.now() - timedelta(minutes=max(1, minutes))
    query = sa.select(sa.func.count(sa.distinct(c.visitor))).where(
        c.card_id.in_(ids), c.created_at >= since, c.visitor.is_not(None)
    )
    return int(session.execute(query).scalar_one())


def sparkline(*, session: Session, owner: User, days: int = 30) -> dict:
    """Views per day over the last `days` days (oldest first) with the totals of views, saves and leads."""
    ids = scope_ids(owner_cards(session, owner), None)
    end = midnight(clock.now().date() + timedelta(days=1))
    start = end - timedelta(days=max(1, days))
    series = facts.series(session=session, **_scope(owner, ids, None), start=start, end=end, granularity="day")
    labels = [(start + timedelta(days=i)).date().isoformat() for i in range(max(1, days))]
    views = [metrics(series.get(label, Counter()))["views"] for label in labels]
    total = metrics(sum(series.values(), Counter()))
    return {"views": views, "total_views": sum(views), "saves": total["saves"], "leads": total["leads"]}
