"""The Network page's suggestions: the owner's contacts and opted-in directory cards ranked together, with reasons.

Both kinds are scored by one BM25 over the owner's cached contact corpus plus this request's directory
candidates (metaic/ai/text.py `scores_with`), so "a contact" and "a stranger in the directory" compete on
one scale. A directory card already saved as a contact shows as the contact.
"""

from __future__ import annotations

import uuid

from sqlmodel import Session

from metaic.ai import corpus, directory_matches
from metaic.ai.followups import channel_for
from metaic.ai.network_schemas import NetworkSuggestion
from metaic.ai.networking import owner_wants, query_terms, reason
from metaic.ai.schemas import ComposeDraft
from metaic.ai.text import BM25, sentences, shorten, tokens
from metaic.auth.models import User
from metaic.contacts.models import SavedContact
from metaic.core.errors import NotFound

Ranked = list[tuple[str, object, float, list[str]]]  # (kind, key, score, matched terms)


def rank_mixed(wants: str, ids: tuple, model: BM25, extra: dict[object, str], limit: int = 20) -> Ranked:
    """Corpus documents (contacts) and `extra` texts (directory cards) ranked together for the wants.

    As in networking.rank_model, the owner's own words count double against the related ones.
    """
    own, query = query_terms(wants)
    keys = list(extra)
    docs = [tokens(extra[k]) for k in keys]
    widened, widened_extra = model.scores_with(query, docs)
    exact, exact_extra = model.scores_with(own, docs)
    found: Ranked = []
    for i, score in widened.items():
        if score > 0:
            found.append(("contact", ids[i], score + exact.get(i, 0.0), model.matched(query, i)))
    for i, score in widened_extra.items():
        if score > 0:
            matched = [t for t in dict.fromkeys(query) if t in set(docs[i])]
            found.append(("directory", keys[i], score + exact_extra.get(i, 0.0), matched))
    found.sort(key=lambda item: -item[2])
    return found[:limit]


def suggest(
    *, session: Session, owner: User, card_id: uuid.UUID | None = None, limit: int = 10, directory: bool = True
) -> list[NetworkSuggestion]:
    """The best matches among the owner's contacts and (when asked) the directory, each with its reason."""
    wants = owner_wants(session, owner, card_id)
    found = corpus.get(session, owner.id)
    _, query = query_terms(wants)
    cards = (
        directory_matches.candidates(session=session, owner=owner, terms=query, exclude=found.linked)
        if directory
        else []
    )
    by_id = {c.card_id: c for c in cards}
    ranked = rank_mixed(wants, found.ids, found.model, {c.card_id: c.offer for c in cards}, limit)
    out = []
    for kind, key, score, matched in ranked:
        if kind == "contact":
            text, extra = found.offers[key], {"contact_id": key, "name": found.names[key]}
        else:
            card = by_id[key]
            text = card.offer
            extra = {"card_id": key, "slug": card.slug, "name": card.name, "headline": card.headline}
        out.append(
            NetworkSuggestion(
                kind=kind, score=round(score, 4), reason=reason(text, matched, wants), matched=matched[:8], **extra
            )
        )
    return out


def reach_out_draft(*, session: Session, owner: User, contact_id: uuid.UUID) -> ComposeDraft:
    """A first message to a suggested contact, naming what they offer and what the owner looks for."""
    contact = session.get(SavedContact, contact_id)
    if contact is None or contact.owner_id != owner.id:
        raise NotFound("Contact not found.")
    wants = owner_wants(session, owner, None)
    offer = corpus.get(session, owner.id).offers.get(contact.id, "")
    first = contact.first_name or (contact.full_name.split() or [""])[0] or "there"
    about = f" I thought of you ({_phrase(offer)})" if offer else " I thought of you"
    me = owner.name or owner.email.split("@")[0]
    body = (
        f"Hi {first},\n\nI hope you are well.{about}: I am looking for {_phrase(wants)} at the moment.\n\n"
        f"Would you have 20 minutes for a call in the next couple of weeks?\n\nBest,\n{me}"
    )
    channel = channel_for(contact)
    values = contact.emails if channel == "email" else contact.phones
    to = next((v.get("value", "") for v in values or [] if v.get("value")), "")
    return ComposeDraft(contact_id=contact.id, channel=channel, to=to, subject="Could we talk?", body=body)


def _phrase(text: str, limit: int = 80) -> str:
    """The first sentence of a text, lower-cased at the start, without its full stop."""
    first = (sentences(text) or [text])[0].strip().rstrip(".!;")
    return shorten(first[:1].lower() + first[1:], limit)
