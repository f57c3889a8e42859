"""What admins do about reported cards, and the owner's appeal: every step audited, the owner always told.

A takedown keeps the card offline (cards/public.py reads only cards without an active takedown) and
drops every process's cached copy when the transaction commits (the "card.changed" event, see
metaic/wiring.py), so the public page answers 410 at once. Restoring lifts it the same way.
"""

from __future__ import annotations

import uuid

from sqlalchemy import update
from sqlmodel import Session, select

from metaic import events
from metaic.audit import service as audit
from metaic.auth import service as user_service
from metaic.auth.models import User
from metaic.core import clock, links
from metaic.core.errors import Conflict, NotFound, ValidationError
from metaic.core.ids import parse_id
from metaic.moderation.models import (
    ACTIVE,
    DISMISSED,
    GRANTED,
    OPEN,
    PENDING,
    RESOLVED,
    RESTORED,
    TAKEN_DOWN,
    UPHELD,
    CardReport,
    CardTakedown,
)
from metaic.moderation.service import active_takedown
from metaic.notifications.flows import notify

MIN_REASON, MAX_TEXT = 10, 2000
# The owner's refusals, named so that the appeal page can show each in the owner's language.
APPEAL_WHY = "why the card should come back"
TOO_LONG = f"Use at most {MAX_TEXT} characters."
ONLINE_AGAIN = "This card is back online already."
APPEALED_ALREADY = "You have appealed this decision already."


def too_short(what: str) -> str:
    """The refusal of a free text shorter than MIN_REASON characters."""
    return f"Write {what} (at least {MIN_REASON} characters)."


def _text(value: str, field: str, what: str) -> str:
    """A required free text of 10 to 2000 characters, or ValidationError on `field`."""
    text = (value or "").strip()
    if len(text) < MIN_REASON:
        raise ValidationError(too_short(what), field=field)
    if len(text) > MAX_TEXT:
        raise ValidationError(TOO_LONG, field=field)
    return text


def _state(takedown: CardTakedown | None, open_reports: int) -> dict:
    """What an admin action changes, for the audit entry's before/after."""
    return {
        "online": takedown is None or takedown.status != ACTIVE,
        "open_reports": open_reports,
        "appeal": takedown.appeal_status if takedown else "",
    }


def _open_reports(session: Session, card_id: uuid.UUID) -> list[CardReport]:
    """The card's reports nobody handled yet, newest first."""
    query = select(CardReport).where(CardReport.card_id == card_id, CardReport.status == OPEN)
    return list(session.exec(query.order_by(CardReport.created_at.desc())))


def _resolve(session: Session, card_id: uuid.UUID, actor: User, resolution: str) -> int:
    """Close every open report of a card with one resolution; returns how many."""
    result = session.exec(
        update(CardReport)
        .where(CardReport.card_id == card_id, CardReport.status == OPEN)
        .values(status=RESOLVED, resolution=resolution, resolved_by=actor.id, resolved_at=clock.now())
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount or 0)


def _audit(session: Session, action: str, actor: User, card_id, owner_id, before: dict, after: dict, **extra):
    """An admin entry about a card (its owner is the subject, so it shows under their account too)."""
    audit.record(
        session=session,
        action=action,
        subject_id=owner_id,
        actor_id=actor.id,
        target_type="card",
        target_id=str(card_id),
        before=before,
        after=after,
        **extra,
    )


def _tell_owner(session: Session, owner_id: uuid.UUID, data: dict) -> None:
    """Notify the card's owner (in-app always, other channels as they chose)."""
    owner = session.get(User, owner_id)
    if owner is not None:
        notify(session=session, user=owner, kind="moderation", data=data)


def dismiss(*, session: Session, actor: User | None, card_id: uuid.UUID, ip: str = "") -> int:
    """Close a card's open reports without action (admins only); returns how many were closed."""
    user_service.require_admin(actor)
    card_id = parse_id(card_id, "Card")
    reports = _open_reports(session, card_id)
    if not reports:
        raise NotFound("This card has no open reports.")
    before = _state(active_takedown(session=session, card_id=card_id), len(reports))
    closed = _resolve(session, card_id, actor, DISMISSED)
    after = {**before, "open_reports": 0}
    _audit(session, "admin.reports_dismissed", actor, card_id, reports[0].owner_id, before, after, ip=ip)
    return closed


def take_down(*, session: Session, actor: User | None, card_id: uuid.UUID, reason: str, ip: str = "") -> CardTakedown:
    """Take a reported card offline with a reason its owner reads; open reports close; the owner is told."""
    user_service.require_admin(actor)
    card_id = parse_id(card_id, "Card")
    why = _text(reason, "reason", "the reason the owner will read")
    if active_takedown(session=session, card_id=card_id) is not None:
        raise Conflict("This card is offline already.")
    reports = _open_reports(session, card_id) or _latest_report(session, card_id)
    if not reports:
        raise NotFound("Only reported cards can be taken down here.")
    first = reports[0]
    before = _state(None, len([r for r in reports if r.status == OPEN]))
    takedown = CardTakedown(
        card_id=card_id,
        owner_id=first.owner_id,
        slug=first.slug,
        card_name=first.card_name,
        reason=why,
        created_by=actor.id,
        created_at=clock.now(),
    )
    session.add(takedown)
    session.flush()
    _resolve(session, card_id, actor, TAKEN_DOWN)
    events.emit(session, "card.changed", card_id=card_id)  # caches drop the page, the directory forgets it
    after = {**_state(takedown, 0), "reason": why}
    _audit(session, "admin.card_taken_down", actor, card_id, first.owner_id, before, after, detail=why[:300], ip=ip)
    data = {"event": "taken_down", "card": first.card_name, "reason": why, "url": links.appeal(takedown.id)}
    _tell_owner(session, first.owner_id, data)
    return takedown


