"""Contact rows: field rules (emails, E.164 phones, http(s) links), derived columns, identities, tags, reads."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import TypeAdapter
from sqlmodel import Session, delete, func, select

from metaic.auth.service import normalize_email
from metaic.auth.verification import normalize_phone
from metaic.cards.normalize import normalize_url
from metaic.contacts.models import ContactIdentity, ContactTag, SavedContact, Tag
from metaic.contacts.schemas import ContactRead, LabeledValue, TagRead
from metaic.contacts.text import fold, is_blank
from metaic.core import clock, fieldcrypt
from metaic.core.errors import NotFound, ValidationError
from metaic.core.ids import parse_id

LIST_FIELDS = ("emails", "phones", "addresses", "links")
TEXT_FIELDS = ("full_name", "first_name", "last_name", "company", "title", "birthday", "event", "place", "how_we_met")
_BIRTHDAY = re.compile(r"^(\d{4}-\d{2}-\d{2}|--\d{2}-\d{2})$")
NO_NAME = "(no name)"
NEEDS_IDENTITY = "Enter a name, a company, an email address or a phone number."


@dataclass
class Findings:
    """What cleaning an imported record noticed: values kept as written (stored flags) and readings to report."""

    flags: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def keep(self, name: str, value: str, why: str, kind: str = "kept") -> None:
        """Flag a value kept as written (`kept`) or cut to fit (`shortened`), with the reason."""
        self.flags.append({"field": name, "value": value, "kind": kind, "note": why})


def clean_text(value: str | None) -> str:
    """Collapse whitespace and refuse control characters silently (they are dropped)."""
    return " ".join("".join(ch for ch in (value or "") if ord(ch) >= 32 or ch in "\n\t").split())


def clean_multiline(value: str | None) -> str:
    """Free text (notes): line breaks kept, control characters such as NUL dropped, ends trimmed."""
    return "".join(ch for ch in (value or "") if ord(ch) >= 32 or ch in "\n\t").strip()


def read_phone(raw: str, *, field: str, regions: Sequence[str | tuple[str, ...]] = ()) -> tuple[str, str | None]:
    """(E.164, the region it was read in: None when written with +country code); tries `regions` in order.

    A tuple in `regions` is a group of equally likely countries: used only when the number is valid in one of them.
    """
    value = (raw or "").strip()
    if value.startswith("+") or not regions:
        try:
            return normalize_phone(value), None
        except ValidationError as exc:
            raise ValidationError(f"{exc.message} ({value})", field=field) from None
    for entry in regions:
        readings = {}
        for region in (entry,) if isinstance(entry, str) else entry:
            try:
                readings[region] = normalize_phone(value, region=region)
            except ValidationError:
                continue
        if len(readings) == 1:
            [(region, number)] = readings.items()
            return number, region
    raise ValidationError(f"Without its country code we cannot tell where this number is ({value}).", field=field)


def clean_value(kind: str, raw: str, *, field: str, regions: Sequence[str | tuple[str, ...]] = ()) -> str:
    """Normalise one email, phone, address or link; raises ValidationError keyed by `field`.

    A phone without its country code is read in the first of `regions` where it is valid.
    """
    value = (raw or "").strip()
    if kind == "emails":
        return normalize_email(value, field=field)
    if kind == "phones":
        return read_phone(value, field=field, regions=regions)[0]
    if kind == "links":
        try:
            return normalize_url(value)
        except ValueError as exc:
            raise ValidationError(f"{exc} ({value})", field=field) from None
    text = "\n".join(line.strip() for line in value.splitlines() if line.strip())
    if not text:
        raise ValidationError("Enter the address, or remove it.", field=field)
    return text


def _lenient(kind: str, raw: str, index: int, regions: Sequence, findings: Findings | None) -> str:
    """One value of an imported record: normalised when it can be, else kept as written and flagged."""
    try:
        if kind == "phones":
            value, region = read_phone(raw, field=f"{kind}.{index}", regions=regions)
            if region and findings is not None:
                findings.notes.append(f"Phone {raw.strip()} read as {value} ({region}).")
            return value
        return clean_value(kind, raw, field=f"{kind}.{index}", regions=regions)
    except ValidationError as exc:
        value = "\n".join(line.strip() for line in (raw or "").splitlines() if line.strip())
        if value and findings is not None:
            findings.keep(kind, value, exc.message)
        return value


def clean_list(
    kind: str,
    items: Iterable[LabeledValue | dict],
    *,
    strict: bool = True,
    regions: Sequence[str | tuple[str, ...]] = (),
    findings: Findings | None = None,
) -> list[dict]:
    """Normalise a list of labelled values, dropping repeats.

    `strict` refuses bad values (a form: the person can fix them); otherwise (imports, cards) a value that
    cannot be read is kept exactly as written and flagged in `findings`, so nothing anyone gave is lost.
    """
    out: list[dict] = []
    seen: set[str] = set()
    errors: dict[str, str] = {}
    for i, item in enumerate(items):
        item = item if isinstance(item, LabeledValue) else LabeledValue.model_validate(item)
        if strict:
            try:
                value = clean_value(kind, item.value, field=f"{kind}.{i}", regions=regions)
            except ValidationError as exc:
                errors.update(exc.errors)
                continue
        else:
            value = _lenient(kind, item.value, i, regions, findings)
        key = value.lower() if kind != "links" else value
        if value and key not in seen:
            seen.add(key)
            out.append({"label": clean_text(item.label)[:40], "value": value})
    if errors:
        raise ValidationError("Some contact details need attention.", errors=errors)
    return out


def check_birthday(value: str, findings: Findings | None) -> None:
    """Flag a birthday that is not a real YYYY-MM-DD or --MM-DD day (it is kept as written)."""
    if not value or findings is None:
        return
    try:
        if not _BIRTHDAY.match(value):
            raise ValueError(value)
        date.fromisoformat(value.replace("--", "2000-", 1) if value.startswith("--") else value)
    except ValueError:
        findings.keep("birthday", value, "Not a date we can read, kept as written.")


def union_lists(first: list[dict], second: list[dict], *, folded: bool = False) -> list[dict]:
    """The values of `first`, then those of `second` not already in it (case-insensitively; `folded`: accents too)."""
    key = fold if folded else str.lower
    seen = {key(item["value"]) for item in first}
    return [*first, *(item for item in second if key(item["value"]) not in seen)]


def _present(contact: SavedContact, flag: dict) -> bool:
    """True while the flagged value is still the contact's (an edit or a merge may have replaced it)."""
    current = getattr(contact, flag["field"], None)
    if isinstance(current, list):
        return any(item["value"] == flag["value"] for item in current)
    return current == flag["value"]


