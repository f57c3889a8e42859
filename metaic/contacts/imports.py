"""Import and export support: drafts in, drafts out, and import jobs with progress and a report."""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Callable

from sqlmodel import Session, select

from metaic import events
from metaic.auth.models import User
from metaic.contacts import regions, service, store, tags
from metaic.contacts.models import ImportJob, SavedContact
from metaic.contacts.schemas import (
    ContactDraft,
    ContactFilters,
    ContactInput,
    ImportReport,
    LabeledValue,
    ParsedRow,
    RowResult,
    ValueFlag,
)
from metaic.contacts.search import matching_ids
from metaic.contacts.text import fold
from metaic.core import clock
from metaic.core.errors import DomainError, NotFound
from metaic.files import service as file_service

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000


def _by_uid(session: Session, owner_id: uuid.UUID, uid: str) -> SavedContact | None:
    """The owner's contact with this UID (ours, as exported, or the one an earlier import stored)."""
    uid = uid.strip()
    if not uid:
        return None
    found = session.exec(select(SavedContact).where(SavedContact.owner_id == owner_id, SavedContact.uid == uid)).first()
    if found is None:
        try:
            found = session.get(SavedContact, uuid.UUID(uid.removeprefix("urn:uuid:")))
        except ValueError:
            return None
    return found if found is not None and found.owner_id == owner_id else None


def _richness(text: str) -> tuple[int, int]:
    """How much a spelling carries beyond its folded form: accents and other marks, then mixed case."""
    marks = sum(1 for ch in unicodedata.normalize("NFKD", text) if unicodedata.combining(ch))
    return marks, int(text != text.lower() and text != text.upper())


def _pick(name: str, current: str, incoming: str, changes: list[str]) -> str:
    """The merged value of one text field: never a poorer spelling of the same text; a different value updates."""
    if not incoming or incoming == current:
        return current
    label = name.replace("_", " ")
    if not current:
        changes.append(f"{label} added: {incoming}")
        return incoming
    if fold(incoming) == fold(current):
        if _richness(incoming) > _richness(current):
            changes.append(f"{label}: {current} → {incoming} (same name, fuller spelling)")
            return incoming
        changes.append(f"{label}: kept {current} (the file has {incoming})")
        return current
    changes.append(f"{label}: {current} → {incoming}")
    return incoming


def _update_from(contact: SavedContact, incoming: SavedContact) -> list[str]:
    """Fold an imported row into an existing contact: lists unioned, richer text kept; returns what changed."""
    changes: list[str] = []
    for name in store.LIST_FIELDS:
        before = getattr(contact, name)
        merged = store.union_lists(before, getattr(incoming, name), folded=name == "addresses")
        changes += [f"{name[:-1]} added: {item['value']}" for item in merged[len(before) :]]
        setattr(contact, name, merged)
    for name in (*store.TEXT_FIELDS, "uid"):
        picked = _pick(name, getattr(contact, name), getattr(incoming, name), [] if name == "uid" else changes)
        setattr(contact, name, picked)
    if incoming.notes and incoming.notes not in contact.notes:
        contact.notes = f"{contact.notes}\n\n{incoming.notes}".strip()
        changes.append("note added")
    known = {(f["field"], f["value"]) for f in contact.flags}
    contact.flags = [*contact.flags, *(f for f in incoming.flags if (f["field"], f["value"]) not in known)]
    store.refresh_derived(contact)
    return changes


