"""Networking suggestions: rank the owner's contacts by how what they offer meets what the owner looks for.

Offline: BM25 over each contact's offer text (their published card's "what I offer" and services, their
title, company and the owner's notes), with the owner's "looking for" widened by a small table of related
words ("investors" also finds "seed funding"). With the provider allowed, stored embeddings add a
semantic score. Each suggestion says why, quoting both sides.
"""

from __future__ import annotations

import heapq
import uuid
from collections.abc import Sequence

from sqlmodel import Session, select

from metaic.ai import corpus, embeddings, engine, usage
from metaic.ai.providers import ProviderError
from metaic.ai.schemas import ConnectionSuggestion
from metaic.ai.text import BM25, sentences, shorten, tokens
from metaic.auth.models import User
from metaic.cards.models import Card, NetworkingPreference
from metaic.core.errors import NotFound, ValidationError

RELATED: list[str] = [
    "fund funding invest investor investment seed capital vc venture angel raise raising fundraise fundraising round",
    "hire hiring recruit recruiter recruiting talent candidate job jobs headhunter staffing",
    "design designer ux ui branding brand graphic logo",
    "legal lawyer attorney contract contracts law counsel compliance",
    "marketing growth seo ads advertising campaign campaigns content social",
    "sales lead leads customer customers client clients business development distribution",
    "software developer developers engineer engineering code coding programming app apps web",
    "mentor mentoring mentorship advice advisor adviser coaching coach guidance",
    "manufacture manufacturing factory production supplier suppliers sourcing",
    "retail reseller resellers wholesale distributor distributors stores shop",
    "accounting accountant bookkeeping tax taxes finance financial cfo",
    "cloud aws azure infrastructure devops hosting kubernetes",
    "data analytics analysis machine learning ml ai model models",
    "office space coworking property real estate",
    "translation translator localization languages",
    "photo photography photographer video videographer film",
    "partner partners partnership partnerships collaboration cofounder co-founder",
    "event events speaker speaking conference venue",
]
_GROUPS = [set(tokens(line)) for line in RELATED]


def widen(query: list[str]) -> list[str]:
    """The query with the related words of each of its terms added."""
    out = list(query)
    for term in query:
        for group in _GROUPS:
            if term in group:
                out.extend(sorted(group - set(out)))
    return list(dict.fromkeys(out))


def owner_wants(session: Session, owner: User, card_id: uuid.UUID | None) -> str:
    """The owner's "looking for" (and open-to choices) from the given card or their latest one (one row read)."""
    query = (
        select(Card.id, NetworkingPreference.looking_for, NetworkingPreference.open_to)
        .outerjoin(NetworkingPreference, NetworkingPreference.card_id == Card.id)
        .where(Card.owner_id == owner.id)
    )
    if card_id is not None:
        query = query.where(Card.id == card_id)
    row = session.exec(query.order_by(Card.updated_at.desc())).first()
    if row is None and card_id is not None:
        raise NotFound("Card not found.")
    if row is None:
        raise ValidationError("Create a card and say what you are looking for first.", field="looking_for")
    wants = " ".join([row[1] or "", *(row[2] or [])]).strip()
    if not wants:
        raise ValidationError("Say what you are looking for on your card first.", field="looking_for")
    return wants


def reason(offer_text: str, matched: list[str], wants: str) -> str:
    """ "offers seed funding for B2B startups; you are looking for investors" """
    best = max(sentences(offer_text) or [offer_text], key=lambda s: len(set(tokens(s)) & set(matched)))
    best = best.strip().rstrip(".!;")
    return f"offers {shorten(best[:1].lower() + best[1:], 90)}; you are looking for {shorten(wants, 60)}"


def query_terms(wants: str) -> tuple[list[str], list[str]]:
    """(the owner's own terms, the same widened by related words)."""
    own = tokens(wants)
    return own, widen(own)


