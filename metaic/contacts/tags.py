"""Tags: an owner's coloured labels on contacts; create, rename, recolour, merge, delete."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, delete, select

from metaic import events
from metaic.auth.models import User
from metaic.contacts.models import ContactTag, Tag
from metaic.contacts.schemas import TagRead
from metaic.core.errors import Conflict, NotFound, ValidationError
from metaic.core.models import name_key

COLORS = ("gray", "red", "orange", "amber", "green", "teal", "blue", "indigo", "purple", "pink")
MAX_TAG_LENGTH = 40


def clean_name(raw: str) -> str:
    """A tag name: trimmed, single-spaced, control characters dropped, 1-40 characters."""
    value = " ".join("".join(ch for ch in (raw or "") if ord(ch) >= 32).split())
    if not value:
        raise ValidationError("Enter a tag name.", field="name")
    if len(value) > MAX_TAG_LENGTH:
        raise ValidationError(f"Use at most {MAX_TAG_LENGTH} characters.", field="name")
    return value


def _check_color(color: str) -> str:
    """One of the palette's colour keys."""
    if color not in COLORS:
        raise ValidationError(f"Choose one of: {', '.join(COLORS)}.", field="color")
    return color


def _by_name(*, session: Session, owner_id: uuid.UUID, name: str) -> Tag | None:
    """The owner's tag with this name, ignoring case (Unicode case too: "Ölmez" is "ÖLMEZ")."""
    return session.exec(select(Tag).where(Tag.owner_id == owner_id, Tag.name_key == name_key(name))).first()


def _require(*, session: Session, owner_id: uuid.UUID, tag_id: uuid.UUID) -> Tag:
    """The owner's tag, or NotFound."""
    tag = session.get(Tag, tag_id)
    if tag is None or tag.owner_id != owner_id:
        raise NotFound("Tag not found.")
    return tag


def get_or_create(*, session: Session, owner_id: uuid.UUID, name: str, color: str = "gray") -> Tag:
    """The owner's tag with this name, created when missing."""
    value = clean_name(name)
    tag = _by_name(session=session, owner_id=owner_id, name=value)
    if tag is not None:
        return tag
    tag = Tag(owner_id=owner_id, name=value, name_key=name_key(value), color=_check_color(color))
    try:
        with session.begin_nested():  # a concurrent request may have just added it
            session.add(tag)
    except IntegrityError:
        found = _by_name(session=session, owner_id=owner_id, name=value)
        if found is None:
            raise
        return found
    return tag


def list_tags(*, session: Session, owner: User) -> list[TagRead]:
    """The owner's tags, by name."""
    rows = session.exec(select(Tag).where(Tag.owner_id == owner.id).order_by(Tag.name_key, Tag.name)).all()
    return [TagRead(id=t.id, name=t.name, color=t.color) for t in rows]


def create_tag(*, session: Session, owner: User, name: str, color: str = "gray") -> TagRead:
    """A new tag; Conflict when the owner already has one by that name."""
    value = clean_name(name)
    if _by_name(session=session, owner_id=owner.id, name=value):
        raise Conflict("You already have a tag with this name.", field="name")
    tag = get_or_create(session=session, owner_id=owner.id, name=value, color=color)
    return TagRead(id=tag.id, name=tag.name, color=tag.color)


def update_tag(
    *, session: Session, owner: User, tag_id: uuid.UUID, name: str | None = None, color: str | None = None
) -> TagRead:
    """Rename or recolour a tag (renaming onto another tag's name is refused: merge them instead)."""
    tag = _require(session=session, owner_id=owner.id, tag_id=tag_id)
    if name is not None:
        value = clean_name(name)
        other = _by_name(session=session, owner_id=owner.id, name=value)
        if other is not None and other.id != tag.id:
            raise Conflict("Another tag has this name; merge the two tags instead.", field="name")
        tag.name, tag.name_key = value, name_key(value)
    if color is not None:
        tag.color = _check_color(color)
    try:
        with session.begin_nested():  # a concurrent rename may have just taken the name
            session.add(tag)
    except IntegrityError:
        raise Conflict("Another tag has this name; merge the two tags instead.", field="name") from None
    if name is not None:
        events.emit(session, "contacts.changed", owner_id=owner.id)
    return TagRead(id=tag.id, name=tag.name, color=tag.color)


def merge_tags(*, session: Session, owner: User, keep_id: uuid.UUID, drop_id: uuid.UUID) -> TagRead:
    """Move every contact of the dropped tag onto the kept one, then delete the dropped tag."""
    keep = _require(session=session, owner_id=owner.id, tag_id=keep_id)
    drop = _require(session=session, owner_id=owner.id, tag_id=drop_id)
    if keep.id == drop.id:
        raise ValidationError("Choose two different tags.", field="drop_id")
    has_keep = set(session.exec(select(ContactTag.contact_id).where(ContactTag.tag_id == keep.id)).all())
    for contact_id in session.exec(select(ContactTag.contact_id).where(ContactTag.tag_id == drop.id)).all():
        if contact_id not in has_keep:
            session.add(ContactTag(contact_id=contact_id, tag_id=keep.id))
    session.flush()
    session.delete(drop)
    session.flush()
    events.emit(session, "contacts.changed", owner_id=owner.id)
    return TagRead(id=keep.id, name=keep.name, color=keep.color)


def delete_tag(*, session: Session, owner: User, tag_id: uuid.UUID) -> None:
    """Delete a tag; contacts lose it and stay."""
    session.delete(_require(session=session, owner_id=owner.id, tag_id=tag_id))
    session.flush()
    events.emit(session, "contacts.changed", owner_id=owner.id)


def tag_ids_of(*, session: Session, contact_id: uuid.UUID) -> list[uuid.UUID]:
    """The ids of a contact's tags."""
    return list(session.exec(select(ContactTag.tag_id).where(ContactTag.contact_id == contact_id)).all())


def set_ids(*, session: Session, contact_id: uuid.UUID, tag_ids: list[uuid.UUID]) -> None:
    """Replace a contact's tags by these tag ids."""
    session.exec(delete(ContactTag).where(ContactTag.contact_id == contact_id))
    for tag_id in dict.fromkeys(tag_ids):
        session.add(ContactTag(contact_id=contact_id, tag_id=tag_id))
    session.flush()


def set_names(*, session: Session, owner_id: uuid.UUID, contact_id: uuid.UUID, names: list[str]) -> None:
    """Replace a contact's tags by these names (missing tags are created)."""
    ids = [get_or_create(session=session, owner_id=owner_id, name=n).id for n in names if n and n.strip()]
    set_ids(session=session, contact_id=contact_id, tag_ids=ids)


def add_names(*, session: Session, owner_id: uuid.UUID, contact_id: uuid.UUID, names: list[str]) -> None:
    """Add these tags to a contact, keeping the ones it has."""
    current = tag_ids_of(session=session, contact_id=contact_id)
    new = [get_or_create(session=session, owner_id=owner_id, name=n).id for n in names if n and n.strip()]
    set_ids(session=session, contact_id=contact_id, tag_ids=[*current, *new])
