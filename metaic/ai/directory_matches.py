"""Directory cards that may meet what the owner looks for: found through the search index, checked in the database.

Only cards their owners opted in to the people directory count: published, public, listed for signed-in
members or everyone, and their owner's account active. What is read is the published snapshot, never a
draft, and only its public parts (offer, services, headline). The index gives candidates (each wanted term
as typed or as the start of a word, so "invest" finds "investors"); the database re-checks every candidate,
so a card made private or an owner suspended since the last index write never shows. While the index is
being rebuilt, the newest listed cards are scanned instead.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, replace

from sqlmodel import Session, select

from metaic.auth.models import User
from metaic.cards.models import Card, CardVersion
from metaic.cards.schemas import CardContent
from metaic.search.analyzers import ParsedQuery, QueryWord
from metaic.search.backend import Shape, Unavailable
from metaic.search.engine import get_backend

LISTINGS = ("public", "members")  # the signed-in owner may see both
PER_TERM = 25
MAX_TERMS = 12
MAX_CANDIDATES = 120
FALLBACK_SCAN = 1000
CANDIDATE_TTL = 60.0
MAX_VERSIONS = 20_000


@dataclass(frozen=True)
class DirectoryCard:
    """A listed card as the matcher needs it: who, where, and what they offer."""

    card_id: uuid.UUID | None
    owner_id: uuid.UUID | None
    slug: str
    name: str
    headline: str
    avatar_url: str
    offer: str


_lock = threading.Lock()
_candidates: dict[tuple[str, ...], tuple[float, list[str]]] = {}
_versions: dict[uuid.UUID, DirectoryCard | None] = {}


def _index_ids(terms: list[str]) -> list[str]:
    """Card ids the index finds for any of the terms (each term searched alone), kept briefly per term list."""
    key = tuple(terms[:MAX_TERMS])
    now = time.monotonic()
    with _lock:
        found = _candidates.get(key)
        if found and found[0] > now:
            return found[1]
    backend, ids = get_backend(), {}
    for term in key:
        parsed = ParsedQuery(words=(QueryWord(term=term),))
        for hit in backend.search("cards", parsed, filters={}, limit=PER_TERM, shape=Shape(prefix=True)):
            ids.setdefault(hit.id, None)
    result = list(ids)[:MAX_CANDIDATES]
    with _lock:
        if len(_candidates) > 512:
            _candidates.clear()
        _candidates[key] = (now + CANDIDATE_TTL, result)
    return result


def _listed():
    """Listed cards of active owners: id, owner, address and live version (the snapshot is read separately)."""
    return (
        select(Card.id, Card.owner_id, Card.slug, Card.published_version_id)
        .join(User, User.id == Card.owner_id)
        .where(
            Card.visibility == "public",
            Card.directory_listing.in_(LISTINGS),
            Card.published_version_id.is_not(None),
            User.is_active,
        )
    )


def _offers(session: Session, version_ids: set[uuid.UUID]) -> dict[uuid.UUID, DirectoryCard | None]:
    """Parsed snapshots by version id: kept ones from memory (a version never changes), the rest read once."""
    with _lock:
        known = {v: _versions[v] for v in version_ids if v in _versions}
    missing = version_ids - set(known)
    if missing:
        rows = session.exec(select(CardVersion.id, CardVersion.content).where(CardVersion.id.in_(missing))).all()
        fresh = {version_id: _entry(content) for version_id, content in rows}
        with _lock:
            if len(_versions) > MAX_VERSIONS:
                _versions.clear()
            _versions.update(fresh)
        known.update(fresh)
    return known


def offer_text(content: CardContent) -> str:
    """The public offer of a card: its offer, services and headline."""
    parts = [content.networking.offer, *(s.title for s in content.services), content.headline]
    return ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip())


def _entry(content: dict) -> DirectoryCard | None:
    """What a published snapshot offers (None when it offers nothing)."""
    parsed = CardContent.model_validate(content)
    offer = offer_text(parsed)
    if not offer:
        return None
    return DirectoryCard(None, None, "", parsed.name, parsed.headline, parsed.avatar_url, offer)


def candidates(
    *, session: Session, owner: User, terms: list[str], exclude: frozenset[uuid.UUID] = frozenset()
) -> list[DirectoryCard]:
    """Listed cards of other members whose public text has one of `terms`, minus the owner's and `exclude`."""
    if not terms:
        return []
    try:
        ids = [uuid.UUID(i) for i in _index_ids(terms)]
        rows = session.exec(_listed().where(Card.id.in_(ids))).all() if ids else []
    except Unavailable:
        rows = session.exec(_listed().order_by(Card.published_at.desc()).limit(FALLBACK_SCAN)).all()
    rows = [r for r in rows if r[1] != owner.id and r[0] not in exclude]
    snapshots = _offers(session, {r[3] for r in rows})
    found = []
    for card_id, owner_id, slug, version_id in rows:
        entry = snapshots.get(version_id)
        if entry is not None:
            found.append(replace(entry, card_id=card_id, owner_id=owner_id, slug=slug))
    return found


def forget() -> None:
    """Drop the kept index answers (tests, and after a rebuild)."""
    with _lock:
        _candidates.clear()
        _versions.clear()
