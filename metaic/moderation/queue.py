"""The admins' moderation queue: reports grouped by card, with each card's takedown and pending appeal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, func, select

from metaic.auth import service as user_service
from metaic.auth.models import User
from metaic.core import clock
from metaic.moderation.models import OPEN, PENDING, RESOLVED, CardReport, CardTakedown

VIEWS = ("open", "resolved")
MAX_REPORTS = 500  # rows read per view; the queue shows the newest cases first


@dataclass
class Case:
    """One card in the queue: its reports (newest first), its latest takedown and whether an appeal waits."""

    card_id: uuid.UUID
    slug: str
    name: str
    owner_id: uuid.UUID
    reports: list[CardReport] = field(default_factory=list)
    takedown: CardTakedown | None = None
    last_at: datetime | None = None

    @property
    def open_reports(self) -> int:
        """Reports nobody handled yet."""
        return sum(1 for r in self.reports if r.status == OPEN)

    @property
    def appeal_pending(self) -> bool:
        """Whether the owner's appeal waits for an answer."""
        return self.takedown is not None and self.takedown.appeal_status == PENDING


def _case_for(cases: dict[uuid.UUID, Case], card_id, slug, name, owner_id, at) -> Case:
    """The case of a card, made on first sight."""
    case = cases.get(card_id)
    if case is None:
        case = cases[card_id] = Case(card_id=card_id, slug=slug, name=name, owner_id=owner_id, last_at=at)
    elif at and (case.last_at is None or clock.as_utc(at) > clock.as_utc(case.last_at)):
        case.last_at = at
    return case


def _latest_takedowns(session: Session, card_ids: list[uuid.UUID]) -> dict[uuid.UUID, CardTakedown]:
    """Each card's newest takedown."""
    if not card_ids:
        return {}
    rows = session.exec(
        select(CardTakedown).where(CardTakedown.card_id.in_(card_ids)).order_by(CardTakedown.created_at.desc())
    )
    latest: dict[uuid.UUID, CardTakedown] = {}
    for row in rows:
        latest.setdefault(row.card_id, row)
    return latest


def cases(*, session: Session, actor: User | None, view: str = "open") -> list[Case]:
    """Open: cards with unhandled reports or a pending appeal, appeals first. Resolved: handled cards, newest first."""
    user_service.require_admin(actor)
    status = RESOLVED if view == "resolved" else OPEN
    order = CardReport.resolved_at.desc() if status == RESOLVED else CardReport.created_at.desc()
    reports = session.exec(select(CardReport).where(CardReport.status == status).order_by(order).limit(MAX_REPORTS))
    found: dict[uuid.UUID, Case] = {}
    for r in reports:
        case = _case_for(found, r.card_id, r.slug, r.card_name, r.owner_id, r.created_at)
        case.reports.append(r)
    if status == OPEN:
        appeals = session.exec(select(CardTakedown).where(CardTakedown.appeal_status == PENDING))
        for t in appeals:
            _case_for(found, t.card_id, t.slug, t.card_name, t.owner_id, t.appeal_at)
    else:
        still_open = set(session.exec(select(CardReport.card_id).where(CardReport.status == OPEN)))
        found = {k: v for k, v in found.items() if k not in still_open}
    for card_id, takedown in _latest_takedowns(session, list(found)).items():
        found[card_id].takedown = takedown
    if status == RESOLVED:  # a card whose appeal waits belongs to the open view
        found = {k: v for k, v in found.items() if not v.appeal_pending}
    oldest = datetime.min.replace(tzinfo=clock.now().tzinfo)
    return sorted(
        found.values(),
        key=lambda c: (not c.appeal_pending, -(clock.as_utc(c.last_at) if c.last_at else oldest).timestamp()),
    )


def counts(*, session: Session, actor: User | None) -> dict[str, int]:
    """Open reports, cards they are about and pending appeals (for the tab's badge and the page's header)."""
    user_service.require_admin(actor)
    open_reports, cards = session.exec(
        select(func.count(), func.count(func.distinct(CardReport.card_id))).where(CardReport.status == OPEN)
    ).one()
    appeals = session.exec(
        select(func.count()).select_from(CardTakedown).where(CardTakedown.appeal_status == PENDING)
    ).one()
    return {"reports": int(open_reports), "cards": int(cards), "appeals": int(appeals)}
