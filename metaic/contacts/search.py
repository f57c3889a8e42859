"""Finding contacts: text search, filters, sort and pagination (one page query, one count, one tags query)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import and_, exists, nulls_last, or_
from sqlmodel import Session, func, select

from metaic.auth.models import User
from metaic.contacts import store
from metaic.contacts.models import ContactIdentity, ContactTag, Reminder, SavedContact
from metaic.contacts.schemas import ContactFilters, ContactPage
from metaic.core import clock
from metaic.core.errors import ValidationError

SORTS = {
    "name": (SavedContact.sort_name.asc(), SavedContact.id.asc()),
    "-name": (SavedContact.sort_name.desc(), SavedContact.id.desc()),
    "created": (SavedContact.created_at.asc(), SavedContact.id.asc()),
    "-created": (SavedContact.created_at.desc(), SavedContact.id.desc()),
    "last_contacted": (nulls_last(SavedContact.last_contacted_at.asc()), SavedContact.id.asc()),
    "-last_contacted": (nulls_last(SavedContact.last_contacted_at.desc()), SavedContact.id.desc()),
}
MAX_LIMIT = 200
# Far past any real book and far below the 2^63 the databases overflow at (a page number from an address).
MAX_OFFSET = 10_000_000


def _escape_like(text: str) -> str:
    """Escape LIKE wildcards so a search for `50%` means the characters."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _identity_match(owner_id: uuid.UUID, query: str):
    """A query that is a whole email or phone number (+country code), matched through the blind index; else None.

    Emails and phones are encrypted at rest, so SQL finds them only exactly (the search index finds parts).
    """
    text = store.clean_text(query)
    if not text:
        return None
    wanted = []
    if "@" in text and " " not in text:
        wanted.append(("email", text))
    digits = store.identity_value("phone", text)
    if len(digits.lstrip("+")) >= 6 and not any(ch.isalpha() for ch in text):
        wanted += [("phone", f"+{digits.lstrip('+')}"), ("phone", digits)]
    if not wanted:
        return None
    return exists().where(
        ContactIdentity.contact_id == SavedContact.id,
        ContactIdentity.owner_id == owner_id,
        or_(
            *(
                and_(ContactIdentity.kind == k, ContactIdentity.value_hash == store.identity_hash(owner_id, k, v))
                for k, v in wanted
            )
        ),
    )


def conditions(*, owner_id: uuid.UUID, filters: ContactFilters, now: datetime | None = None) -> list:
    """The WHERE clauses for an owner's contacts matching `filters`."""
    where = [SavedContact.owner_id == owner_id]
    words = [
        SavedContact.search_text.like(f"%{_escape_like(word)}%", escape="\\")
        for word in store.clean_text(filters.query).lower().split()[:8]
    ]
    exact = _identity_match(owner_id, filters.query)
    if exact is not None:
        where.append(or_(and_(*words), exact))
    else:
        where += words
    if filters.tag_id is not None:
        where.append(exists().where(ContactTag.contact_id == SavedContact.id, ContactTag.tag_id == filters.tag_id))
    if filters.source:
        where.append(SavedContact.source == filters.source)
    if filters.stage:
        where.append(SavedContact.stage == filters.stage)
    event = store.clean_text(filters.event)
    if event:
        where.append(func.lower(SavedContact.event) == event.lower())
    if filters.reminder_due:
        where.append(
            exists().where(
                Reminder.contact_id == SavedContact.id,
                Reminder.status != "done",
                Reminder.due_at <= (now or clock.now()),
            )
        )
    return where


def list_(
    *,
    session: Session,
    owner: User,
    filters: ContactFilters | dict | None = None,
    sort: str = "name",
    limit: int = 50,
    offset: int = 0,
) -> ContactPage:
    """A page of the owner's contacts matching `filters`, sorted, with the total count."""
    if sort not in SORTS:
        raise ValidationError(f"Sort by one of: {', '.join(SORTS)}.", field="sort")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"Show between 1 and {MAX_LIMIT} contacts a page.", field="limit")
    if not 0 <= offset <= MAX_OFFSET:
        raise ValidationError(f"Skip between 0 and {MAX_OFFSET:,} contacts.", field="offset")
    checked = filters if isinstance(filters, ContactFilters) else ContactFilters.model_validate(filters or {})
    where = conditions(owner_id=owner.id, filters=checked)
    rows = session.exec(select(SavedContact).where(*where).order_by(*SORTS[sort]).limit(limit).offset(offset)).all()
    total = session.exec(select(func.count()).select_from(SavedContact).where(*where)).one()
    tag_map = store.tags_for(session=session, contact_ids=[c.id for c in rows])
    return ContactPage(items=[store.to_read(c, tag_map[c.id]) for c in rows], total=total, limit=limit, offset=offset)


def matching_ids(*, session: Session, owner_id: uuid.UUID, filters: ContactFilters) -> list[uuid.UUID]:
    """Every id of the owner's contacts matching `filters`, by name (for exports)."""
    return list(
        session.exec(
            select(SavedContact.id).where(*conditions(owner_id=owner_id, filters=filters)).order_by(*SORTS["name"])
        ).all()
    )