def rank_model(
    wants: str, ids: Sequence[uuid.UUID], model: BM25, limit: int = 50
) -> list[tuple[uuid.UUID, float, list[str]]]:
    """The `limit` best of an indexed corpus for the wants: (id, score, matched terms)."""
    own, query = query_terms(wants)
    # The owner's own words count double against the related ones.
    widened, exact = model.scores(query), model.scores(own)
    best = heapq.nsmallest(limit, ((-score - exact.get(i, 0.0), i) for i, score in widened.items() if score > 0))
    return [(ids[i], -negative, model.matched(query, i)) for negative, i in best]


def rank(wants: str, offers: dict[uuid.UUID, str], limit: int = 50) -> list[tuple[uuid.UUID, float, list[str]]]:
    """The `limit` best contacts by BM25 score of their offer against the widened wants: (id, score, matched terms)."""
    ids = list(offers)
    return rank_model(wants, ids, BM25([tokens(offers[i]) for i in ids]), limit)


def _semantic(session: Session, owner: User, wants: str, offers: dict[uuid.UUID, str]) -> dict[uuid.UUID, float]:
    """Cosine of each contact's offer to the wants with provider embeddings (stored, re-embedded when changed)."""
    provider, _ = engine.provider_for(session=session, user_id=owner.id)
    if provider is None:
        return {}
    known = embeddings.stored_hashes(session=session, owner_id=owner.id, kind="contact", model=provider.embedding_model)
    stale = [i for i, text in offers.items() if known.get(i) != embeddings.text_hash(text)]
    try:
        vectors, cost = provider.embed([wants] + [offers[i] for i in stale])
    except ProviderError as exc:
        usage.record(session=session, user_id=owner.id, feature="embedding", source="offline", failure=exc.reason)
        return {}
    usage.record(
        session=session,
        user_id=owner.id,
        feature="embedding",
        source="provider",
        model=provider.embedding_model,
        prompt_tokens=cost,
    )
    for contact_id, vector in zip(stale, vectors[1:], strict=True):
        embeddings.store(
            session=session,
            owner_id=owner.id,
            kind="contact",
            ref_id=contact_id,
            model=provider.embedding_model,
            vector=vector,
            text=offers[contact_id],
        )
    found = embeddings.index_for(session).nearest(
        session=session,
        owner_id=owner.id,
        kind="contact",
        model=provider.embedding_model,
        vector=vectors[0],
        k=len(offers),
    )
    return {ref: score for ref, score in found if ref in offers}


def blend(
    ranked: list[tuple[uuid.UUID, float, list[str]]], semantic: dict[uuid.UUID, float]
) -> list[tuple[uuid.UUID, float, list[str]]]:
    """Lexical scores (scaled to the best) plus the provider's cosine, best first."""
    if not semantic:
        return ranked
    top = max((s for _, s, _ in ranked), default=1.0) or 1.0
    lexical = {cid: (score / top, matched) for cid, score, matched in ranked}
    blended = [
        (cid, lexical.get(cid, (0.0, []))[0] + max(0.0, sim), lexical.get(cid, (0.0, []))[1])
        for cid, sim in semantic.items()
    ]
    return sorted(blended, key=lambda item: -item[1])


def suggest(
    *, session: Session, owner: User, card_id: uuid.UUID | None = None, limit: int = 10
) -> list[ConnectionSuggestion]:
    """The owner's contacts whose offers best meet what the owner's card is looking for, each with a reason."""
    wants = owner_wants(session, owner, card_id)
    found = corpus.get(session, owner.id)
    if not found.offers:
        return []
    ranked = rank_model(wants, found.ids, found.model, limit=max(limit, 50))
    ranked = blend(ranked, _semantic(session, owner, wants, found.offers))
    return [
        ConnectionSuggestion(
            contact_id=cid,
            name=found.names[cid],
            score=round(score, 4),
            reason=reason(found.offers[cid], matched, wants),
            matched=matched[:8],
        )
        for cid, score, matched in ranked[:limit]
    ]
