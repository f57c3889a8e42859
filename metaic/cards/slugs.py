"""Card addresses: generation from the name, the rules, uniqueness and the history that keeps old links working."""

from __future__ import annotations

import re
import secrets

from slugify import slugify
from sqlalchemy import func
from sqlmodel import Session, delete, select

from metaic import events
from metaic.auth.models import User
from metaic.cards.models import Card, SlugHistory
from metaic.cards.store import require_card
from metaic.core import clock
from metaic.core.errors import Conflict, ValidationError

MIN_LENGTH = 3
MAX_LENGTH = 60
RESERVED = frozenset(
    {
        "admin",
        "api",
        "c",
        "login",
        "logout",
        "auth",
        "signup",
        "register",
        "dashboard",
        "account",
        "accounts",
        "static",
        "assets",
        "_event",
        "_upload",
        "_health",
        "ping",
        "health",
        "healthz",
        "settings",
        "cards",
        "card",
        "contacts",
        "help",
        "support",
        "about",
        "terms",
        "privacy",
        "www",
        "mail",
        "new",
        "edit",
        "me",
        "metaic",
        "root",
        "null",
        "undefined",
        "favicon-ico",
        "robots-txt",
        "sitemap-xml",
    }
)
_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# ASCII look-alikes, read as the same letter: `a1ice` for `alice`, `scrlpt` for `script`, `rnary` for `mary`.
# Pairs first, then single characters, in this order both here and in SQL. Pairs common in real names
# ("cl" as "d" would make `clark` collide with `dark`) are left out on purpose.
CONFUSABLE_PAIRS = (("rn", "m"), ("vv", "w"))
CONFUSABLE_CHARS = (("0", "o"), ("1", "l"), ("i", "l"), ("5", "s"))


def skeleton(slug: str) -> str:
    """The form two look-alike slugs share ("a1ice" and "alice" are both "allce")."""
    value = slug.lower()
    for look_alike, letter in (*CONFUSABLE_PAIRS, *CONFUSABLE_CHARS):
        value = value.replace(look_alike, letter)
    return value


_RESERVED_SKELETONS = {skeleton(word): word for word in RESERVED}


def _reserved_like(slug: str) -> str | None:
    """The reserved word `slug` is or looks like, if any."""
    return _RESERVED_SKELETONS.get(skeleton(slug))


def problem(slug: str) -> str | None:
    """What is wrong with a slug's form, or None when it follows the rules (uniqueness is checked apart)."""
    if len(slug) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(slug) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if not _PATTERN.match(slug):
        return "Use only lower-case letters a-z, digits and single hyphens between them."
    if slug in RESERVED or _reserved_like(slug):
        return "This address is reserved. Choose another."
    return None


def base_from_name(name: str) -> str:
    """A valid slug stem from a name, transliterated: "Zoë Smith" → "zoe-smith", "王小明" → "wang-xiao-ming"."""
    stem = slugify(name or "", max_length=MAX_LENGTH - 5, word_boundary=True, lowercase=True)
    stem = re.sub(r"[^a-z0-9-]", "", stem).strip("-")
    stem = re.sub(r"-{2,}", "-", stem)
    if not stem:
        stem = "card"
    if len(stem) < MIN_LENGTH or _reserved_like(stem):
        stem = f"{stem}-card"
    return stem


def owner_of_slug(*, session: Session, slug: str) -> tuple[Card | None, SlugHistory | None]:
    """The card whose current slug this is, and the history row holding it as a former slug."""
    card = session.exec(select(Card).where(Card.slug == slug)).first()
    history = session.exec(select(SlugHistory).where(SlugHistory.slug == slug)).first()
    return card, history


def is_taken(*, session: Session, slug: str) -> bool:
    """True when a card uses the slug now or used it before (old links keep pointing to that card)."""
    card, history = owner_of_slug(session=session, slug=slug)
    return card is not None or history is not None


def _skeleton_of(column):
    """SQL for `skeleton(column)`; slugs are stored lower-case already."""
    for look_alike_text, letter in (*CONFUSABLE_PAIRS, *CONFUSABLE_CHARS):
        column = func.replace(column, look_alike_text, letter)
    return column


def look_alike(*, session: Session, slug: str, owner: User | None = None) -> str | None:
    """A public address (current or former, not `owner`'s) that `slug` could be mistaken for, if any."""
    target = skeleton(slug)
    # A scan with replace(): addresses are chosen rarely, and the same SQL runs on SQLite and PostgreSQL.
    current = select(Card.slug).where(
        _skeleton_of(Card.slug) == target, Card.slug != slug, Card.published_at.is_not(None)
    )
    former = (
        select(SlugHistory.slug)
        .join(Card, Card.id == SlugHistory.card_id)
        .where(_skeleton_of(SlugHistory.slug) == target, SlugHistory.slug != slug)
    )
    if owner is not None:
        current, former = current.where(Card.owner_id != owner.id), former.where(Card.owner_id != owner.id)
    return session.exec(current.limit(1)).first() or session.exec(former.limit(1)).first()


def generate(*, session: Session, name: str) -> str:
    """A free, valid slug for a new card: the name's stem, then stem-2, stem-3, ..., then a random tail."""
    stem = base_from_name(name)
    for n in range(1, 20):
        candidate = stem if n == 1 else f"{stem}-{n}"
        # A name like "A1ice" must not hand out a look-alike of someone's `alice` either.
        if not is_taken(session=session, slug=candidate) and not look_alike(session=session, slug=candidate):
            return candidate
    while True:
        candidate = f"{stem}-{secrets.token_hex(3)}"
        if not is_taken(session=session, slug=candidate):
            return candidate


def set_slug(*, session: Session, owner: User, card_id, slug: str) -> str:
    """Change a card's address; a published card's old slug keeps redirecting to the new one."""
    card = require_card(session=session, owner=owner, card_id=card_id, for_update=True)
    value = (slug or "").strip().lower()
    message = problem(value)
    if message:
        raise ValidationError(message, field="slug")
    if value == card.slug:
        return value
    holder, history = owner_of_slug(session=session, slug=value)
    if holder is not None:
        raise Conflict("This address is taken. Choose another.", field="slug")
    similar = look_alike(session=session, slug=value, owner=owner)
    if similar:
        raise Conflict(f"This address looks too much like “{similar}”, someone else's. Choose another.", field="slug")
    if history is not None:
        former = session.get(Card, history.card_id)
        # A former address stays with its card so printed codes never reach a stranger;
        # its owner may move it to this card (or back), which ends the old redirect.
        if former is None or former.owner_id != owner.id:
            raise Conflict("This address is taken. Choose another.", field="slug")
        session.delete(history)
        session.flush()
    if card.published_at is not None:
        # Only addresses that were ever public are worth keeping; a draft's old slug is simply freed.
        session.add(SlugHistory(slug=card.slug, card_id=card.id, created_at=clock.now()))
    card.slug = value
    card.updated_at = clock.now()
    session.add(card)
    session.flush()
    events.emit(session, "card.changed", card_id=card.id)
    return value


def forget_history(*, session: Session, card_id) -> None:
    """Drop a card's former addresses (before deleting it)."""
    session.exec(delete(SlugHistory).where(SlugHistory.card_id == card_id))