def require_identity(contact: SavedContact) -> None:
    """Refuse a contact with nothing to know them by: no name, company, email or phone."""
    names = (contact.full_name, contact.first_name, contact.last_name, contact.company)
    if all(is_blank(v) for v in names) and not (contact.emails or contact.phones):
        raise ValidationError(NEEDS_IDENTITY, errors={"full_name": NEEDS_IDENTITY})


def refresh_derived(contact: SavedContact) -> None:
    """Fill the display name, the sort and search columns and the live flags; refuse a contact with no identity."""
    require_identity(contact)
    if not contact.full_name:
        contact.full_name = " ".join(p for p in (contact.first_name, contact.last_name) if p)[:200]
    contact.flags = [flag for flag in contact.flags or [] if _present(contact, flag)]
    # Emails and phones are encrypted at rest: they stay out of the plaintext sort and search columns (a
    # contact known only by an email sorts first; search finds them through the index or an exact match).
    contact.sort_name = (contact.full_name or contact.company).lower()[:200]
    parts = [contact.full_name, contact.company, contact.title, contact.event, contact.place]
    contact.search_text = " ".join(p for p in parts if p).lower()
    contact.updated_at = clock.now()


def identity_value(kind: str, value: str) -> str:
    """The normalised form two equal emails or phones share: a lower-cased email; a phone's digits (+ kept)."""
    value = (value or "").strip()
    if kind == "phone":
        digits = "".join(ch for ch in value if ch.isdigit())
        return f"+{digits}" if value.startswith("+") else digits
    return value.lower()


def identity_hash(owner_id: uuid.UUID, kind: str, value: str) -> str:
    """The blind index digest of an email or phone in one owner's book (HMAC-SHA256 of the normalised value)."""
    return fieldcrypt.blind_index(str(owner_id), kind, identity_value(kind, value))