def _latest_report(session: Session, card_id: uuid.UUID) -> list[CardReport]:
    """The card's newest report of any status (a handled card can still be taken down later)."""
    query = select(CardReport).where(CardReport.card_id == card_id).order_by(CardReport.created_at.desc())
    return list(session.exec(query.limit(1)))


def restore(*, session: Session, actor: User | None, card_id: uuid.UUID, note: str = "", ip: str = "") -> CardTakedown:
    """Bring a taken-down card back online (admins only, audited); its owner is told."""
    user_service.require_admin(actor)
    takedown = active_takedown(session=session, card_id=parse_id(card_id, "Card"))
    if takedown is None:
        raise NotFound("This card is not taken down.")
    return _lift(session, actor, takedown, note=(note or "").strip()[:MAX_TEXT], ip=ip)


def _lift(session: Session, actor: User, takedown: CardTakedown, *, note: str, ip: str) -> CardTakedown:
    """End a takedown: the card is online again (after commit) and the owner hears it."""
    before = _state(takedown, 0)
    takedown.status, takedown.lifted_by, takedown.lifted_at = RESTORED, actor.id, clock.now()
    if takedown.appeal_status == PENDING:
        takedown.appeal_status, takedown.appeal_note = GRANTED, note
        takedown.appeal_decided_by, takedown.appeal_decided_at = actor.id, clock.now()
    session.add(takedown)
    session.flush()
    events.emit(session, "card.changed", card_id=takedown.card_id)
    action = "admin.appeal_granted" if takedown.appeal_status == GRANTED else "admin.card_restored"
    owner = takedown.owner_id
    _audit(session, action, actor, takedown.card_id, owner, before, _state(takedown, 0), detail=note[:300], ip=ip)
    data = {"event": "restored", "card": takedown.card_name, "note": note, "url": links.public_card(takedown.slug)}
    _tell_owner(session, owner, data)
    return takedown


def owner_takedown(*, session: Session, owner: User, takedown_id: uuid.UUID) -> CardTakedown:
    """A takedown of one of the owner's cards; NotFound for anyone else's."""
    takedown = session.get(CardTakedown, parse_id(takedown_id, "Notice"))
    if takedown is None or takedown.owner_id != owner.id:
        raise NotFound("This notice does not exist.")
    return takedown


def appeal(*, session: Session, owner: User, takedown_id: uuid.UUID, text: str) -> CardTakedown:
    """The owner asks for a taken-down card back (once per takedown); it joins the admins' queue."""
    takedown = owner_takedown(session=session, owner=owner, takedown_id=takedown_id)
    if takedown.status != ACTIVE:
        raise Conflict(ONLINE_AGAIN)
    if takedown.appeal_status:
        raise Conflict(APPEALED_ALREADY)
    takedown.appeal_text = _text(text, "text", APPEAL_WHY)
    takedown.appeal_status, takedown.appeal_at = PENDING, clock.now()
    session.add(takedown)
    session.flush()
    audit.record(
        session=session,
        action="card.appealed",
        subject_id=owner.id,
        actor_id=owner.id,
        target_type="card",
        target_id=str(takedown.card_id),
        detail=takedown.appeal_text[:300],
    )
    return takedown


def decide_appeal(
    *, session: Session, actor: User | None, takedown_id: uuid.UUID, grant: bool, note: str, ip: str = ""
) -> CardTakedown:
    """Answer a pending appeal: restore the card (grant) or keep it offline (uphold); the owner is told."""
    user_service.require_admin(actor)
    takedown = session.get(CardTakedown, parse_id(takedown_id, "Appeal"))
    if takedown is None or takedown.appeal_status != PENDING:
        raise NotFound("There is no pending appeal here.")
    if grant:
        return _lift(session, actor, takedown, note=(note or "").strip()[:MAX_TEXT], ip=ip)
    answer = _text(note, "note", "the answer the owner will read")
    before = _state(takedown, 0)
    takedown.appeal_status, takedown.appeal_note = UPHELD, answer
    takedown.appeal_decided_by, takedown.appeal_decided_at = actor.id, clock.now()
    session.add(takedown)
    session.flush()
    owner = takedown.owner_id
    _audit(session, "admin.appeal_upheld", actor, takedown.card_id, owner, before, _state(takedown, 0), ip=ip)
    data = {"event": "upheld", "card": takedown.card_name, "note": answer, "url": links.appeal(takedown.id)}
    _tell_owner(session, owner, data)
    return takedown