class _Book:
    """What one import needs to know of the owner's book: their country, and contacts by folded name + company."""

    def __init__(self, session: Session, owner: User):
        self.region = regions.for_account(owner)
        rows = session.exec(
            select(SavedContact.id, SavedContact.full_name, SavedContact.company).where(
                SavedContact.owner_id == owner.id
            )
        ).all()
        self.by_name: dict[tuple[str, str], uuid.UUID] = {}
        for contact_id, name, company in rows:
            self.remember(contact_id, name, company)

    @staticmethod
    def key(name: str, company: str) -> tuple[str, str] | None:
        """The folded (name, company), or None when either is missing (a name alone is not enough)."""
        key = (fold(name), fold(company))
        return key if all(key) else None

    def remember(self, contact_id: uuid.UUID, name: str, company: str) -> None:
        """Note a contact so a later row of the same person, spelt differently, merges into it."""
        key = self.key(name, company)
        if key is not None:
            self.by_name.setdefault(key, contact_id)

    def regions_for(self, parsed: ParsedRow) -> list[str | tuple[str, ...]]:
        """Where the row's national numbers are read: what the record says, then the account's country."""
        draft = parsed.draft
        found = regions.for_record(
            addresses=[a.value for a in draft.addresses],
            numbers=[p.value for p in draft.phones],
            names=[draft.full_name, draft.first_name, draft.last_name, draft.company],
            language=parsed.language,
        )
        return list(dict.fromkeys([*found, *([self.region] if self.region else [])]))


def _match(session: Session, owner: User, book: _Book, draft: ContactDraft, incoming: SavedContact):
    """The contact this row is: same UID, else a shared email or phone, else the same folded name and company."""
    found = _by_uid(session, owner.id, draft.uid) or store.find_by_identity(
        session=session, owner_id=owner.id, emails=incoming.emails, phones=incoming.phones
    )
    key = book.key(incoming.full_name, incoming.company)
    if found is None and key in book.by_name:
        found = session.get(SavedContact, book.by_name[key])
    return found


def _photo(session: Session, owner: User, draft: ContactDraft, notes: list[str]) -> uuid.UUID | None:
    """The row's photo stored through the files domain (type, size and quota checked there), or None.

    A photo that cannot be kept never costs the person: the row is imported and the report says why."""
    if not draft.photo_jpeg:
        return None
    try:
        with session.begin_nested():
            stored = file_service.upload(
                session=session,
                owner=owner,
                purpose="contact",
                filename="photo.jpg",
                data=draft.photo_jpeg,
                rate_limited=False,  # the import is limited as a whole
            )
    except DomainError as exc:
        notes.append(f"photo not imported: {exc.message}")
        return None
    return stored.id


def _import_one(session: Session, owner: User, parsed: ParsedRow, source: str, book: _Book) -> RowResult:
    """Create or merge one row, keeping and flagging values that cannot be read."""
    draft = parsed.draft
    data = ContactInput(**draft.model_dump(exclude={"photo_jpeg"}), source=source)
    findings = store.Findings(flags=[f.model_dump() for f in parsed.flags])
    incoming = service.build(
        owner_id=owner.id, data=data, strict=False, regions=book.regions_for(parsed), findings=findings
    )
    contact = _match(session, owner, book, draft, incoming)
    photo_notes: list[str] = []
    if contact is None:
        incoming.photo_file_id = _photo(session, owner, draft, photo_notes)
        service.add(session=session, contact=incoming, tag_names=draft.tags, announce=False)
        book.remember(incoming.id, incoming.full_name, incoming.company)
        status, contact, changes = "created", incoming, []
    else:
        changes = _update_from(contact, incoming)
        if contact.photo_file_id is None and draft.photo_jpeg:
            contact.photo_file_id = _photo(session, owner, draft, photo_notes)
            changes += ["photo added"] if contact.photo_file_id else []
        session.add(contact)
        session.flush()
        store.sync_identities(session=session, contact=contact)
        if draft.tags:
            tags.add_names(session=session, owner_id=owner.id, contact_id=contact.id, names=draft.tags)
        status = "merged"
    flags = [ValueFlag(**f) for f in findings.flags]
    changes = findings.notes + photo_notes + changes
    return RowResult(row=parsed.row, status=status, contact_id=contact.id, flags=flags, changes=changes)