def identity_keys(contact: SavedContact) -> dict[tuple[str, str], str]:
    """{(kind, digest): value as stored} for the contact's emails and phones that identify someone."""
    found: dict[tuple[str, str], str] = {}
    for kind, items in (("email", contact.emails), ("phone", contact.phones)):
        # A value kept as written may be longer than any real address or number: it identifies no one.
        for item in items:
            if len(item["value"]) <= 254 and identity_value(kind, item["value"]):
                found.setdefault((kind, identity_hash(contact.owner_id, kind, item["value"])), item["value"])
    return found


def plain_label(contact: SavedContact) -> str:
    """What to call a contact where text is stored unencrypted (notifications): name, company, else "(no name)"."""
    return contact.full_name or contact.company or NO_NAME


def sync_identities(*, session: Session, contact: SavedContact) -> None:
    """Rewrite the blind index of the contact's emails and phones (used by dedupe, imports and enrichment)."""
    session.exec(delete(ContactIdentity).where(ContactIdentity.contact_id == contact.id))
    for kind, digest in identity_keys(contact):
        session.add(ContactIdentity(contact_id=contact.id, owner_id=contact.owner_id, kind=kind, value_hash=digest))
    session.flush()


def require_contact(*, session: Session, owner_id: uuid.UUID, contact_id: uuid.UUID | str) -> SavedContact:
    """The owner's contact, or NotFound (also for someone else's contact)."""
    contact = session.get(SavedContact, parse_id(contact_id, "Contact"))
    if contact is None or contact.owner_id != owner_id:
        raise NotFound("Contact not found.")
    return contact


def find_by_identity(
    *, session: Session, owner_id: uuid.UUID, emails: list[dict], phones: list[dict], exclude: uuid.UUID | None = None
) -> SavedContact | None:
    """The owner's oldest contact sharing a normalised email or phone with these, if any (through the blind index)."""
    pairs = [("email", i["value"]) for i in emails] + [("phone", i["value"]) for i in phones]
    for kind, value in pairs:
        if not identity_value(kind, value):
            continue
        query = (
            select(SavedContact)
            .join(ContactIdentity, ContactIdentity.contact_id == SavedContact.id)
            .where(
                ContactIdentity.owner_id == owner_id,
                ContactIdentity.kind == kind,
                ContactIdentity.value_hash == identity_hash(owner_id, kind, value),
            )
            .order_by(SavedContact.created_at)
        )
        if exclude is not None:
            query = query.where(SavedContact.id != exclude)
        found = session.exec(query).first()
        if found is not None:
            return found
    return None


def tags_for(*, session: Session, contact_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[TagRead]]:
    """The tags of several contacts in one query, by contact id (names in order)."""
    out: dict[uuid.UUID, list[TagRead]] = {cid: [] for cid in contact_ids}
    if not contact_ids:
        return out
    rows = session.exec(
        select(ContactTag.contact_id, Tag)
        .join(Tag, Tag.id == ContactTag.tag_id)
        .where(ContactTag.contact_id.in_(contact_ids))
        .order_by(func.lower(Tag.name))
    ).all()
    for contact_id, tag in rows:
        out[contact_id].append(TagRead(id=tag.id, name=tag.name, color=tag.color))
    return out


def to_read(contact: SavedContact, tags: list[TagRead] | None = None) -> ContactRead:
    """The read model of a contact (timestamps as UTC)."""
    data = contact.model_dump()
    for key in ("created_at", "updated_at", "last_contacted_at"):
        if data[key] is not None:
            data[key] = clock.as_utc(data[key])
    return ContactRead(**data, tags=tags or [])


def read_one(*, session: Session, contact: SavedContact) -> ContactRead:
    """The read model of one contact with its tags."""
    return to_read(contact, tags_for(session=session, contact_ids=[contact.id])[contact.id])


def row_to_json(row: Any) -> dict:
    """Every column of a row as JSON-safe values (for snapshots)."""
    return TypeAdapter(dict).dump_python(row.model_dump(), mode="json")


def row_from_json(cls: type, data: dict) -> Any:
    """Rebuild a row of `cls` from `row_to_json` output, each value parsed back to its field's type."""
    values = {
        name: TypeAdapter(field.annotation).validate_python(data[name])
        for name, field in cls.model_fields.items()
        if name in data
    }
    return cls(**values)
