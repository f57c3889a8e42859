"""Duplicates: exact matches on normalised emails/phones, fuzzy name + company (rapidfuzz); merge and undo.

Policy: a shared email or phone is a duplicate (score 1.0). Similar names are suggested only when the
companies agree (score ~0.8) or one side has no company (low score, <= 0.55). Two people with the same
name at different companies are never suggested, and nothing is ever merged without the owner's choice.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from rapidfuzz import fuzz
from sqlalchemy.orm import aliased
from sqlmodel import Session, select, update

from metaic import events
from metaic.auth.models import User
from metaic.contacts import store, tags
from metaic.contacts.models import CommunicationEntry, ContactIdentity, MergeRecord, Reminder, SavedContact
from metaic.contacts.schemas import DuplicatePair
from metaic.contacts.text import fold
from metaic.core import clock
from metaic.core.errors import Conflict, NotFound, ValidationError

NAME_THRESHOLD = 88
COMPANY_THRESHOLD = 80
MERGE_FIELDS = (
    "full_name",
    "first_name",
    "last_name",
    "company",
    "title",
    "birthday",
    "uid",
    "photo_file_id",
    "source",
    "card_id",
    "event",
    "place",
    "met_on",
    "how_we_met",
    "stage",
    "strength",
    "last_contacted_at",
    "notes",
)


def _exact_pairs(session: Session, owner_id: uuid.UUID) -> dict[tuple, list[str]]:
    """Pairs of the owner's contacts sharing an email or phone (equal blind index digests), with the values."""
    a, b = aliased(ContactIdentity), aliased(ContactIdentity)
    rows = session.exec(
        select(a.contact_id, b.contact_id, a.kind, a.value_hash)
        .join(b, (a.owner_id == b.owner_id) & (a.kind == b.kind) & (a.value_hash == b.value_hash))
        .where(a.owner_id == owner_id, a.contact_id < b.contact_id)
    ).all()
    # The digests say who matches; the (decrypted) contacts say what the shared value reads.
    ids = {row[0] for row in rows}
    values: dict = {}
    if ids:
        for contact in session.exec(select(SavedContact).where(SavedContact.id.in_(ids))):
            values.update({(contact.id, *key): value for key, value in store.identity_keys(contact).items()})
    found: dict[tuple, list[str]] = defaultdict(list)
    for left, right, kind, digest in rows:
        found[(left, right)].append(f"same {kind} {values.get((left, kind, digest), '')}".rstrip())
    return found


def _name_key(name: str) -> str:
    """The blocking key for fuzzy names: the first letter of the sorted (folded) name words."""
    words = sorted(name.split())
    return words[0][:1] if words else ""


def _fuzzy_pairs(rows: list[tuple], skip: set[tuple]) -> dict[tuple, tuple[float, list[str]]]:
    """Similar-name pairs scored with the company rule above (blocked by first letter to stay near-linear)."""
    blocks: dict[str, list[tuple]] = defaultdict(list)
    for contact_id, name, company in rows:
        # Compared folded: "Zoë Dupré-Lefèvre" is "Zoe Dupre Lefevre", "ＡＣＭＥ" is "Acme".
        folded = fold(name)
        if folded:
            blocks[_name_key(folded)].append((contact_id, folded, fold(company)))
    found: dict[tuple, tuple[float, list[str]]] = {}
    for block in blocks.values():
        for i, (id_a, name_a, company_a) in enumerate(block):
            for id_b, name_b, company_b in block[i + 1 :]:
                pair = (min(id_a, id_b), max(id_a, id_b))
                if pair in skip:
                    continue
                name_score = fuzz.token_sort_ratio(name_a, name_b)
                if name_score < NAME_THRESHOLD:
                    continue
                if company_a and company_b:
                    company_score = fuzz.token_set_ratio(company_a, company_b)
                    if company_score < COMPANY_THRESHOLD:
                        continue  # same name, different company: different people
                    found[pair] = (round(0.8 * name_score / 100, 3), ["similar name", "same company"])
                else:
                    found[pair] = (round(0.55 * name_score / 100, 3), ["similar name"])
    return found


def find_duplicates(*, session: Session, owner: User, limit: int = 50) -> list[DuplicatePair]:
    """Likely duplicates among the owner's contacts, best first."""
    rows = session.exec(
        select(SavedContact.id, SavedContact.full_name, SavedContact.company).where(SavedContact.owner_id == owner.id)
    ).all()
    names = {r[0]: r[1] or "" for r in rows}
    exact = _exact_pairs(session, owner.id)
    fuzzy = _fuzzy_pairs([tuple(r) for r in rows], set(exact))
    pairs = [
        DuplicatePair(a=a, b=b, a_name=names[a], b_name=names[b], score=1.0, reasons=reasons)
        for (a, b), reasons in exact.items()
    ]
    pairs += [
        DuplicatePair(a=a, b=b, a_name=names[a], b_name=names[b], score=score, reasons=reasons)
        for (a, b), (score, reasons) in fuzzy.items()
    ]
    pairs.sort(key=lambda p: (-p.score, p.a_name.lower(), str(p.a), str(p.b)))
    return pairs[:limit]


