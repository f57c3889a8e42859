"""Follow-up plans: when a contact is saved, propose a message and a reminder; the owner accepts, edits or dismisses.

Accepting creates the reminder through the contacts domain and hands the draft to compose. Nothing here
ever sends a message: sending stays the owner's own click in compose.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from metaic.ai import engine
from metaic.ai.language import base, detect, name_of, template_language
from metaic.ai.models import FollowUpPlan
from metaic.ai.phrases import phrase
from metaic.ai.safety import Prompt
from metaic.ai.schemas import ComposeDraft, FollowUpAccepted, FollowUpEdit, FollowUpRead
from metaic.ai.text import sentences, shorten
from metaic.auth.models import User
from metaic.cards.models import Card
from metaic.contacts import reminders
from metaic.contacts.models import SavedContact
from metaic.core import clock
from metaic.core.errors import Conflict, NotFound

FOLLOW_UP_DAYS = 2
REMIND_HOUR = 9


def _first(values: list[dict]) -> str:
    """The first value of a contact's labelled list."""
    return next((v.get("value", "") for v in values or [] if v.get("value")), "")


def channel_for(contact: SavedContact) -> str:
    """Email when the contact has an address, WhatsApp when only a phone, none otherwise."""
    if _first(contact.emails):
        return "email"
    return "whatsapp" if _first(contact.phones) else "none"


def language_for(session: Session, contact: SavedContact, owner: User) -> str:
    """The contact's language: their card's, else what their meeting notes are written in, else the owner's."""
    if contact.card_id is not None:
        card = session.get(Card, contact.card_id)
        if card is not None and card.language:
            return base(card.language)
    return detect(f"{contact.how_we_met}\n{contact.notes}", fallback=base(owner.language) or "en")


