"""Introductions between two of the owner's contacts whose ask and offer meet, asked double opt-in.

A pair is suggested when one contact's ask (their card's "looking for", or a note sentence such as
"she is raising a seed round") finds another contact's offer. The owner then asks the first contact,
then the second, and only when both said yes writes the introduction itself. Every step is a draft for
compose; nothing here sends anything. A dismissed or declined pair is not suggested again.
"""

from __future__ import annotations

import re
import uuid

from sqlmodel import Session, select

from metaic.ai import corpus
from metaic.ai.followups import channel_for
from metaic.ai.models import Introduction
from metaic.ai.network_schemas import IntroductionDraft, IntroductionRead, IntroStep
from metaic.ai.networking import rank_model
from metaic.ai.schemas import ComposeDraft
from metaic.ai.text import sentences, shorten, tokens
from metaic.auth.models import User
from metaic.contacts.models import SavedContact
from metaic.core import clock
from metaic.core.errors import Conflict, NotFound, ValidationError

MAX_ASKERS = 200
OPEN = ("asking_first", "asking_second")
NEXT_STEP: dict[str, IntroStep] = {"asking_first": "ask_first", "asking_second": "ask_second"}
STEPS_BY_STATUS: dict[str, tuple[str, ...]] = {
    "asking_first": ("ask_first",),
    "asking_second": ("ask_first", "ask_second"),
    "introduced": ("introduce_first", "introduce_second"),
}


def _phrase(text: str, limit: int = 90, near: str = "") -> str:
    """The sentence of a text sharing most words with `near` (else the first), lower-cased, without its stop."""
    found = sentences(text) or [text]
    wanted = set(tokens(near))
    best = max(found, key=lambda s: len(set(tokens(s)) & wanted)) if wanted else found[0]
    best = best.strip().rstrip(".!;")
    return shorten(best[:1].lower() + best[1:], limit)


SUBJECT = re.compile(r"^(?:she|he|they|i|we)\s+(?:is|are|am)\s+|^(?:she|he|they)['’]s\s+", re.I)


def _pair_reason(names: dict, first: uuid.UUID, second: uuid.UUID, ask: str, offer: str) -> str:
    """ "Ana is raising a seed round; Ben offers angel investing for B2B startups" """
    wants = SUBJECT.sub("", _phrase(ask, 80))
    verb = "is" if wants.split(" ", 1)[0].endswith("ing") else "is looking for"
    return shorten(f"{names[first]} {verb} {wants}; {names[second]} offers {_phrase(offer, near=ask)}", 300)


def _decided(session: Session, owner_id: uuid.UUID) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """Pairs the owner already introduced, is introducing, dismissed or saw declined (either order)."""
    rows = session.exec(
        select(Introduction.first_id, Introduction.second_id).where(Introduction.owner_id == owner_id)
    ).all()
    return {pair for a, b in rows for pair in ((a, b), (b, a))}


def suggest(*, session: Session, owner: User, limit: int = 5) -> list[IntroductionRead]:
    """The best pairs of the owner's contacts where one's ask meets the other's offer (one pair per asker)."""
    found = corpus.get(session, owner.id)
    decided = _decided(session, owner.id)
    pairs = []
    for first, ask in list(found.asks.items())[:MAX_ASKERS]:
        if not tokens(ask):
            continue
        for second, score, matched in rank_model(ask, found.ids, found.model, limit=3):
            if second != first and (first, second) not in decided and matched:
                reason = _pair_reason(found.names, first, second, ask, found.offers[second])
                pairs.append((score, first, second, reason))
                break
    pairs.sort(key=lambda p: -p[0])
    return [
        IntroductionRead(
            first_id=first,
            first_name=found.names[first],
            second_id=second,
            second_name=found.names[second],
            status="suggested",
            reason=reason,
            score=round(score, 4),
            next_step="ask_first",
        )
        for score, first, second, reason in pairs[:limit]
    ]


