"""What Ask MetaIC answers from: the owner's own cards, contacts, notes and messages, found with BM25 (Whoosh).

Every lookup is owner-scoped twice: the index query carries the owner term, and the rows are loaded from
the database with `owner_id = owner` (or, for direct messages, only from conversations the owner is in).
Nothing of another user's book can come back, so nothing of it can reach a prompt. Without a usable
index the same questions are answered from the database with substring matches.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, select

from metaic.auth.models import User
from metaic.cards.models import Business, Card
from metaic.contacts.models import ContactTag, SavedContact, Tag
from metaic.core import links
from metaic.messaging.models import ConversationMember, DirectMessage
from metaic.search.analyzers import ParsedQuery, QueryWord, fold, parse, words
from metaic.search.backend import Shape, Unavailable
from metaic.search.contacts_search import ranked_ids
from metaic.search.engine import get_backend

MAX_TERMS = 6
PER_TERM = 25
# Words that say nothing about whom or what the question is about (en, es, fr, de), folded.
_STOP_TEXT = """
    a about all an and any are as at be been did do does for from had has have he her him his how i in is it
    me my no not of on or our say said she show than that the their them they this to up us was we were what
    when where which who whom whose why will with work works worked working you your find list tell give please
    met meet meeting know people person someone contacts contact anyone everyone ever yet still last recently
    el la los las un una de del en y o que quien quienes es son dijo donde cuando como con por para mi mis me
    trabaja trabajan conoci conocí sobre dime hay
    le les des du et ou qui quoi est sont dit ou chez avec pour mon mes ma je j ai rencontre parle moi sur
    der die das ein eine und oder wer was ist sind hat habe ich mein meine wo wann wie bei mit fur uber mir
    gesagt getroffen arbeitet kennengelernt
"""
STOP = frozenset(_STOP_TEXT.split())


@dataclass
class Source:
    """One thing an answer used: what it is, its id, a title, where it opens, and its text for the engine."""

    kind: str
    id: str
    title: str
    url: str
    text: str = ""

    def public(self) -> dict[str, str]:
        """What is stored and shown (the link, never the text)."""
        return {"kind": self.kind, "id": self.id, "title": self.title, "url": self.url}


def key_terms(question: str) -> list[str]:
    """The question's folded words that can find something (stop words and one letter left out)."""
    found = [term for term, _, _ in words(question or "") if len(term) > 1 and term not in STOP]
    return list(dict.fromkeys(found))[:MAX_TERMS]


def _single(term: str) -> ParsedQuery:
    """A one-word query (no prefix magic needed: whole words are what questions use)."""
    return ParsedQuery(words=(QueryWord(term=term, digits=term if term.isdigit() else ""),))


def ranked_contact_ids(owner: User, terms: list[str], limit: int) -> list[uuid.UUID]:
    """The owner's contacts matching any of `terms`, by summed BM25 score (Unavailable when the index cannot say).

    Words are matched as typed; only when none of them matches anything is the longest one tried with typos
    forgiven (a fuzzy search costs several exact ones)."""
    backend, filters, scores = get_backend(), {"owner": str(owner.id)}, {}
    for term in terms:
        found = backend.search("contacts", _single(term), filters=filters, limit=PER_TERM, shape=Shape(prefix=False))
        for hit in found:
            scores[hit.id] = scores.get(hit.id, 0.0) + hit.score
    longest = max(terms, key=len, default="")
    if not scores and len(longest) > 4:
        for hit in backend.search(
            "contacts", _single(longest), filters=filters, limit=PER_TERM, shape=Shape(fuzzy=True)
        ):
            scores[hit.id] = hit.score
    ordered = sorted(scores, key=lambda i: (-scores[i], i))
    return [uuid.UUID(i) for i in ordered[:limit]]


def _load(session: Session, owner: User, ids: list[uuid.UUID]) -> list[SavedContact]:
    """The owner's contacts among `ids`, in that order."""
    if not ids:
        return []
    rows = session.exec(select(SavedContact).where(SavedContact.owner_id == owner.id, SavedContact.id.in_(ids)))
    by_id = {c.id: c for c in rows}
    return [by_id[i] for i in ids if i in by_id]


def _like_any(session: Session, owner: User, columns: list, terms: list[str], limit: int) -> list[SavedContact]:
    """The database's answer when the index cannot give one: any term inside any of the columns."""
    if not terms:
        return []
    wanted = [column.ilike(f"%{t}%") for t in terms for column in columns]
    query = select(SavedContact).where(SavedContact.owner_id == owner.id, or_(*wanted))
    return list(session.exec(query.order_by(SavedContact.sort_name).limit(limit)))


def contacts_about(session: Session, owner: User, terms: list[str], limit: int = 5) -> list[SavedContact]:
    """The owner's contacts that best match the question's terms."""
    if not terms:
        return []
    try:
        return _load(session, owner, ranked_contact_ids(owner, terms, limit))
    except Unavailable:
        return _like_any(session, owner, [SavedContact.search_text], terms, limit)


def contacts_named(session: Session, owner: User, name: str, limit: int = 5) -> list[SavedContact]:
    """The owner's contacts whose name has every word of `name` (a word's start, then typos, when nothing matches)."""
    parsed = parse(name)
    if parsed.empty:
        return []
    try:
        found = get_backend().search(
            "contacts", parsed, filters={"owner": str(owner.id)}, limit=limit, shape=Shape(prefix=False, field="name")
        )
        ids = [uuid.UUID(f.id) for f in found] or ranked_ids(owner=owner, parsed=parsed, limit=limit, field="name")
        return _load(session, owner, ids)
    except Unavailable:
        # sort_name is the name lower-cased as written: look for the folded and the written form.
        written = {fold(name).strip(), name.lower().strip()}
        return _like_any(session, owner, [SavedContact.sort_name], sorted(written), limit)


