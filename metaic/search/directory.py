"""The people directory: listed cards by relevance, with facets; the database loads what is shown.

The index ranks and counts; the page's cards are read from the database and checked again (still live,
public, listed for this viewer), so an unpublished or deleted card never shows even before the index
job ran. Anonymous visitors see "public" listings only; signed-in users see "members" ones too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import Session, select

from metaic.auth.models import User
from metaic.cards.models import Card, CardVersion
from metaic.cards.schemas import OPEN_TO, CardContent
from metaic.core.errors import ValidationError
from metaic.moderation.service import online
from metaic.search import documents, highlight
from metaic.search.analyzers import ParsedQuery, parse
from metaic.search.backend import Shape, Unavailable
from metaic.search.engine import get_backend

FACETS = ("industry", "city", "country", "open_to")
OPEN_TO_LABELS = {"mentoring": "Mentoring", "hiring": "Hiring", "investing": "Investing", "partnering": "Partnering"}
MAX_PER_PAGE = 50
MAX_PAGE = 50  # 1,000 results at most (totals above show as 1,000, see whoosh_backend.TOTAL_CAP)
FALLBACK_SCAN = 2000
FACET_VALUES = 30


@dataclass
class DirectoryPage:
    """One page of the directory: cards as dicts, how many match, facet counts."""

    items: list[dict]
    total: int
    facets: dict[str, list[dict]]
    page: int = 1
    per_page: int = 20
    query_id: str = ""
    fallback: bool = False


def listings_for(viewer: User | None) -> tuple[str, ...]:
    """Which listings a viewer may see."""
    return ("public",) if viewer is None else ("public", "members")


def _filters(facets: dict[str, str], viewer: User | None) -> dict[str, str]:
    """Index filters from the chosen facet values (unknown keys refused)."""
    unknown = set(facets) - set(FACETS)
    if unknown:
        raise ValidationError(f"Filter by one of: {', '.join(FACETS)}.", field=sorted(unknown)[0])
    chosen = {k: " ".join(str(v).replace(",", " ").split()) for k, v in facets.items() if v}
    if chosen.get("open_to") and chosen["open_to"] not in OPEN_TO:
        raise ValidationError(f"Open to one of: {', '.join(OPEN_TO)}.", field="open_to")
    if viewer is None:
        chosen["listing"] = "public"
    return chosen


def search(
    *, session: Session, query: str, facets: dict[str, str], page: int, per_page: int, viewer: User | None
) -> DirectoryPage:
    """A page of listed cards matching `query` and `facets`, by relevance, with facet counts."""
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValidationError(f"Show between 1 and {MAX_PER_PAGE} cards a page.", field="per_page")
    if not 1 <= page <= MAX_PAGE:
        raise ValidationError(f"Pages run from 1 to {MAX_PAGE}.", field="page")
    parsed, filters = parse(query), _filters(facets or {}, viewer)
    try:
        ids, total, counts = _from_index(parsed, filters, page * per_page)
    except Unavailable:
        return _fallback(session, parsed, facets or {}, page, per_page, viewer)
    page_ids = ids[(page - 1) * per_page : page * per_page]
    items = _load(session, page_ids, parsed, listings_for(viewer))
    return DirectoryPage(items=items, total=total, facets=_facet_lists(counts), page=page, per_page=per_page)


def _from_index(parsed: ParsedQuery, filters: dict[str, str], limit: int) -> tuple[list[str], int, dict]:
    """(ranked ids up to `limit`, total, counts) from the index: the words as typed, else typo-tolerant."""
    backend = get_backend()
    shape = Shape()
    found = backend.search("cards", parsed, filters=filters, limit=limit, shape=shape)
    if not found and not parsed.empty:
        shape = Shape(fuzzy=True)
        found = backend.search("cards", parsed, filters=filters, limit=limit, shape=shape)
    total, counts = backend.facets("cards", parsed, filters=filters, fields=FACETS, shape=shape)
    return [f.id for f in found], total, counts


def _facet_lists(counts: dict[str, dict[str, int]]) -> dict[str, list[dict]]:
    """Facet counts as value/label/count lists, largest first."""
    lists = {}
    for name in FACETS:
        ordered = sorted(counts.get(name, {}).items(), key=lambda kv: (-kv[1], kv[0].casefold()))[:FACET_VALUES]
        labels = OPEN_TO_LABELS if name == "open_to" else {}
        lists[name] = [{"value": v, "label": labels.get(v, v), "count": c} for v, c in ordered]
    return lists


def _visible(card: Card, listings: tuple[str, ...]) -> bool:
    """Whether a card may show to this viewer right now."""
    return documents.listed(card) and card.directory_listing in listings


def _load(session: Session, ids: list[str], parsed: ParsedQuery, listings: tuple[str, ...]) -> list[dict]:
    """The cards of `ids` from the database, in order, re-checked, as directory items."""
    if not ids:
        return []
    uuids = [uuid.UUID(i) for i in ids]
    live = CardVersion.id == Card.published_version_id
    query = select(Card, CardVersion).join(CardVersion, live).join(User, User.id == Card.owner_id)
    rows = session.exec(query.where(Card.id.in_(uuids), User.is_active, online(Card.id))).all()
    by_id = {card.id: (card, version) for card, version in rows if _visible(card, listings)}
    return [item(*by_id[i], parsed) for i in uuids if i in by_id]


def item(card: Card, version: CardVersion, parsed: ParsedQuery) -> dict:
    """One directory entry built from the published snapshot, with highlight segments."""
    content = CardContent.model_validate(version.content)
    city, country = documents.card_place(content)
    industries = documents.card_industries(content)
    about = " ".join(
        t for t in (content.headline, content.networking.offer, content.networking.looking_for, content.bio) if t
    )
    return {
        "id": str(card.id),
        "slug": card.slug,
        "name": content.name,
        "headline": content.headline,
        "company": content.business.name,
        "title": content.headline,
        "industry": industries[0] if industries else "",
        "city": city,
        "country": country,
        "avatar_url": content.avatar_url,
        "open_to": list(content.networking.open_to),
        "title_parts": highlight.parts(content.name, parsed),
        "snippet_parts": highlight.snippet(about, parsed),
    }


def _fallback(
    session: Session, parsed: ParsedQuery, facets: dict[str, str], page: int, per_page: int, viewer: User | None
) -> DirectoryPage:
    """The directory from the database while the index is rebuilt (newest listed cards, matched in Python)."""
    listings = listings_for(viewer)
    query = (
        select(Card, CardVersion)
        .join(CardVersion, CardVersion.id == Card.published_version_id)
        .join(User, User.id == Card.owner_id)
        .where(Card.visibility == "public", Card.directory_listing.in_(listings), User.is_active, online(Card.id))
        .order_by(Card.published_at.desc())
        .limit(FALLBACK_SCAN)
    )
    entries = []
    for card, version in session.exec(query).all():
        doc = documents.card_doc(card, version)
        chosen = all(_facet_value_matches(doc, k, v) for k, v in facets.items() if v)
        if chosen and (parsed.empty or highlight.matches([doc["text"]], parsed)):
            entries.append((card, version, doc))
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for _, _, doc in entries:
        for name in FACETS:
            values = doc[name] if isinstance(doc[name], list) else [doc[name]]
            for value in filter(None, values):
                counts[name][value] = counts[name].get(value, 0) + 1
    shown = entries[(page - 1) * per_page : page * per_page]
    items = [item(card, version, parsed) for card, version, _ in shown]
    return DirectoryPage(
        items=items, total=len(entries), facets=_facet_lists(counts), page=page, per_page=per_page, fallback=True
    )


def _facet_value_matches(doc: dict, name: str, value: str) -> bool:
    """Whether a document has the chosen facet value."""
    values = doc[name] if isinstance(doc[name], list) else [doc[name]]
    return value in values