def _contact(session: Session, owner: User, contact_id: uuid.UUID) -> SavedContact:
    """One of the owner's contacts, or NotFound."""
    contact = session.get(SavedContact, contact_id)
    if contact is None or contact.owner_id != owner.id:
        raise NotFound("Contact not found.")
    return contact


def _read(session: Session, owner: User, intro: Introduction) -> IntroductionRead:
    """An introduction row as handed out."""
    first, second = _contact(session, owner, intro.first_id), _contact(session, owner, intro.second_id)
    return IntroductionRead(
        id=intro.id,
        first_id=first.id,
        first_name=first.full_name or first.company,
        second_id=second.id,
        second_name=second.full_name or second.company,
        status=intro.status,
        reason=intro.reason,
        next_step=NEXT_STEP.get(intro.status, "introduce_first" if intro.status == "introduced" else None),
        updated_at=clock.as_utc(intro.updated_at),
    )


def list_open(*, session: Session, owner: User, limit: int = 20) -> list[IntroductionRead]:
    """The owner's introductions in progress and recently made, newest first."""
    rows = session.exec(
        select(Introduction)
        .where(Introduction.owner_id == owner.id, Introduction.status.in_((*OPEN, "introduced")))
        .order_by(Introduction.updated_at.desc())
        .limit(limit)
    ).all()
    return [_read(session, owner, row) for row in rows]


def _require(session: Session, owner: User, intro_id: uuid.UUID) -> Introduction:
    """One of the owner's introductions, or NotFound."""
    intro = session.get(Introduction, intro_id)
    if intro is None or intro.owner_id != owner.id:
        raise NotFound("Introduction not found.")
    return intro


def _reason_now(session: Session, owner: User, first: SavedContact, second: SavedContact) -> str:
    """Why these two should meet, from what the corpus knows now (a plain line when it knows nothing)."""
    found = corpus.get(session, owner.id)
    ask, offer = found.asks.get(first.id, ""), found.offers.get(second.id, "")
    if ask and offer:
        return _pair_reason(found.names, first.id, second.id, ask, offer)
    return f"{found.names.get(first.id) or 'They'} and {found.names.get(second.id) or 'they'} should meet"


def start(*, session: Session, owner: User, first_id: uuid.UUID, second_id: uuid.UUID) -> IntroductionDraft:
    """Begin an introduction: record it and draft the question to the first contact."""
    if first_id == second_id:
        raise ValidationError("Choose two different contacts.", field="second_id")
    first, second = _contact(session, owner, first_id), _contact(session, owner, second_id)
    intro = session.exec(
        select(Introduction).where(
            Introduction.owner_id == owner.id, Introduction.first_id == first.id, Introduction.second_id == second.id
        )
    ).first()
    if intro is not None and intro.status in (*OPEN, "introduced"):
        raise Conflict("This introduction is already under way.")
    intro = intro or Introduction(owner_id=owner.id, first_id=first.id, second_id=second.id)
    intro.status, intro.updated_at = "asking_first", clock.now()
    intro.reason = _reason_now(session, owner, first, second)
    session.add(intro)
    session.flush()
    return draft(session=session, owner=owner, intro_id=intro.id, step="ask_first")


def answer(*, session: Session, owner: User, intro_id: uuid.UUID, agreed: bool) -> IntroductionRead | IntroductionDraft:
    """Record the asked contact's answer: a yes moves on and drafts the next message; a no closes it."""
    intro = _require(session, owner, intro_id)
    if intro.status not in OPEN:
        raise Conflict("This introduction is not waiting for an answer.")
    intro.updated_at = clock.now()
    if not agreed:
        intro.status = "declined"
        session.add(intro)
        session.flush()
        return _read(session, owner, intro)
    step: IntroStep = "ask_second" if intro.status == "asking_first" else "introduce_first"
    intro.status = "asking_second" if intro.status == "asking_first" else "introduced"
    session.add(intro)
    session.flush()
    return draft(session=session, owner=owner, intro_id=intro.id, step=step)