def _reason(exc: DomainError) -> str:
    """A one-line reason from a domain error and its field messages."""
    details = "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
    return f"{exc.message} ({details})" if details else exc.message


def import_drafts(
    *,
    session: Session,
    owner: User,
    rows: list[ParsedRow],
    source: str = "import",
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Create or merge each row (UID, then email/phone, then folded name + company); a refused row stops nothing.

    Values that cannot be read are kept as written and flagged; a row is refused only when nothing in it
    identifies a person. Each row runs in a SAVEPOINT; an unexpected error propagates, so the caller's
    transaction rolls back and a failed import leaves nothing behind.
    """
    report = ImportReport()
    book = _Book(session, owner)
    total = len(rows)
    for done, parsed in enumerate(rows, start=1):
        if parsed.draft is None:
            result = RowResult(row=parsed.row, status="refused", reason=parsed.error or "The row is empty.")
        else:
            try:
                with session.begin_nested():
                    result = _import_one(session, owner, parsed, source, book)
            except DomainError as exc:
                result = RowResult(row=parsed.row, status="refused", reason=_reason(exc))
        report.rows.append(result)
        setattr(report, result.status, getattr(report, result.status) + 1)
        report.flagged += bool(result.flags)
        if progress is not None:
            progress(done, total)
    events.emit(session, "contacts.changed", owner_id=owner.id)  # once for the whole import (search re-indexes)
    return report


def to_draft(contact: SavedContact, tag_names: list[str]) -> ContactDraft:
    """The exchange shape of a saved contact (UID: the imported one, else our id)."""
    lists = {name: [LabeledValue(**item) for item in getattr(contact, name)] for name in store.LIST_FIELDS}
    return ContactDraft(
        full_name=contact.full_name,
        first_name=contact.first_name,
        last_name=contact.last_name,
        company=contact.company,
        title=contact.title,
        note=contact.notes[:5000],
        birthday=contact.birthday,
        uid=contact.uid or str(contact.id),
        tags=tag_names,
        **lists,
    )


def export_drafts(
    *, session: Session, owner: User, contact_ids: list[uuid.UUID] | None = None, filters: ContactFilters | None = None
) -> list[ContactDraft]:
    """Drafts of the owner's contacts: the listed ones, else those matching `filters`, else all."""
    if contact_ids is None:
        contact_ids = matching_ids(session=session, owner_id=owner.id, filters=filters or ContactFilters())
    drafts = []
    for start in range(0, len(contact_ids), 500):
        chunk = list(dict.fromkeys(contact_ids[start : start + 500]))
        rows = {
            c.id: c
            for c in session.exec(
                select(SavedContact).where(SavedContact.id.in_(chunk), SavedContact.owner_id == owner.id)
            ).all()
        }
        if len(rows) != len(chunk):
            raise NotFound("Contact not found.")
        tag_map = store.tags_for(session=session, contact_ids=chunk)
        drafts += [to_draft(rows[cid], [t.name for t in tag_map[cid]]) for cid in chunk]
    return drafts


def get_job(*, session: Session, owner: User, job_id: uuid.UUID) -> ImportJob:
    """The owner's import job (status, progress, report), or NotFound."""
    job = session.get(ImportJob, job_id)
    if job is None or job.owner_id != owner.id:
        raise NotFound("Import not found.")
    return job


def finish_job(*, session: Session, job_id: uuid.UUID, report: ImportReport | None, error: str = "") -> None:
    """Record the end of an import: its report, or why it failed; the file is dropped either way."""
    job = session.get(ImportJob, job_id)
    job.status = "failed" if report is None else "done"
    job.report = report.model_dump(mode="json") if report is not None else None
    # The parser's message may quote the file, which can hold NUL and other control bytes.
    job.error = "".join(ch if ch.isprintable() else "?" for ch in error)[:500]
    job.data = None
    if report is not None:
        job.processed = job.total = len(report.rows)
    job.finished_at = clock.now()
    session.add(job)
    session.flush()
