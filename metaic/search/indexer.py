"""Bring the indexes in line with the database: a few ids at a time (jobs) or everything (rebuild).

Every function reads the current rows, so running one twice, late or out of order converges on the
database: a card that is no longer listed, a deleted contact or message is removed instead of written.
When an index does not exist yet, a write is skipped and a full rebuild is queued (metaic/search/repair.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

from sqlmodel import Session, select

from metaic.cards.models import Card
from metaic.contacts.models import SavedContact
from metaic.messaging.models import DirectMessage
from metaic.search import documents
from metaic.search.engine import get_backend


def _uuids(ids: list) -> list[uuid.UUID]:
    """Ids as UUIDs (jobs may carry strings)."""
    return [i if isinstance(i, uuid.UUID) else uuid.UUID(str(i)) for i in ids]


def card_docs(session: Session, card_ids: list[uuid.UUID] | None = None) -> Iterator[dict]:
    """Directory documents of listed cards (all, or among `card_ids`)."""
    for card, version in documents.listed_cards(session, card_ids):
        doc = documents.card_doc(card, version)
        doc["owner"] = str(card.owner_id)
        yield doc


def contact_docs(session: Session, contact_ids: list[uuid.UUID] | None = None) -> Iterator[dict]:
    """Contacts-index documents (all contacts, or those among `contact_ids`)."""
    batch: list[SavedContact] = []
    for contact in documents.contacts(session, contact_ids):
        batch.append(contact)
        if len(batch) >= documents.BATCH:
            yield from _with_tags(session, batch)
            batch = []
    yield from _with_tags(session, batch)


def _with_tags(session: Session, batch: list[SavedContact]) -> Iterator[dict]:
    """Contact documents of a batch, with their tag names (one query)."""
    names = documents.tag_names(session, [c.id for c in batch])
    for contact in batch:
        yield documents.contact_doc(contact, names[contact.id])


def message_docs(session: Session, message_ids: list[uuid.UUID] | None = None) -> Iterator[dict]:
    """Messages-index documents of direct messages (all, or among `message_ids`), with their members."""
    batch: list[DirectMessage] = []
    for message in documents.messages(session, message_ids):
        batch.append(message)
        if len(batch) >= documents.BATCH:
            yield from _with_members(session, batch)
            batch = []
    yield from _with_members(session, batch)


def _with_members(session: Session, batch: list[DirectMessage]) -> Iterator[dict]:
    """Message documents of a batch with the members of their conversations (one query)."""
    members = documents.members_of(session, {m.conversation_id for m in batch})
    for message in batch:
        yield documents.message_doc(message, members[message.conversation_id])


def note_docs(session: Session, contact_ids: list[uuid.UUID] | None = None) -> Iterator[dict]:
    """Messages-index documents of contacts' notes (only contacts with notes)."""
    for contact in documents.contacts(session, contact_ids):
        if contact.notes.strip():
            yield documents.note_doc(contact)


def all_docs(session: Session, index: str) -> Iterator[dict]:
    """Every document an index should hold."""
    if index == "cards":
        yield from card_docs(session)
    elif index == "contacts":
        yield from contact_docs(session)
    else:
        yield from message_docs(session)
        yield from note_docs(session)


def expected_count(session: Session, index: str) -> int:
    """How many documents an index should hold (for `search status` and the repair check)."""
    if index == "cards":
        return documents.count_listed(session)
    if index == "contacts":
        return len(session.exec(select(SavedContact.id)).all())
    notes = session.exec(select(SavedContact.id).where(SavedContact.notes != "")).all()
    return len(session.exec(select(DirectMessage.id)).all()) + len(notes)


def update_cards(*, session: Session, card_ids: list, on_missing: Callable[[str], None]) -> None:
    """Write listed cards among `card_ids`, remove the others."""
    ids = _uuids(card_ids)
    docs = list(card_docs(session, ids))
    backend = get_backend()
    gone = [str(i) for i in ids if str(i) not in {d["id"] for d in docs}]
    if not (backend.remove("cards", gone) and backend.upsert("cards", docs)):
        on_missing("cards")


def update_contacts(*, session: Session, contact_ids: list, on_missing: Callable[[str], None]) -> None:
    """Write the contacts (and their notes) among `contact_ids`, remove those that are gone."""
    ids = _uuids(contact_ids)
    docs = list(contact_docs(session, ids))
    notes = list(note_docs(session, ids))
    backend = get_backend()
    present = {d["id"] for d in docs}
    gone = [str(i) for i in ids if str(i) not in present]
    no_notes = [f"n:{i}" for i in ids if f"n:{i}" not in {n["id"] for n in notes}]
    if not (backend.remove("contacts", gone) and backend.upsert("contacts", docs)):
        on_missing("contacts")
    if not (backend.remove("messages", no_notes) and backend.upsert("messages", notes)):
        on_missing("messages")


def update_owner_contacts(*, session: Session, owner_id: uuid.UUID, on_missing: Callable[[str], None]) -> None:
    """Rewrite every contact of one owner (after an import or a tag rename)."""
    ids = list(session.exec(select(SavedContact.id).where(SavedContact.owner_id == _uuids([owner_id])[0])).all())
    for start in range(0, len(ids), documents.BATCH):
        update_contacts(session=session, contact_ids=ids[start : start + documents.BATCH], on_missing=on_missing)


def update_messages(*, session: Session, message_ids: list, on_missing: Callable[[str], None]) -> None:
    """Write the direct messages among `message_ids`, remove those that are gone."""
    ids = _uuids(message_ids)
    docs = list(message_docs(session, ids))
    gone = [f"m:{i}" for i in ids if f"m:{i}" not in {d["id"] for d in docs}]
    backend = get_backend()
    if not (backend.remove("messages", gone) and backend.upsert("messages", docs)):
        on_missing("messages")


def remove_user(*, session: Session, user_id: uuid.UUID, on_missing: Callable[[str], None]) -> None:
    """Drop everything of a deleted account: its listed cards, its contacts, what it could search of messages."""
    backend = get_backend()
    uid = str(user_id)
    left = [str(c) for c in session.exec(select(Card.id).where(Card.owner_id == _uuids([user_id])[0])).all()]
    for index, field_name in (("cards", "owner"), ("contacts", "owner"), ("messages", "owners")):
        if not backend.remove(index, [uid], field_name=field_name):
            on_missing(index)
    if left:
        update_cards(session=session, card_ids=left, on_missing=on_missing)
