"""What is indexed for each kind: plain dicts built from database rows (any backend takes the same dicts).

Directory cards come from the PUBLISHED snapshot, never the draft, and only when the card is live,
public and listed. Contacts, notes and messages carry the ids of the users allowed to see them
(`owner` / `owners`), and every search filters on it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from functools import lru_cache

import phonenumbers
from sqlalchemy import func
from sqlmodel import Session, select

from metaic.auth.models import User
from metaic.cards import address
from metaic.cards.models import Card, CardVersion
from metaic.cards.schemas import CardContent
from metaic.contacts.models import ContactTag, SavedContact, Tag
from metaic.messaging.models import ConversationMember, DirectMessage
from metaic.moderation.service import online

LISTINGS = ("off", "members", "public")
BATCH = 500


@lru_cache(maxsize=50_000)
def place_of(text: str) -> tuple[str, str]:
    """(city, country) read from one free-text address (cached: rebuilding 100k cards meets the same ones often)."""
    parts = address.split(text)
    city = parts.city.strip()
    if not city and parts.street and not any(c.isdigit() for c in parts.street) and "\n" not in parts.street:
        city = parts.street.strip()  # "Paris, France": a town and a country, no street
    return city, parts.country.strip()


def card_place(content: CardContent | dict) -> tuple[str, str]:
    """(city, country) of a card: its first postal address, else its business address."""
    data = content if isinstance(content, dict) else content.model_dump()
    texts = [c.get("value", "") for c in data.get("contacts", []) if c.get("kind") == "address"]
    for text in [*texts, (data.get("business") or {}).get("address", "")]:
        city, country = place_of(text or "")
        if city or country:
            return city, country
    return "", ""


def card_industries(content: CardContent | dict) -> list[str]:
    """The business industry and the networking industries, without repeats (case-insensitive)."""
    data = content if isinstance(content, dict) else content.model_dump()
    networking = data.get("networking") or {}
    seen, found = set(), []
    for value in [(data.get("business") or {}).get("industry", ""), *networking.get("industries", [])]:
        value = " ".join(str(value).split())
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            found.append(value)
    return found


def listed(card: Card) -> bool:
    """Whether a card belongs in the directory: live, public and opted in."""
    return card.published_version_id is not None and card.visibility == "public" and card.directory_listing != "off"


def card_doc(card: Card, version: CardVersion) -> dict:
    """The directory document of a listed card, from its published snapshot (read as stored: it was validated)."""
    content = version.content
    business, networking = content.get("business") or {}, content.get("networking") or {}
    city, country = card_place(content)
    industries = card_industries(content)
    services = [f"{s.get('title', '')} {s.get('description', '')}" for s in content.get("services", [])]
    text = [
        content.get("name", ""),
        content.get("headline", ""),
        business.get("name", ""),
        content.get("bio", ""),
        business.get("description", ""),
        *industries,
        city,
        country,
        *services,
        networking.get("offer", ""),
        networking.get("looking_for", ""),
        *content.get("interests", []),
        *(w.get("title", "") for w in content.get("works", [])),
    ]
    return {
        "id": str(card.id),
        "listing": card.directory_listing,
        "name": content.get("name", ""),
        "company": business.get("name", ""),
        "title": content.get("headline", ""),
        "text": "\n".join(t for t in text if t),
        "industry": industries,
        "city": city,
        "country": country,
        "open_to": list(networking.get("open_to", [])),
    }


def listed_cards(session: Session, card_ids: list[uuid.UUID] | None = None) -> Iterator[tuple[Card, CardVersion]]:
    """Listed cards of active accounts with their live versions (all of them, or those among `card_ids`), in batches."""
    query = (
        select(Card, CardVersion)
        .join(CardVersion, CardVersion.id == Card.published_version_id)
        .join(User, User.id == Card.owner_id)
        .where(Card.visibility == "public", Card.directory_listing != "off", User.is_active, online(Card.id))
        .order_by(Card.id)
    )
    if card_ids is not None:
        query = query.where(Card.id.in_(card_ids))
    yield from _batched(session, query)


def _batched(session: Session, query) -> Iterator:
    """Rows of `query` fetched BATCH at a time (keyset on the first entity's id, so memory stays flat)."""
    entity = query.column_descriptions[0]["entity"]
    last = None
    while True:
        page = query if last is None else query.where(entity.id > last)
        rows = session.exec(page.limit(BATCH)).all()
        yield from rows
        if len(rows) < BATCH:
            return
        first = rows[-1][0] if isinstance(rows[-1], tuple) or hasattr(rows[-1], "_fields") else rows[-1]
        last = first.id


def contact_text(contact: SavedContact, tags: list[str]) -> str:
    """Everything searchable about a contact besides its name, company and title."""
    values = [v.get("value", "") for v in contact.emails + contact.addresses + contact.links]
    values += [contact.event, contact.place, contact.how_we_met, contact.notes, *tags]
    return "\n".join(v for v in [contact.full_name, contact.company, contact.title, *values] if v)


def phone_forms(value: str) -> list[str]:
    """A number as stored (E.164) and as dialled at home ("020 7946 0958"), so either form finds it."""
    forms = [value]
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return forms
    national = phonenumbers.national_significant_number(number)
    return [*forms, national, f"0{national}"]


def contact_doc(contact: SavedContact, tags: list[str]) -> dict:
    """The contacts-index document of one contact (owner-scoped)."""
    return {
        "id": str(contact.id),
        "owner": str(contact.owner_id),
        "name": " ".join(p for p in (contact.full_name, contact.first_name, contact.last_name) if p),
        "company": contact.company,
        "title": contact.title,
        "text": contact_text(contact, tags),
        "digits": "\n".join(v for p in contact.phones for v in phone_forms(p.get("value", ""))),
    }


def tag_names(session: Session, contact_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """Tag names per contact id."""
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


def contacts(session: Session, contact_ids: list[uuid.UUID] | None = None) -> Iterator[SavedContact]:
    """Contacts (all, or those among `contact_ids`) in id order, in batches."""
    query = select(SavedContact).order_by(SavedContact.id)
    if contact_ids is not None:
        query = query.where(SavedContact.id.in_(contact_ids))
    yield from _batched(session, query)


def note_doc(contact: SavedContact) -> dict:
    """The messages-index document of a contact's notes."""
    return {
        "id": f"n:{contact.id}",
        "kind": "note",
        "owners": [str(contact.owner_id)],
        "ref": str(contact.id),
        "text": contact.notes,
    }


def message_doc(message: DirectMessage, members: list[uuid.UUID]) -> dict:
    """The messages-index document of a direct message, visible to the conversation's members."""
    return {
        "id": f"m:{message.id}",
        "kind": "message",
        "owners": [str(m) for m in members],
        "ref": str(message.conversation_id),
        "text": message.body,
    }


def members_of(session: Session, conversation_ids: set[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """The member ids of each conversation."""
    found: dict[uuid.UUID, list[uuid.UUID]] = {i: [] for i in conversation_ids}
    if conversation_ids:
        rows = session.exec(
            select(ConversationMember.conversation_id, ConversationMember.user_id).where(
                ConversationMember.conversation_id.in_(conversation_ids)
            )
        )
        for conversation_id, user_id in rows:
            found[conversation_id].append(user_id)
    return found


def messages(session: Session, message_ids: list[uuid.UUID] | None = None) -> Iterator[DirectMessage]:
    """Direct messages (all, or those among `message_ids`) in id order, in batches."""
    query = select(DirectMessage).order_by(DirectMessage.id)
    if message_ids is not None:
        query = query.where(DirectMessage.id.in_(message_ids))
    yield from _batched(session, query)


def count_listed(session: Session) -> int:
    """How many cards the directory should hold."""
    query = select(func.count()).select_from(Card).join(User, User.id == Card.owner_id)
    query = query.where(Card.published_version_id.is_not(None), User.is_active, online(Card.id))
    return session.exec(query.where(Card.visibility == "public", Card.directory_listing != "off")).one()
