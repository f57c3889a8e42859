"""The global search box: an owner's contacts, cards, messages and notes, and templates, grouped.

Contacts and messages/notes come from the indexes (owner-scoped ids, rows re-checked in the database);
an owner's cards and templates are few, so they are matched in Python with the same rules. Any group
whose index is unavailable answers from the database meanwhile.
"""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from metaic.auth.models import User
from metaic.cards.models import Business, Card
from metaic.communication.models import MessageTemplate
from metaic.contacts import search as contact_search
from metaic.contacts.models import SavedContact
from metaic.contacts.schemas import ContactFilters
from metaic.messaging.models import ConversationMember, DirectMessage
from metaic.search import highlight
from metaic.search.analyzers import ParsedQuery
from metaic.search.backend import Shape, Unavailable
from metaic.search.contacts_search import ranked_ids
from metaic.search.engine import get_backend
from metaic.search.results import Group, Hit

LABELS = {"contact": "Contacts", "card": "Cards", "message": "Messages and notes", "template": "Templates"}


def _first_hit(texts: list[str], parsed: ParsedQuery) -> list[dict]:
    """The snippet of the first text with a matched word (else of the first non-empty text)."""
    for text in texts:
        if text:
            segments = highlight.snippet(text, parsed)
            if highlight.has_hit(segments):
                return segments
    return highlight.snippet(next((t for t in texts if t), ""), parsed)


def contacts(session: Session, owner: User, parsed: ParsedQuery, limit: int) -> list[Hit]:
    """The owner's best matching contacts."""
    try:
        ids = ranked_ids(owner=owner, parsed=parsed, limit=limit)
        rows = session.exec(select(SavedContact).where(SavedContact.owner_id == owner.id, SavedContact.id.in_(ids)))
        by_id = {c.id: c for c in rows}
        found = [by_id[i] for i in ids if i in by_id]
    except Unavailable:
        filters = ContactFilters(query=" ".join(w.term for w in parsed.words))
        where = contact_search.conditions(owner_id=owner.id, filters=filters)
        found = list(session.exec(select(SavedContact).where(*where).limit(limit)))
    return [_contact_hit(c, parsed) for c in found]


def _contact_hit(contact: SavedContact, parsed: ParsedQuery) -> Hit:
    """A contact as a search hit."""
    title = contact.full_name or contact.company or "(no name)"
    subtitle = " · ".join(p for p in (contact.title, contact.company) if p and p != title)
    details = [" · ".join(v.get("value", "") for v in contact.emails + contact.phones), contact.event, contact.notes]
    return Hit(
        kind="contact",
        id=str(contact.id),
        title=title,
        subtitle=subtitle,
        url=f"/contacts/view?id={contact.id}",
        title_parts=highlight.parts(title, parsed),
        snippet_parts=_first_hit([subtitle, *details], parsed),
    )


def cards(session: Session, owner: User, parsed: ParsedQuery, limit: int) -> list[Hit]:
    """The owner's cards (drafts included) whose name, headline, address or company match."""
    rows = session.exec(
        select(Card, Business.name).outerjoin(Business, Business.card_id == Card.id).where(Card.owner_id == owner.id)
    ).all()
    hits = []
    for card, company in rows:
        texts = [card.name, card.headline, card.slug, company or ""]
        if highlight.matches(texts, parsed):
            hits.append(
                Hit(
                    kind="card",
                    id=str(card.id),
                    title=card.name,
                    subtitle=card.headline or f"/c/{card.slug}",
                    url=f"/cards/edit?id={card.id}",
                    title_parts=highlight.parts(card.name, parsed),
                    snippet_parts=_first_hit([card.headline, company or "", f"/c/{card.slug}"], parsed),
                )
            )
    return hits[:limit]


def templates(session: Session, owner: User, parsed: ParsedQuery, limit: int) -> list[Hit]:
    """The owner's message templates whose name, subject or body match."""
    rows = session.exec(select(MessageTemplate).where(MessageTemplate.owner_id == owner.id))
    hits = []
    for template in rows:
        if highlight.matches([template.name, template.subject, template.body], parsed):
            hits.append(
                Hit(
                    kind="template",
                    id=str(template.id),
                    title=template.name,
                    subtitle=template.subject,
                    url="/templates",
                    title_parts=highlight.parts(template.name, parsed),
                    snippet_parts=_first_hit([template.subject, template.body], parsed),
                )
            )
    return hits[:limit]


