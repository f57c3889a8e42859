"""Analytics routes: an owner's dashboard, live visitors, sparkline and CSV exports; platform figures for admins.

Thin: the period and card are checked by the analytics service, which also keeps each owner to their
own cards (another's card id answers 404 as if it did not exist).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from typing import Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response, StreamingResponse
from sqlmodel import Session

from metaic.analytics import reports
from metaic.api.deps import current_user, read_db_session
from metaic.auth.models import User
from metaic.auth.service import require_admin
from metaic.db import read_session_scope

router = APIRouter(prefix="/api/v1", tags=["analytics"])
PeriodKey = Literal["today", "7d", "30d", "90d", "12m", "custom"]
_CSV = {200: {"content": {"text/csv": {}}, "description": "CSV"}, 404: {"description": "Not your card."}}
_MINE = {404: {"description": "Not your card."}}


def _period(
    period: PeriodKey = Query("30d"), start: date | None = Query(None), end: date | None = Query(None)
) -> reports.Period:
    """The chosen period (custom takes start and end days, at most two years)."""
    return reports.period_from(period, start=start, end=end)


@router.get("/analytics/dashboard", responses=_MINE)
def dashboard(
    card_id: uuid.UUID | None = None,
    chosen: reports.Period = Depends(_period),
    user: User = Depends(current_user),
    session: Session = Depends(read_db_session, scope="function"),
) -> dict:
    """Totals against the previous period, the series, funnel, top lists and the cards to pick from."""
    found = reports.owner_dashboard(session=session, owner=user, card_id=card_id, period=chosen)
    return {"period": _describe(chosen), **found}


@router.get("/analytics/live", responses=_MINE)
def live(
    card_id: uuid.UUID | None = None,
    minutes: int = Query(5, ge=1, le=60),
    user: User = Depends(current_user),
    session: Session = Depends(read_db_session, scope="function"),
) -> dict:
    """Unique visitors in the last few minutes."""
    count = reports.live_visitors(session=session, owner=user, card_id=card_id, minutes=minutes)
    return {"visitors": count, "minutes": minutes}


@router.get("/analytics/sparkline")
def sparkline(
    days: int = Query(30, ge=1, le=366),
    user: User = Depends(current_user),
    session: Session = Depends(read_db_session, scope="function"),
) -> dict:
    """Views per day (oldest first) with the period's views, saves and leads."""
    return reports.sparkline(session=session, owner=user, days=days)


@router.get("/analytics/export.csv", response_class=Response, responses=_CSV)
def export_csv(
    rows: Literal["daily", "raw"] = Query("daily"),
    card_id: uuid.UUID | None = None,
    chosen: reports.Period = Depends(_period),
    user: User = Depends(current_user),
    session: Session = Depends(read_db_session, scope="function"),
) -> Response:
    """The period's daily counts per dimension, or its raw events without identifiers, as CSV."""
    name = f"analytics-{rows}-{chosen.start:%Y%m%d}-{chosen.end:%Y%m%d}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    if rows == "daily":
        body = reports.export_period_csv(session=session, owner=user, card_id=card_id, period=chosen)
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
    # Check the card now (a 404 before the stream starts); the rows stream from a session of their own.
    first = reports.export_raw_csv(session=session, owner=user, card_id=card_id, period=chosen)
    header = next(first)
    return StreamingResponse(
        _stream(header, user, card_id, chosen), media_type="text/csv; charset=utf-8", headers=headers
    )


def _stream(header: str, user: User, card_id: uuid.UUID | None, chosen: reports.Period) -> Iterator[str]:
    """The raw export's lines, read in a session that lives as long as the response body."""
    yield header
    with read_session_scope() as session:
        lines = reports.export_raw_csv(session=session, owner=user, card_id=card_id, period=chosen)
        next(lines)
        yield from lines


@router.get("/admin/analytics", responses={403: {"description": "Admins only."}})
def platform(
    chosen: reports.Period = Depends(_period),
    user: User = Depends(current_user),
    session: Session = Depends(read_db_session, scope="function"),
) -> dict:
    """Platform figures over a period: sign-ups, actives, publishes, views, saves, messages, failures."""
    require_admin(user)
    return {"period": _describe(chosen), **reports.platform_dashboard(session=session, period=chosen)}


def _describe(period: reports.Period) -> dict:
    """A period as JSON."""
    return {
        "key": period.key,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "previous_start": period.prev_start.isoformat(),
        "granularity": period.granularity,
    }