def dismiss(*, session: Session, owner: User, first_id: uuid.UUID, second_id: uuid.UUID) -> None:
    """Set a suggested pair aside (or stop one under way) so it is not suggested again."""
    first, second = _contact(session, owner, first_id), _contact(session, owner, second_id)
    intro = session.exec(
        select(Introduction).where(
            Introduction.owner_id == owner.id, Introduction.first_id == first.id, Introduction.second_id == second.id
        )
    ).first()
    intro = intro or Introduction(owner_id=owner.id, first_id=first.id, second_id=second.id)
    intro.status, intro.updated_at = "dismissed", clock.now()
    session.add(intro)
    session.flush()


def _first(values: list[dict]) -> str:
    """The first value of a contact's labelled list (emails, phones)."""
    return next((v.get("value", "") for v in values or [] if v.get("value")), "")


def _first_name(contact: SavedContact) -> str:
    """How a message greets a contact."""
    return contact.first_name or (contact.full_name.split() or [""])[0] or contact.company or "there"


def _messages(owner: User, a: SavedContact, b: SavedContact, reason: str, step: str) -> tuple[SavedContact, str, str]:
    """(recipient, subject, body) of one step; the wording asks before it shares anything."""
    me = owner.name or owner.email.split("@")[0]
    why = f"\n\n(Why I thought of it: {reason}.)" if reason else ""
    if step == "ask_first":
        body = (
            f"Hi {_first_name(a)},\n\nI know {b.full_name or b.company}"
            f"{f', {b.title}' if b.title else ''}{f' at {b.company}' if b.company and b.full_name else ''}, "
            f"and I think you two should talk.{why}\n\nWould you like me to introduce you? I will only pass on "
            f"your details if you both say yes.\n\nBest,\n{me}"
        )
        return a, f"An introduction to {b.full_name or b.company}?", body
    if step == "ask_second":
        body = (
            f"Hi {_first_name(b)},\n\n{a.full_name or a.company}"
            f"{f' ({a.company})' if a.company and a.full_name else ''} would like to meet you, "
            f"and I think it could be useful for you both.{why}\n\n"
            f"Would you be happy for me to introduce you? {_first_name(a)} has said yes; nothing is shared "
            f"unless you agree too.\n\nBest,\n{me}"
        )
        return b, f"Would you like to meet {a.full_name or a.company}?", body
    to, other = (a, b) if step == "introduce_first" else (b, a)
    reach = _first(other.emails) or _first(other.phones) or "(ask me for their details)"
    body = (
        f"Hi {_first_name(to)},\n\nAs promised, meet {other.full_name or other.company}"
        f"{f' ({other.title})' if other.title else ''}: you can reach them at {reach}.{why}\n\n"
        f"You both said yes, so I will leave it to you from here.\n\nBest,\n{me}"
    )
    return to, f"Introduction: {a.full_name or a.company} and {b.full_name or b.company}", body


def draft(*, session: Session, owner: User, intro_id: uuid.UUID, step: IntroStep) -> IntroductionDraft:
    """The message for one step of an introduction, ready for compose (only steps its status allows)."""
    intro = _require(session, owner, intro_id)
    if step not in STEPS_BY_STATUS.get(intro.status, ()):
        raise Conflict("That message does not fit where this introduction stands.")
    a, b = _contact(session, owner, intro.first_id), _contact(session, owner, intro.second_id)
    to, subject, body = _messages(owner, a, b, intro.reason, step)
    channel = channel_for(to)
    address = _first(to.emails) if channel == "email" else _first(to.phones)
    compose = ComposeDraft(contact_id=to.id, channel=channel, to=address, subject=subject, body=body)
    return IntroductionDraft(introduction=_read(session, owner, intro), step=step, compose=compose)
