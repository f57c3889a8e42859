"""What visitors see: the live snapshot of a card by slug (one row read), or where a former slug now points."""

from __future__ import annotations

import hashlib
import uuid

from sqlmodel import Session, select

from metaic.auth.models import User
from metaic.cards.models import Card, CardVersion, SlugHistory
from metaic.cards.schemas import PublicCard, SlugRedirect, parse_content
from metaic.moderation.service import online

# Bump when the public page's markup changes, so caches holding the old HTML revalidate.
RENDER_REVISION = "5"


def _etag(version_id: uuid.UUID, slug: str, visibility: str) -> str:
    """A weak validator for everything the public page depends on."""
    digest = hashlib.sha256(f"{version_id}|{slug}|{visibility}|{RENDER_REVISION}".encode()).hexdigest()[:20]
    return f'W/"{digest}"'


def get_public(*, session: Session, slug: str, viewer_id: uuid.UUID | None = None) -> PublicCard | SlugRedirect | None:
    """The published card at `slug`, a redirect for a former slug, or None (draft, private, unknown).

    A private card is returned only to its owner (`viewer_id`). The draft is never returned, and nothing of
    a suspended account (`User.is_active` false) is: its cards are offline until an admin reactivates it.
    Neither is a card an admin took down (metaic/moderation/flows.py) until it is restored.
    """
    slug = (slug or "").strip().lower()
    if not slug or len(slug) > 60:
        return None
    row = session.exec(
        select(Card.id, Card.owner_id, Card.slug, Card.visibility, CardVersion)
        .join(CardVersion, CardVersion.id == Card.published_version_id)
        .join(User, User.id == Card.owner_id)
        .where(Card.slug == slug, User.is_active, online(Card.id))
    ).first()
    if row is not None:
        card_id, owner_id, current_slug, visibility, version = row
        if visibility == "private" and viewer_id != owner_id:
            return None
        return PublicCard(
            card_id=card_id,
            owner_id=owner_id,
            slug=current_slug,
            visibility=visibility,
            published_at=version.published_at,
            version=version.number,
            etag=_etag(version.id, current_slug, visibility),
            avatar_file_id=version.avatar_file_id,
            content=parse_content(version.content),
        )
    moved = session.exec(
        select(Card.slug, Card.visibility, Card.published_version_id)
        .join(SlugHistory, SlugHistory.card_id == Card.id)
        .join(User, User.id == Card.owner_id)
        .where(SlugHistory.slug == slug, User.is_active, online(Card.id))
    ).first()
    # Only a live, visible card gives its new address away.
    if moved is not None and moved[2] is not None and moved[1] != "private":
        return SlugRedirect(slug=moved[0])
    return None
