"""Search analytics: which searches run, which find nothing, which result positions get opened.

Rows hold the normalised query text, where it ran (scope), the result count, the hour it ran in and a
random query id that ties clicks to it: no IP address, no user id, no exact time.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Session, func, select

from metaic.core import clock
from metaic.core.errors import ValidationError
from metaic.db import session_scope
from metaic.search.analyzers import fold
from metaic.search.models import SearchClick, SearchQuery

SCOPES = ("everything", "contacts", "directory")
CLICK_KINDS = ("contact", "card", "message", "note", "template", "directory")
MAX_POSITION = 100
REPORT_POSITIONS = 10


def new_query_id() -> str:
    """A random id for one search (32 hex characters)."""
    return uuid.uuid4().hex


def normalise(query: str) -> str:
    """The stored form of a query: folded, single-spaced, at most 200 characters."""
    return " ".join(fold(query or "").split())[:200]


def hour_bucket(now: datetime | None = None) -> datetime:
    """The start of the hour `now` falls in."""
    return (now or clock.now()).replace(minute=0, second=0, microsecond=0)


def log_query(*, session: Session, query_id: str, query: str, scope: str, results: int) -> None:
    """Record one search (nothing for an empty query)."""
    text = normalise(query)
    if text:
        session.add(SearchQuery(query_id=query_id, query=text, scope=scope, results=results, bucket=hour_bucket()))


def record_click(*, query_id: str, position: int, kind: str) -> None:
    """Record that result `position` (1-based) of search `query_id` was opened; unknown searches are ignored."""
    if not 1 <= position <= MAX_POSITION:
        raise ValidationError(f"Position is between 1 and {MAX_POSITION}.", field="position")
    if kind not in CLICK_KINDS:
        raise ValidationError(f"Kind is one of: {', '.join(CLICK_KINDS)}.", field="kind")
    with session_scope() as session:
        known = session.exec(select(SearchQuery.id).where(SearchQuery.query_id == str(query_id)[:32]).limit(1)).first()
        if known is not None:
            session.add(SearchClick(query_id=str(query_id)[:32], position=position, kind=kind, bucket=hour_bucket()))


def query_report(*, session: Session, since: datetime, until: datetime, limit: int = 50) -> dict:
    """Top queries (count, average results), queries without results, and click-through by position."""
    in_period = (SearchQuery.bucket >= hour_bucket(since), SearchQuery.bucket <= until)
    count = func.count().label("n")
    top = session.exec(
        select(SearchQuery.query, count, func.avg(SearchQuery.results))
        .where(*in_period)
        .group_by(SearchQuery.query)
        .order_by(count.desc(), SearchQuery.query)
        .limit(limit)
    ).all()
    empty = session.exec(
        select(SearchQuery.query, count)
        .where(*in_period, SearchQuery.results == 0)
        .group_by(SearchQuery.query)
        .order_by(count.desc(), SearchQuery.query)
        .limit(limit)
    ).all()
    return {
        "top": [{"query": q, "count": n, "avg_results": round(float(avg or 0), 1)} for q, n, avg in top],
        "no_results": [{"query": q, "count": n} for q, n in empty],
        "ctr_by_position": _ctr(session, since, until),
    }


def _ctr(session: Session, since: datetime, until: datetime) -> list[dict]:
    """Per position 1-10: searches showing that many results (impressions), clicks on it, and the ratio."""
    shown = dict(_shown(session, since, until))
    clicks = dict(
        session.exec(
            select(SearchClick.position, func.count())
            .where(SearchClick.bucket >= hour_bucket(since), SearchClick.bucket <= until)
            .group_by(SearchClick.position)
        ).all()
    )
    rows = []
    for position in range(1, REPORT_POSITIONS + 1):
        impressions = sum(n for results, n in shown.items() if results >= position)
        hits = clicks.get(position, 0)
        rows.append(
            {
                "position": position,
                "impressions": impressions,
                "clicks": hits,
                "ctr": round(hits / impressions, 4) if impressions else 0.0,
            }
        )
    return rows


def _shown(session: Session, since: datetime, until: datetime) -> list[tuple[int, int]]:
    """(result count, number of searches) pairs in the period, counts above 10 folded into 10."""
    rows = session.exec(
        select(SearchQuery.results, func.count())
        .where(SearchQuery.bucket >= hour_bucket(since), SearchQuery.bucket <= until, SearchQuery.results > 0)
        .group_by(SearchQuery.results)
    ).all()
    folded: dict[int, int] = {}
    for results, n in rows:
        key = min(results, REPORT_POSITIONS)
        folded[key] = folded.get(key, 0) + n
    return list(folded.items())