def contacts_at(session: Session, owner: User, company: str, limit: int = 20) -> list[SavedContact]:
    """The owner's contacts whose company has every word of `company`."""
    parsed = parse(company)
    if parsed.empty:
        return []
    try:
        ids = ranked_ids(owner=owner, parsed=parsed, limit=limit, field="company")
        return sorted(_load(session, owner, ids), key=lambda c: c.sort_name)
    except Unavailable:
        return _like_any(session, owner, [SavedContact.company], [company.strip()], limit)


def tags_of(session: Session, contact_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """Tag names per contact."""
    found: dict[uuid.UUID, list[str]] = {i: [] for i in contact_ids}
    if contact_ids:
        rows = session.exec(
            select(ContactTag.contact_id, Tag.name)
            .join(Tag, Tag.id == ContactTag.tag_id)
            .where(ContactTag.contact_id.in_(contact_ids))
        )
        for contact_id, name in rows:
            found[contact_id].append(name)
    return found


def contact_source(contact: SavedContact, tags: list[str] | None = None) -> Source:
    """A contact as a source: its card-like facts as text."""
    lines = [
        ("Name", contact.full_name),
        ("Title", contact.title),
        ("Company", contact.company),
        ("Event", contact.event),
        ("Place", contact.place),
        # Written out: "2026-11-03" looks like a phone number to the redaction of contact details.
        ("Met on", contact.met_on.strftime("%d %B %Y") if contact.met_on else ""),
        ("How we met", contact.how_we_met),
        ("Tags", ", ".join(tags or [])),
        ("Notes", contact.notes),
    ]
    return Source(
        kind="contact",
        id=str(contact.id),
        title=contact.full_name or contact.company or "(no name)",
        url=links.contact(contact.id),
        text="\n".join(f"{label}: {value}" for label, value in lines if value),
    )


def _mine(owner: User):
    """The ids of the conversations the owner is a member of (a subquery)."""
    return select(ConversationMember.conversation_id).where(ConversationMember.user_id == owner.id)


def notes_and_messages(session: Session, owner: User, terms: list[str], limit: int = 4) -> list[Source]:
    """The owner's contact notes and direct messages that match the terms best."""
    if not terms:
        return []
    backend, filters, scores, stored = get_backend(), {"owners": str(owner.id)}, {}, {}
    try:
        for term in terms:
            shape = Shape(prefix=False)
            for hit in backend.search("messages", _single(term), filters=filters, limit=PER_TERM, shape=shape):
                scores[hit.id] = scores.get(hit.id, 0.0) + hit.score
                stored[hit.id] = hit.stored.get("kind", "")
    except Unavailable:
        return []
    best = sorted(scores, key=lambda i: (-scores[i], i))[:limit]
    note_ids = [uuid.UUID(i.split(":", 1)[1]) for i in best if stored[i] == "note"]
    message_ids = [uuid.UUID(i.split(":", 1)[1]) for i in best if stored[i] == "message"]
    found = {f"n:{c.id}": _note_source(c) for c in _load(session, owner, note_ids)}
    rows = session.exec(
        select(DirectMessage).where(DirectMessage.id.in_(message_ids), DirectMessage.conversation_id.in_(_mine(owner)))
    ).all()
    found.update({f"m:{m.id}": s for m, s in zip(rows, message_sources(session, owner, list(rows)), strict=True)})
    return [found[i] for i in best if i in found]


def _note_source(contact: SavedContact) -> Source:
    """A contact's notes as a source."""
    title = contact.full_name or contact.company or "(no name)"
    return Source(kind="note", id=str(contact.id), title=title, url=links.contact(contact.id), text=contact.notes)


def message_sources(session: Session, owner: User, rows: list[DirectMessage]) -> list[Source]:
    """Direct messages as sources, titled by who sent them."""
    senders = {m.sender_id for m in rows}
    names = {u.id: u.name or u.email.split("@")[0] for u in session.exec(select(User).where(User.id.in_(senders)))}
    return [
        Source(
            kind="message",
            id=str(m.id),
            title=f"Message from {'you' if m.sender_id == owner.id else names.get(m.sender_id, 'a member')}",
            url=links.conversation(m.conversation_id),
            text=m.body,
        )
        for m in rows
    ]


def messages_from(session: Session, owner: User, contact: SavedContact, limit: int = 5) -> list[Source]:
    """What a contact who is on MetaIC wrote to the owner, newest first (their card tells who they are)."""
    if contact.card_id is None or contact.owner_id != owner.id:
        return []
    card = session.get(Card, contact.card_id)
    if card is None or card.owner_id == owner.id:
        return []
    rows = session.exec(
        select(DirectMessage)
        .where(DirectMessage.sender_id == card.owner_id, DirectMessage.conversation_id.in_(_mine(owner)))
        .order_by(DirectMessage.created_at.desc())
        .limit(limit)
    ).all()
    return message_sources(session, owner, list(rows))


def own_cards(session: Session, owner: User) -> list[Source]:
    """The owner's cards (their draft fields) as sources."""
    rows = session.exec(
        select(Card, Business).outerjoin(Business, Business.card_id == Card.id).where(Card.owner_id == owner.id)
    ).all()
    found = []
    for card, business in rows:
        lines = [("Name", card.name), ("Headline", card.headline), ("About", card.bio)]
        if business is not None:
            lines += [("Company", business.name), ("Industry", business.industry)]
        found.append(
            Source(
                kind="card",
                id=str(card.id),
                title=card.name or "Your card",
                url=links.card_builder(card.id),
                text="\n".join(f"{label}: {value}" for label, value in lines if value),
            )
        )
    return found
