"""The owner's contacts as a ranking corpus (offers, asks and their BM25 model), built once and kept per process.

Building it cost most of a networking request (1,000 contacts: read, parse each linked card, tokenise,
count); now a request asks two cheap aggregate questions (how many contacts, when last changed; how many
linked live cards, when last changed) and rebuilds only when the answer moved. A short lifetime bounds
what a missed change (none is known) could leave stale.

Only the owner's own data and what other users publish enters it: a linked card counts while it is live,
not private, and its owner's account is active. Never another user's draft or private card.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from metaic.ai.text import BM25, sentences, tokens
from metaic.auth.models import User
from metaic.cards.models import Card, CardVersion
from metaic.cards.schemas import CardContent
from metaic.contacts.models import SavedContact

MAX_CONTACTS = 2000
TTL_SECONDS = 300.0
MAX_OWNERS = 256
# A note sentence saying what the contact wants ("She is looking for a CTO", "raising a seed round").
ASK_WORDS = re.compile(r"\b(looking for|seeking|searching for|needs?|wants?|raising|hiring|asks? for)\b", re.I)


@dataclass(frozen=True)
class Corpus:
    """One owner's contacts ready to rank: offer and ask texts by contact id, names, and the offers' BM25."""

    ids: tuple[uuid.UUID, ...]
    names: dict[uuid.UUID, str]
    offers: dict[uuid.UUID, str]
    asks: dict[uuid.UUID, str]
    linked: frozenset[uuid.UUID]  # the card ids the contacts were saved from (live and visible)
    model: BM25


_lock = threading.Lock()
_cache: OrderedDict[uuid.UUID, tuple[float, tuple, Corpus]] = OrderedDict()


def _live_cards(owner_id: uuid.UUID):
    """The cards the owner's contacts link that may be read: live, not private, owner active."""
    linked = select(SavedContact.card_id).where(SavedContact.owner_id == owner_id, SavedContact.card_id.is_not(None))
    return (
        select(Card.id, CardVersion.content)
        .join(CardVersion, CardVersion.id == Card.published_version_id)
        .join(User, User.id == Card.owner_id)
        .where(Card.id.in_(linked), Card.visibility != "private", User.is_active)
    )


# One statement, written out: the ORM spent more time building the cache key of two joined selects than
# the database spent answering them.
_FINGERPRINT = sa.text(
    "SELECT (SELECT count(*) FROM saved_contacts WHERE owner_id = :owner), "
    "(SELECT max(updated_at) FROM saved_contacts WHERE owner_id = :owner), "
    "count(c.id), max(c.updated_at), max(c.published_at) "
    "FROM saved_contacts s JOIN business_cards c ON c.id = s.card_id JOIN users u ON u.id = c.owner_id "
    "WHERE s.owner_id = :owner AND c.published_version_id IS NOT NULL AND c.visibility != 'private' "
    "AND u.is_active"
).bindparams(sa.bindparam("owner", type_=sa.Uuid()))


def fingerprint(session: Session, owner_id: uuid.UUID) -> tuple:
    """What changes whenever the corpus would: the contacts' count and latest edit, and the linked cards'."""
    row = session.connection().execute(_FINGERPRINT, {"owner": owner_id}).one()
    return tuple(str(v) for v in row)


def _ask_of(card: CardContent | None, notes: str) -> str:
    """What a contact is after: their card's "looking for" and open-to, and note sentences that say so."""
    parts = [card.networking.looking_for, *card.networking.open_to] if card else []
    parts += [s for s in sentences(notes) if ASK_WORDS.search(s)]
    return ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip())


def _offer_of(card: CardContent | None, row) -> str:
    """What a contact offers: their card's offer and services, title, company, how we met and notes."""
    card_part = [card.networking.offer, *(s.title for s in card.services)] if card else []
    notes = ". ".join(s for s in sentences(row.notes) if not ASK_WORDS.search(s))
    return ". ".join(p for p in (*card_part, row.title, row.company, row.how_we_met, notes) if p)


def build(session: Session, owner_id: uuid.UUID) -> Corpus:
    """Read the owner's contacts and their linked live cards and index their offers."""
    columns = (SavedContact.id, SavedContact.full_name, SavedContact.company, SavedContact.title)
    columns += (SavedContact.how_we_met, SavedContact.notes, SavedContact.card_id)
    rows = session.exec(select(*columns).where(SavedContact.owner_id == owner_id).limit(MAX_CONTACTS)).all()
    linked = session.exec(_live_cards(owner_id)).all()
    cards = {card_id: CardContent.model_validate(content) for card_id, content in linked}
    offers, asks, names = {}, {}, {}
    for row in rows:
        card = cards.get(row.card_id)
        names[row.id] = row.full_name or row.company or ""
        offer = _offer_of(card, row)
        if offer:
            offers[row.id] = offer
        ask = _ask_of(card, row.notes)
        if ask:
            asks[row.id] = ask
    ids = tuple(offers)
    model = BM25([tokens(offers[i]) for i in ids])
    return Corpus(ids=ids, names=names, offers=offers, asks=asks, linked=frozenset(cards), model=model)


def get(session: Session, owner_id: uuid.UUID) -> Corpus:
    """The owner's corpus: the kept one while nothing changed, else freshly built (and kept)."""
    key = fingerprint(session, owner_id)
    now = time.monotonic()
    with _lock:
        found = _cache.get(owner_id)
        if found and found[1] == key and found[0] > now:
            _cache.move_to_end(owner_id)
            return found[2]
    corpus = build(session, owner_id)
    with _lock:
        _cache[owner_id] = (now + TTL_SECONDS, key, corpus)
        _cache.move_to_end(owner_id)
        while len(_cache) > MAX_OWNERS:
            _cache.popitem(last=False)
    return corpus


def forget(owner_id: uuid.UUID | None = None) -> None:
    """Drop one owner's kept corpus (or all of them)."""
    with _lock:
        if owner_id is None:
            _cache.clear()
        else:
            _cache.pop(owner_id, None)
