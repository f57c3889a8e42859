"""The contact book: create, read, change and delete an owner's contacts (every call scoped to its owner)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import pydantic
from sqlmodel import Session

from metaic import events
from metaic.auth.models import User
from metaic.contacts import enrichment, regions, store, tags
from metaic.contacts.models import SavedContact
from metaic.contacts.schemas import ContactInput, ContactRead, ContactUpdate
from metaic.contacts.search import list_  # noqa: F401  (re-exported: service.list_)
from metaic.core import clock, ratelimit
from metaic.core.errors import ValidationError

# Contacts typed in one by one (the form, the API): far more than a person adds, far too few to sweep a list
# of addresses through the book (imports go their own way).
CREATES_PER_MINUTE = 60
CREATES_PER_DAY = 1000


def _parse(model: type[pydantic.BaseModel], data: pydantic.BaseModel | dict) -> pydantic.BaseModel:
    """Validate input into `model`; pydantic errors become one ValidationError keyed by field."""
    raw = data.model_dump(exclude_unset=True) if isinstance(data, pydantic.BaseModel) else data
    try:
        return model.model_validate(raw)
    except pydantic.ValidationError as exc:
        errors = {".".join(str(p) for p in e["loc"]) or "contact": e["msg"] for e in exc.errors()}
        raise ValidationError("Some fields need attention.", errors=errors) from None


def build(
    *,
    owner_id: uuid.UUID,
    data: ContactInput,
    strict: bool = True,
    regions: Sequence[str] = (),
    findings: store.Findings | None = None,
) -> SavedContact:
    """A new (unsaved) contact row from checked input.

    National phone numbers are read in the first of `regions` where they are valid. `strict=False` (imports)
    keeps a value that cannot be read as written and flags it in `findings` instead of refusing the contact.
    """
    findings = findings if findings is not None else store.Findings()
    contact = SavedContact(
        owner_id=owner_id,
        source=data.source,
        stage=data.stage,
        strength=data.strength,
        met_on=data.met_on,
        photo_file_id=data.photo_file_id,
        uid=data.uid.strip(),
        notes=store.clean_multiline(data.note),
    )
    for name in store.TEXT_FIELDS:
        setattr(contact, name, store.clean_text(getattr(data, name)))
    for name in store.LIST_FIELDS:
        value = store.clean_list(name, getattr(data, name), strict=strict, regions=regions, findings=findings)
        setattr(contact, name, value)
    store.check_birthday(contact.birthday, findings)
    contact.flags = list(findings.flags)
    contact.created_at = clock.now()
    store.refresh_derived(contact)
    return contact


def add(
    *,
    session: Session,
    contact: SavedContact,
    tag_names: list[str] | None = None,
    enrich: bool = True,
    announce: bool = True,
) -> SavedContact:
    """Store a built contact with its identities and tags, linking it to a MetaIC card when its email matches.

    `announce=False` (imports) skips the per-contact event: the import announces the whole book once at its end.
    """
    session.add(contact)
    session.flush()
    if announce:
        events.emit(session, "contact.changed", contact_id=contact.id)
    store.sync_identities(session=session, contact=contact)
    if tag_names:
        tags.set_names(session=session, owner_id=contact.owner_id, contact_id=contact.id, names=tag_names)
    if enrich and contact.card_id is None:
        enrichment.link_card(session=session, contact=contact)
    return contact


def create(*, session: Session, owner: User, data: ContactInput | dict) -> SavedContact:
    """Add a contact typed in by its owner (emails checked, phones to E.164, links http(s)); rate-limited per owner."""
    ratelimit.hit(f"contacts:create:{owner.id}:minute", limit=CREATES_PER_MINUTE, window=60)
    ratelimit.hit(f"contacts:create:{owner.id}:day", limit=CREATES_PER_DAY, window=86400)
    checked = _parse(ContactInput, data)
    contact = build(owner_id=owner.id, data=checked, regions=_account_regions(owner))
    add(session=session, contact=contact, tag_names=checked.tags)
    events.emit(session, "contact.saved", contact_id=contact.id)  # the assistant proposes a follow-up
    return contact


def _account_regions(owner: User) -> list[str]:
    """Where a number typed without its country code is read: the account's country, when we know it."""
    region = regions.for_account(owner)
    return [region] if region else []


def get(*, session: Session, owner: User, contact_id: uuid.UUID) -> ContactRead:
    """One of the owner's contacts with its tags; NotFound for anyone else's."""
    contact = store.require_contact(session=session, owner_id=owner.id, contact_id=contact_id)
    return store.read_one(session=session, contact=contact)


def update(*, session: Session, owner: User, contact_id: uuid.UUID, changes: ContactUpdate | dict) -> SavedContact:
    """Change the fields given in `changes`; the others stay as they are."""
    contact = store.require_contact(session=session, owner_id=owner.id, contact_id=contact_id)
    checked = _parse(ContactUpdate, changes)
    given = checked.model_dump(exclude_unset=True)
    errors: dict[str, str] = {}
    for name, value in given.items():
        if name in store.TEXT_FIELDS:
            setattr(contact, name, store.clean_text(value))
        elif name in store.LIST_FIELDS:
            try:
                setattr(contact, name, store.clean_list(name, value or [], regions=_account_regions(owner)))
            except ValidationError as exc:
                errors.update(exc.errors)
        elif name == "note":
            contact.notes = store.clean_multiline(value)
        elif name in ("stage", "strength") and value is None:
            errors[name] = "Choose a value."
        elif name != "tags":
            setattr(contact, name, value)
    if errors:
        raise ValidationError("Some contact details need attention.", errors=errors)
    store.refresh_derived(contact)
    session.add(contact)
    store.sync_identities(session=session, contact=contact)
    if "tags" in given:
        tags.set_names(session=session, owner_id=owner.id, contact_id=contact.id, names=given["tags"] or [])
    events.emit(session, "contact.changed", contact_id=contact.id)
    return contact


def delete(*, session: Session, owner: User, contact_id: uuid.UUID) -> None:
    """Delete a contact with its identities, tags, history and reminders."""
    contact = store.require_contact(session=session, owner_id=owner.id, contact_id=contact_id)
    session.delete(contact)
    session.flush()
    events.emit(session, "contact.deleted", contact_id=contact_id)