def messages(session: Session, owner: User, parsed: ParsedQuery, limit: int) -> list[Hit]:
    """Messages of the owner's conversations and the owner's contact notes that match."""
    try:
        found = _indexed_messages(parsed, owner, limit)
    except Unavailable:
        found = _database_messages(session, owner, parsed, limit)
    message_ids = [uuid.UUID(ref) for kind, ref in found if kind == "message"]
    note_ids = [uuid.UUID(ref) for kind, ref in found if kind == "note"]
    mine = select(ConversationMember.conversation_id).where(ConversationMember.user_id == owner.id)
    message_rows = session.exec(
        select(DirectMessage).where(DirectMessage.id.in_(message_ids), DirectMessage.conversation_id.in_(mine))
    )
    note_rows = session.exec(
        select(SavedContact).where(SavedContact.id.in_(note_ids), SavedContact.owner_id == owner.id)
    )
    message_rows = list(message_rows)
    senders = {m.sender_id for m in message_rows}
    names = {u.id: u.name or u.email for u in session.exec(select(User).where(User.id.in_(senders)))}
    by_key = {("message", m.id): _message_hit(m, parsed, owner, names) for m in message_rows}
    by_key.update({("note", c.id): _note_hit(c, parsed) for c in note_rows})
    return [by_key[(k, uuid.UUID(r))] for k, r in found if (k, uuid.UUID(r)) in by_key][:limit]


def _indexed_messages(parsed: ParsedQuery, owner: User, limit: int) -> list[tuple[str, str]]:
    """(kind, id) of matching messages and notes visible to the owner, from the index."""
    backend = get_backend()
    filters = {"owners": str(owner.id)}
    found = backend.search("messages", parsed, filters=filters, limit=limit, shape=Shape())
    if not found:
        found = backend.search("messages", parsed, filters=filters, limit=limit, shape=Shape(fuzzy=True))
    return [(f.stored.get("kind", ""), f.id.split(":", 1)[1]) for f in found]


def _database_messages(session: Session, owner: User, parsed: ParsedQuery, limit: int) -> list[tuple[str, str]]:
    """(kind, id) of matching messages and notes from the database (substring of the first word)."""
    if not parsed.words:
        return []
    like = f"%{contact_search._escape_like(parsed.words[0].term)}%"
    mine = select(ConversationMember.conversation_id).where(ConversationMember.user_id == owner.id)
    rows = session.exec(
        select(DirectMessage.id)
        .where(DirectMessage.conversation_id.in_(mine), DirectMessage.body.ilike(like, escape="\\"))
        .order_by(DirectMessage.created_at.desc())
        .limit(limit)
    ).all()
    # Notes are encrypted at rest: SQL cannot look inside them, so the owner's notes are read and searched here.
    term = parsed.words[0].term.lower()
    with_notes = session.exec(
        select(SavedContact.id, SavedContact.notes).where(SavedContact.owner_id == owner.id, SavedContact.notes != "")
    )
    notes = [contact_id for contact_id, text in with_notes if term in text.lower()][:limit]
    return [("message", str(i)) for i in rows] + [("note", str(i)) for i in notes]


def _message_hit(message: DirectMessage, parsed: ParsedQuery, owner: User, names: dict) -> Hit:
    """A direct message as a search hit: who sent it, when, the matched words (opens its conversation)."""
    who = "You" if message.sender_id == owner.id else names.get(message.sender_id, "Message")
    return Hit(
        kind="message",
        id=str(message.id),
        title=who,
        subtitle=message.created_at.strftime("%d %b %Y") if message.created_at else "",
        url=f"/messages?c={message.conversation_id}",
        title_parts=[{"text": who, "hit": False}],
        snippet_parts=highlight.snippet(message.body, parsed),
    )


def _note_hit(contact: SavedContact, parsed: ParsedQuery) -> Hit:
    """A contact's notes as a search hit (opens the contact)."""
    title = contact.full_name or contact.company or "(no name)"
    return Hit(
        kind="note",
        id=str(contact.id),
        title=title,
        subtitle="Note",
        url=f"/contacts/view?id={contact.id}",
        title_parts=highlight.parts(title, parsed),
        snippet_parts=highlight.snippet(contact.notes, parsed),
    )


def groups(session: Session, owner: User, parsed: ParsedQuery, limit: int) -> list[Group]:
    """Every group with hits, in the fixed order contacts, cards, messages and notes, templates."""
    found = {
        "contact": contacts(session, owner, parsed, limit),
        "card": cards(session, owner, parsed, limit),
        "message": messages(session, owner, parsed, limit),
        "template": templates(session, owner, parsed, limit),
    }
    return [Group(kind=k, label=LABELS[k], hits=found[k]) for k in LABELS if found[k]]