def _snapshot(session: Session, keep: SavedContact, drop: SavedContact) -> dict:
    """Everything needed to put both contacts back: rows, tags, and what moved from the dropped one."""
    drop_reminders = session.exec(select(Reminder.id).where(Reminder.contact_id == drop.id)).all()
    drop_history = session.exec(select(CommunicationEntry.id).where(CommunicationEntry.contact_id == drop.id)).all()
    return {
        "keep": store.row_to_json(keep),
        "drop": store.row_to_json(drop),
        "keep_tags": [str(t) for t in tags.tag_ids_of(session=session, contact_id=keep.id)],
        "drop_tags": [str(t) for t in tags.tag_ids_of(session=session, contact_id=drop.id)],
        "drop_reminders": [str(r) for r in drop_reminders],
        "drop_history": [str(h) for h in drop_history],
    }


def _pick(name: str, keep: SavedContact, drop: SavedContact, choices: dict[str, str]):
    """The merged value of one field: the chosen side, else the kept value unless it is empty."""
    choice = choices.get(name)
    if choice == "drop":
        return getattr(drop, name)
    if choice == "keep":
        return getattr(keep, name)
    if name == "notes" and keep.notes and drop.notes and drop.notes not in keep.notes:
        return f"{keep.notes}\n\n{drop.notes}"
    value = getattr(keep, name)
    return value if value not in (None, "") else getattr(drop, name)


def merge(
    *, session: Session, owner: User, keep_id: uuid.UUID, drop_id: uuid.UUID, choices: dict[str, str] | None = None
) -> MergeRecord:
    """Merge `drop` into `keep` field by field (lists unioned), moving tags, reminders and history."""
    choices = choices or {}
    keep = store.require_contact(session=session, owner_id=owner.id, contact_id=keep_id)
    drop = store.require_contact(session=session, owner_id=owner.id, contact_id=drop_id)
    if keep.id == drop.id:
        raise ValidationError("Choose two different contacts.", field="drop_id")
    bad = {k: "Choose keep or drop." for k, v in choices.items() if k not in MERGE_FIELDS or v not in ("keep", "drop")}
    if bad:
        raise ValidationError("Some merge choices are not valid.", errors=bad)
    record = MergeRecord(owner_id=owner.id, keep_id=keep.id, drop_id=drop.id, snapshot=_snapshot(session, keep, drop))
    merged = {name: _pick(name, keep, drop, choices) for name in MERGE_FIELDS}
    for name in (*store.LIST_FIELDS, "consents"):
        merged[name] = (
            store.union_lists(getattr(keep, name), getattr(drop, name))
            if name != "consents"
            else [*keep.consents, *drop.consents]
        )
    keep_tags = tags.tag_ids_of(session=session, contact_id=keep.id)
    drop_tags = tags.tag_ids_of(session=session, contact_id=drop.id)
    session.exec(update(Reminder).where(Reminder.contact_id == drop.id).values(contact_id=keep.id))
    session.exec(update(CommunicationEntry).where(CommunicationEntry.contact_id == drop.id).values(contact_id=keep.id))
    session.delete(drop)
    session.flush()
    for name, value in merged.items():
        setattr(keep, name, value)
    store.refresh_derived(keep)
    session.add(keep)
    session.add(record)
    session.flush()
    store.sync_identities(session=session, contact=keep)
    tags.set_ids(session=session, contact_id=keep.id, tag_ids=[*keep_tags, *drop_tags])
    events.emit(session, "contact.changed", contact_id=keep.id)
    events.emit(session, "contact.deleted", contact_id=drop.id)
    return record


def undo_merge(*, session: Session, owner: User, merge_id: uuid.UUID) -> tuple[SavedContact, SavedContact]:
    """Put both contacts of a merge back exactly as they were; returns (kept, restored)."""
    record = session.get(MergeRecord, merge_id)
    if record is None or record.owner_id != owner.id:
        raise NotFound("Merge not found.")
    if record.undone_at is not None:
        raise Conflict("This merge was already undone.")
    keep = session.get(SavedContact, record.keep_id)
    if keep is None:
        raise Conflict("The merged contact was deleted since; the merge cannot be undone.")
    snap = record.snapshot
    before = store.row_from_json(SavedContact, snap["keep"])
    for name in SavedContact.model_fields:
        if name != "id":
            setattr(keep, name, getattr(before, name))
    session.add(keep)
    drop = store.row_from_json(SavedContact, snap["drop"])
    session.add(drop)
    session.flush()
    for table, key in ((Reminder, "drop_reminders"), (CommunicationEntry, "drop_history")):
        ids = [uuid.UUID(v) for v in snap[key]]
        if ids:
            session.exec(update(table).where(table.id.in_(ids)).values(contact_id=drop.id))
    live_tags = set(tags.tag_ids_of(session=session, contact_id=keep.id))
    for contact, key in ((keep, "keep_tags"), (drop, "drop_tags")):
        # A tag deleted since the merge cannot come back; the others do.
        tags.set_ids(
            session=session, contact_id=contact.id, tag_ids=[t for t in map(uuid.UUID, snap[key]) if t in live_tags]
        )
        store.sync_identities(session=session, contact=contact)
    record.undone_at = clock.now()
    session.add(record)
    session.flush()
    events.emit(session, "contact.changed", contact_id=keep.id)
    events.emit(session, "contact.changed", contact_id=drop.id)
    return keep, drop
