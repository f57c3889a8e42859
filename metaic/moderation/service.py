"""Moderation rules read by other domains: is a card offline, may a card's texts be published, blocked terms.

The cards domain sits above this one: `cards/public.py` adds `online(Card.id)` to its one query, and
`cards/flows.py` asks `refuse_blocked` before anything goes live.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from functools import lru_cache

from sqlalchemy import exists
from sqlmodel import Session, select

from metaic.audit import service as audit
from metaic.auth import service as user_service
from metaic.auth.models import User
from metaic.core import clock
from metaic.core.errors import Conflict, NotFound, ValidationError
from metaic.core.ids import parse_id
from metaic.moderation.models import ACTIVE, SLUG, TERM_KINDS, WORD, BlockedTerm, CardTakedown

MAX_TERM = 60
# Fields of a card document that are addresses or fixed choices, not words someone wrote.
NOT_TEXT = frozenset(
    {
        "avatar_url",
        "cover_url",
        "logo_url",
        "website",
        "url",
        "image_url",
        "link",
        "language",
        "theme",
        "kind",
        "meeting_format",
        "open_to",
        "preferred",
    }
)


def online(card_id_column):
    """SQL: no active takedown holds this card (use in a card query's WHERE)."""
    return ~exists().where(CardTakedown.card_id == card_id_column, CardTakedown.status == ACTIVE)


def active_takedown(*, session: Session, card_id: uuid.UUID) -> CardTakedown | None:
    """The takedown keeping a card offline now, if any."""
    query = select(CardTakedown).where(CardTakedown.card_id == card_id, CardTakedown.status == ACTIVE)
    return session.exec(query.order_by(CardTakedown.created_at.desc())).first()


def fold(text: str) -> str:
    """Text as terms are compared: compatibility forms unified, case folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


@lru_cache(maxsize=1024)
def _word_pattern(term: str) -> re.Pattern[str]:
    """A whole-word (or whole-phrase) match of a folded term."""
    body = r"\s+".join(re.escape(part) for part in term.split())
    return re.compile(rf"(?<!\w){body}(?!\w)")


def _slug_form(term: str) -> str:
    """A term as it would appear in an address ("buy now" -> "buy-now")."""
    return re.sub(r"[^a-z0-9]+", "-", term).strip("-")


def _texts(value, path: str, out: dict[str, str]) -> None:
    """Every text a card document holds, by its field path ("services.0.title")."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in NOT_TEXT:
                _texts(item, f"{path}.{key}" if path else key, out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _texts(item, f"{path}.{i}", out)
    elif isinstance(value, str) and value.strip():
        out[path] = value


_TERMS = "moderation.terms"  # session.info key: the list read once per transaction (bulk publish checks each card)


def terms(*, session: Session, kind: str | None = None) -> list[BlockedTerm]:
    """The blocked words and reserved addresses, alphabetically."""
    if _TERMS not in session.info:
        query = select(BlockedTerm).order_by(BlockedTerm.kind, BlockedTerm.term)
        session.info[_TERMS] = list(session.exec(query))
    return [t for t in session.info[_TERMS] if kind is None or t.kind == kind]


def blocked_fields(*, session: Session, slug: str, document: dict) -> dict[str, str]:
    """Field path -> what is wrong, for every text or the address that holds a blocked term (empty: allowed)."""
    found = terms(session=session)
    words = [t.term for t in found if t.kind == WORD]
    reserved = {t.term for t in found if t.kind == SLUG}
    problems: dict[str, str] = {}
    if slug in reserved:
        problems["slug"] = "This address is reserved. Choose another."
    for word in words:
        form = _slug_form(word)
        if "slug" not in problems and form and re.search(rf"(^|-){re.escape(form)}(-|$)", slug):
            problems["slug"] = f"This address contains “{word}”, which is not allowed. Choose another."
    texts: dict[str, str] = {}
    _texts(document, "", texts)
    for path, text in texts.items():
        folded = fold(text)
        hit = next((w for w in words if _word_pattern(w).search(folded)), None)
        if hit:
            problems[path] = f"Remove “{hit}”: it is not allowed on MetaIC cards."
    return problems


def refuse_blocked(*, session: Session, slug: str, document: dict) -> None:
    """Raise one ValidationError naming each field with a blocked term (the builder and the API point at them)."""
    problems = blocked_fields(session=session, slug=slug, document=document)
    if len(problems) == 1:
        raise ValidationError(next(iter(problems.values())), errors=problems)
    if problems:
        raise ValidationError(f"{len(problems)} fields hold words that are not allowed on MetaIC.", errors=problems)


def _check_term(term: str, kind: str) -> str:
    """A term as stored, or ValidationError."""
    if kind not in TERM_KINDS:
        raise ValidationError("Choose a blocked word or a reserved address.", field="kind")
    value = fold(term)
    if kind == SLUG:
        value = _slug_form(value)
    if len(value) < 2:
        raise ValidationError("Enter at least 2 characters.", field="term")
    if len(value) > MAX_TERM:
        raise ValidationError(f"Use at most {MAX_TERM} characters.", field="term")
    return value


def add_term(*, session: Session, actor: User | None, term: str, kind: str, ip: str = "") -> BlockedTerm:
    """Block a word or reserve an address (admins only, audited); Conflict when it is listed already."""
    user_service.require_admin(actor)
    value = _check_term(term, kind)
    if session.exec(select(BlockedTerm).where(BlockedTerm.kind == kind, BlockedTerm.term == value)).first():
        raise Conflict(f"“{value}” is on the list already.", field="term")
    session.info.pop(_TERMS, None)
    row = BlockedTerm(kind=kind, term=value, created_by=actor.id, created_at=clock.now())
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        action="admin.term_added",
        actor_id=actor.id,
        ip=ip,
        target_type=f"blocked_{kind}",
        target_id=str(row.id),
        detail=value,
        before={"listed": False},
        after={"listed": True, "kind": kind, "term": value},
    )
    return row


def remove_term(*, session: Session, actor: User | None, term_id: uuid.UUID, ip: str = "") -> None:
    """Take a word or address off the list (admins only, audited)."""
    user_service.require_admin(actor)
    row = session.get(BlockedTerm, parse_id(term_id, "Entry"))
    if row is None:
        raise NotFound("That entry is not on the list.")
    audit.record(
        session=session,
        action="admin.term_removed",
        actor_id=actor.id,
        ip=ip,
        target_type=f"blocked_{row.kind}",
        target_id=str(row.id),
        detail=row.term,
        before={"listed": True, "kind": row.kind, "term": row.term},
        after={"listed": False},
    )
    session.info.pop(_TERMS, None)
    session.delete(row)
    session.flush()
