"""The weekly insights digest: who to follow up, which relationships went quiet, which leads came back.

Read from the owner's own book only: contacts, their timeline (communication entries) and what visitors
shared again on the owner's card. A lead "came back" when someone already in the book returned to the
card and left their details again this week (card views are anonymous, so this is the visit we can name).
Each line carries one action, a link to the contact where compose and reminders are.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from metaic.ai.network_schemas import Digest, DigestItem
from metaic.auth.models import User
from metaic.contacts.models import CommunicationEntry, SavedContact, ShareSuggestion
from metaic.core import clock, links

PER_SECTION = 5
FOLLOW_UP_AFTER = timedelta(days=2)  # met at least this long ago ...
FOLLOW_UP_WINDOW = timedelta(days=30)  # ... and at most this long ago, never written to
QUIET_AFTER = timedelta(days=60)
CLOSE_STAGES = ("warm", "client", "partner")
CLOSE_STRENGTH = 4
WEEK = timedelta(days=7)


def _name(contact: SavedContact) -> str:
    """How a contact is named in the digest."""
    return contact.full_name or contact.company or "A contact"


def _last_outbound(session: Session, owner_id: uuid.UUID) -> dict[uuid.UUID, datetime]:
    """When the owner last wrote to or logged contact with each contact (timeline entries)."""
    rows = session.exec(
        select(CommunicationEntry.contact_id, func.max(CommunicationEntry.created_at))
        .where(CommunicationEntry.owner_id == owner_id, CommunicationEntry.direction == "outbound")
        .group_by(CommunicationEntry.contact_id)
    ).all()
    return {cid: clock.as_utc(at) for cid, at in rows if at is not None}


def _touched(contact: SavedContact, outbound: dict[uuid.UUID, datetime]) -> datetime | None:
    """The latest time the owner was in touch with a contact, if ever."""
    times = [t for t in (contact.last_contacted_at, outbound.get(contact.id)) if t is not None]
    return max(clock.as_utc(t) for t in times) if times else None


def _days(now: datetime, then: datetime) -> int:
    """Whole days between two times."""
    return max(0, (now - clock.as_utc(then)).days)


def follow_ups(contacts: list[SavedContact], outbound: dict, now: datetime) -> list[DigestItem]:
    """People met in the last month who were never written to, longest waiting first."""
    due = [
        c
        for c in contacts
        if now - FOLLOW_UP_WINDOW <= clock.as_utc(c.created_at) <= now - FOLLOW_UP_AFTER
        and _touched(c, outbound) is None
    ]
    due.sort(key=lambda c: clock.as_utc(c.created_at))
    return [
        DigestItem(
            section="follow_up",
            contact_id=c.id,
            name=_name(c),
            detail=f"met {_days(now, c.created_at)} days ago{f' at {c.event}' if c.event else ''}, no follow-up yet",
            action="Write a follow-up",
            url=links.contact(c.id),
        )
        for c in due[:PER_SECTION]
    ]


def gone_quiet(contacts: list[SavedContact], outbound: dict, now: datetime) -> list[DigestItem]:
    """Close contacts (warm, client, partner or strong) not in touch for two months, quietest first."""
    quiet = []
    for c in contacts:
        close = c.stage in CLOSE_STAGES or c.strength >= CLOSE_STRENGTH
        last = _touched(c, outbound) or clock.as_utc(c.created_at)
        if close and now - last >= QUIET_AFTER:
            quiet.append((last, c))
    quiet.sort(key=lambda item: item[0])
    return [
        DigestItem(
            section="quiet",
            contact_id=c.id,
            name=_name(c),
            detail=f"no contact for {_days(now, last)} days",
            action="Say hello",
            url=links.contact(c.id),
        )
        for last, c in quiet[:PER_SECTION]
    ]


def came_back(session: Session, owner_id: uuid.UUID, by_id: dict, now: datetime) -> list[DigestItem]:
    """Leads already in the book who came back to the owner's card this week and left their details again."""
    since = now - WEEK
    rows = session.exec(
        select(ShareSuggestion.contact_id, func.max(ShareSuggestion.created_at))
        .where(ShareSuggestion.owner_id == owner_id, ShareSuggestion.created_at >= since)
        .group_by(ShareSuggestion.contact_id)
    ).all()
    latest = {cid: clock.as_utc(at) for cid, at in rows}
    again = session.exec(
        select(CommunicationEntry.contact_id, func.max(CommunicationEntry.created_at))
        .where(
            CommunicationEntry.owner_id == owner_id,
            CommunicationEntry.channel == "share_back",
            CommunicationEntry.created_at >= since,
        )
        .group_by(CommunicationEntry.contact_id)
    ).all()
    for cid, at in again:
        contact = by_id.get(cid)
        # The first share created the contact; only a later one is a return.
        if contact is not None and clock.as_utc(at) - clock.as_utc(contact.created_at) > timedelta(hours=1):
            latest[cid] = max(latest.get(cid, clock.as_utc(at)), clock.as_utc(at))
    items = []
    for cid, at in sorted(latest.items(), key=lambda kv: kv[1], reverse=True):
        contact = by_id.get(cid)
        if contact is None:
            continue
        items.append(
            DigestItem(
                section="returning",
                contact_id=cid,
                name=_name(contact),
                detail=f"came back to your card on {at:%a %d %b}",
                action="Follow up while it is fresh",
                url=links.contact(cid),
            )
        )
    return items[:PER_SECTION]


def compose(*, session: Session, owner: User, now: datetime | None = None, week: str = "") -> Digest:
    """The owner's digest as of `now`."""
    now = clock.as_utc(now or clock.now())
    contacts = list(session.exec(select(SavedContact).where(SavedContact.owner_id == owner.id)).all())
    outbound = _last_outbound(session, owner.id)
    by_id = {c.id: c for c in contacts}
    return Digest(
        week=week or (now.date() - timedelta(days=now.weekday())).isoformat(),
        follow_up=follow_ups(contacts, outbound, now),
        quiet=gone_quiet(contacts, outbound, now),
        returning=came_back(session, owner.id, by_id, now),
    )