def remind_time(owner: User, now: datetime | None = None) -> datetime:
    """9:00 in the owner's time zone, FOLLOW_UP_DAYS working days from now, as UTC."""
    try:
        zone = ZoneInfo(owner.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    day = (now or clock.now()).astimezone(zone).date()
    added = 0
    while added < FOLLOW_UP_DAYS:
        day += timedelta(days=1)
        added += day.weekday() < 5
    return clock.as_utc(datetime.combine(day, time(REMIND_HOUR), tzinfo=zone))


def _where(lang: str, contact: SavedContact) -> str:
    """ " at Web Summit in Lisbon on 2026-11-03" in the language, from the meeting fields."""
    parts = []
    if contact.event:
        parts.append(phrase(lang, "fu_at", event=contact.event))
    if contact.place:
        parts.append(phrase(lang, "fu_in", place=contact.place))
    if contact.met_on:
        parts.append(phrase(lang, "fu_on", day=contact.met_on.isoformat()))
    return "".join(parts)


def offline_draft(contact: SavedContact, owner: User, lang: str, channel: str) -> tuple[str, str]:
    """The offline engine's subject and message, in the contact's language where templates exist."""
    lang = template_language(lang)
    first = contact.first_name or (contact.full_name.split() or [""])[0] or contact.company
    where = _where(lang, contact)
    topic = shorten((sentences(contact.how_we_met) or [""])[0].rstrip("."), 80)
    context = phrase(lang, "fu_context", topic=topic[:1].lower() + topic[1:]) if topic else ""
    me = owner.name or owner.email.split("@")[0]
    values = {"first": first, "where": where, "context": context, "me": me}
    where_short = phrase(lang, "fu_at", event=contact.event) if contact.event else ""
    subject = phrase(lang, "fu_subject", where_short=where_short)
    body = phrase(lang, "fu_whatsapp" if channel == "whatsapp" else "fu_email", **values)
    return subject, body


def _parsed(raw: str) -> tuple[str, str]:
    """The provider's JSON {"subject", "body"}; ValueError when it is not that."""
    data = json.loads(raw)
    subject, body = data.get("subject"), data.get("body")
    if not isinstance(subject, str) or not isinstance(body, str) or not body.strip():
        raise ValueError("missing fields")
    return subject.strip()[:200], body.strip()[:5000]


def plan_for_contact(*, session: Session, contact_id: uuid.UUID) -> FollowUpPlan | None:
    """Propose a follow-up for a newly saved contact (once per contact; None when it is gone)."""
    contact = session.get(SavedContact, contact_id)
    if contact is None:
        return None
    existing = session.exec(select(FollowUpPlan).where(FollowUpPlan.contact_id == contact_id)).first()
    if existing is not None:
        return existing
    owner = session.get(User, contact.owner_id)
    channel, lang = channel_for(contact), language_for(session, contact, owner)
    kind = "WhatsApp message (short, friendly)" if channel == "whatsapp" else "email"
    task = (
        f"Draft a follow-up {kind} from {owner.name or 'the owner'} to the contact below, in {name_of(lang)}, "
        "mentioning where they met. Propose nothing that was not in the data. "
        'Answer with JSON only: {"subject": "...", "body": "..."}.'
    )

    def prompt(strip: bool) -> Prompt:
        """Only this contact's own fields, as data."""
        built = Prompt(task, strip_contact_details=strip)
        for label, value in (
            ("Contact name", contact.full_name),
            ("Company", contact.company),
            ("Title", contact.title),
            ("Event", contact.event),
            ("Place", contact.place),
            ("Met on", contact.met_on.isoformat() if contact.met_on else ""),
            ("How we met", contact.how_we_met),
            ("Owner's notes", contact.notes),
        ):
            built.data(label, value)
        return built

    outcome = engine.run(
        session=session,
        user_id=owner.id,
        feature="followup",
        prompt=prompt,
        parse=_parsed,
        offline=lambda: offline_draft(contact, owner, lang, channel),
    )
    subject, body = outcome.value
    plan = FollowUpPlan(
        owner_id=owner.id,
        contact_id=contact.id,
        channel=channel,
        language=lang,
        subject=subject,
        body=body,
        remind_at=remind_time(owner),
        source=outcome.source,
        note=outcome.note[:300],
    )
    try:
        with session.begin_nested():  # another job planned this contact meanwhile: keep theirs
            session.add(plan)
    except IntegrityError:
        return session.exec(select(FollowUpPlan).where(FollowUpPlan.contact_id == contact_id)).first()
    return plan


def _read(session: Session, plan: FollowUpPlan) -> FollowUpRead:
    """The read model of a plan, with the contact's name."""
    contact = session.get(SavedContact, plan.contact_id)
    return FollowUpRead(
        id=plan.id,
        contact_id=plan.contact_id,
        contact_name=(contact.full_name or contact.company) if contact else "",
        status=plan.status,
        channel=plan.channel,
        language=plan.language,
        subject=plan.subject,
        body=plan.body,
        remind_at=plan.remind_at,
        source=plan.source,
        note=plan.note,
        reminder_id=plan.reminder_id,
        created_at=plan.created_at,
    )


def _require(session: Session, owner: User, plan_id: uuid.UUID) -> FollowUpPlan:
    """The owner's plan, or NotFound (also for anyone else's)."""
    plan = session.get(FollowUpPlan, plan_id)
    if plan is None or plan.owner_id != owner.id:
        raise NotFound("Follow-up plan not found.")
    return plan


def list_plans(
    *,
    session: Session,
    owner: User,
    status: str | None = "proposed",
    contact_id: uuid.UUID | None = None,
    limit: int = 200,
) -> list[FollowUpRead]:
    """The owner's plans (all statuses when `status` is None), newest first."""
    query = select(FollowUpPlan).where(FollowUpPlan.owner_id == owner.id)
    if status:
        query = query.where(FollowUpPlan.status == status)
    if contact_id:
        query = query.where(FollowUpPlan.contact_id == contact_id)
    rows = session.exec(query.order_by(FollowUpPlan.created_at.desc()).limit(min(limit, 200))).all()
    return [_read(session, plan) for plan in rows]


def proposed_count(*, session: Session, owner: User) -> int:
    """How many of the owner's plans wait for a decision (one indexed count)."""
    query = select(func.count(FollowUpPlan.id)).where(
        FollowUpPlan.owner_id == owner.id, FollowUpPlan.status == "proposed"
    )
    return int(session.exec(query).one())


def get_plan(*, session: Session, owner: User, plan_id: uuid.UUID) -> FollowUpRead:
    """One of the owner's plans."""
    return _read(session, _require(session, owner, plan_id))


def _open(session: Session, owner: User, plan_id: uuid.UUID) -> FollowUpPlan:
    """The owner's plan while still proposed; Conflict once accepted or dismissed."""
    plan = _require(session, owner, plan_id)
    if plan.status != "proposed":
        raise Conflict(f"This follow-up plan was already {plan.status}.")
    return plan


def edit_plan(*, session: Session, owner: User, plan_id: uuid.UUID, changes: FollowUpEdit) -> FollowUpRead:
    """Change a proposed plan's channel, subject, message or reminder time."""
    plan = _open(session, owner, plan_id)
    for name, value in changes.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(plan, name, clock.as_utc(value) if name == "remind_at" else value)
    plan.updated_at = clock.now()
    session.add(plan)
    session.flush()
    return _read(session, plan)


def accept_plan(*, session: Session, owner: User, plan_id: uuid.UUID) -> FollowUpAccepted:
    """Create the plan's reminder and return the draft for compose (never sent from here)."""
    plan = _open(session, owner, plan_id)
    contact = session.get(SavedContact, plan.contact_id)
    remind_at = clock.as_utc(plan.remind_at)  # SQLite hands stored times back without their zone
    if remind_at > clock.now():
        reminder = reminders.set_reminder(
            session=session, owner=owner, contact_id=plan.contact_id, due_at=remind_at, note=plan.subject[:500]
        )
    else:
        reminder = reminders.set_reminder(
            session=session, owner=owner, contact_id=plan.contact_id, quick="tomorrow", note=plan.subject[:500]
        )
    plan.status, plan.reminder_id, plan.updated_at = "accepted", reminder.id, clock.now()
    session.add(plan)
    session.flush()
    to = (
        _first(contact.emails)
        if plan.channel == "email"
        else _first(contact.phones)
        if plan.channel == "whatsapp"
        else ""
    )
    compose = ComposeDraft(contact_id=contact.id, channel=plan.channel, to=to, subject=plan.subject, body=plan.body)
    return FollowUpAccepted(plan=_read(session, plan), reminder=reminder, compose=compose)


def dismiss_plan(*, session: Session, owner: User, plan_id: uuid.UUID) -> FollowUpRead:
    """Set a proposed plan aside; nothing else changes."""
    plan = _open(session, owner, plan_id)
    plan.status, plan.updated_at = "dismissed", clock.now()
    session.add(plan)
    session.flush()
    return _read(session, plan)
