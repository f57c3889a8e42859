"""Cards: an owner's cards, their drafts, addresses, visibility, publishing and versions (one import for the UI)."""

from __future__ import annotations

import uuid

from sqlmodel import Session, func, select

from metaic import events
from metaic.analytics import service as analytics_service
from metaic.auth.models import User
from metaic.cards import themes
from metaic.cards.models import DIRECTORY_LISTINGS, VISIBILITIES, Card
from metaic.cards.normalize import clean_line, normalize_draft
from metaic.cards.public import get_public
from metaic.cards.schemas import CardContent, CardSummary, ContactItem, ThemeChoice
from metaic.cards.slugs import forget_history, generate, set_slug
from metaic.cards.store import load_content, require_card, write_content
from metaic.cards.versions import compare_versions, list_versions, restore_version, unpublish
from metaic.core import clock
from metaic.core.errors import ValidationError

__all__ = [
    "colors",
    "compare_versions",
    "create",
    "delete",
    "duplicate",
    "fonts",
    "get_content",
    "get_public",
    "list_",
    "list_versions",
    "restore_version",
    "save_draft",
    "set_avatar",
    "set_directory_listing",
    "set_slug",
    "set_visibility",
    "status_of",
    "templates",
    "unpublish",
]

MAX_CARDS_PER_OWNER = 100

templates = themes.templates
fonts = themes.fonts
colors = themes.colors


def status_of(card: Card) -> str:
    """`draft` (not live), `published` (live, draft unchanged) or `changed` (live, with unpublished edits)."""
    if card.published_version_id is None:
        return "draft"
    return "published" if card.content_hash == card.published_hash else "changed"


def list_(*, session: Session, owner: User) -> list[CardSummary]:
    """The owner's cards, most recently edited first, with their view counts (two queries in all)."""
    cards = session.exec(select(Card).where(Card.owner_id == owner.id).order_by(Card.updated_at.desc())).all()
    views = analytics_service.view_counts(session=session, card_ids=[c.id for c in cards])
    return [
        CardSummary(
            id=c.id,
            name=c.name,
            slug=c.slug,
            status=status_of(c),
            visibility=c.visibility,
            updated_at=c.updated_at,
            published_at=c.published_at,
            view_count=views.get(c.id, 0),
            headline=c.headline,
            avatar_url=c.avatar_url,
            template=c.template_key,
        )
        for c in cards
    ]


def _check_quota(*, session: Session, owner: User) -> None:
    """Refuse a card beyond the per-owner limit."""
    count = session.exec(select(func.count()).select_from(Card).where(Card.owner_id == owner.id)).one()
    if count >= MAX_CARDS_PER_OWNER:
        raise ValidationError(f"You can have at most {MAX_CARDS_PER_OWNER} cards.", field="name")


def create(*, session: Session, owner: User, name: str) -> Card:
    """A new draft card named `name` with a free slug made from it (the account email pre-filled)."""
    value = clean_line(name)
    if not value:
        raise ValidationError("Enter the name to show on the card.", field="name")
    if len(value) > 120:
        raise ValidationError("Use at most 120 characters.", field="name")
    _check_quota(session=session, owner=owner)
    now = clock.now()
    card = Card(
        owner_id=owner.id, slug=generate(session=session, name=value), name=value, created_at=now, updated_at=now
    )
    session.add(card)
    session.flush()
    content = CardContent(
        name=value,
        theme=ThemeChoice(template="classic", color=themes.DEFAULT_COLOR, font=themes.DEFAULT_FONT),
        contacts=[ContactItem(kind="email", label="Work", value=owner.email, preferred=True)] if owner.email else [],
    )
    write_content(session=session, card=card, content=content)
    return card


def duplicate(*, session: Session, owner: User, card_id: uuid.UUID) -> Card:
    """Copy a card's draft into a new draft card with its own slug."""
    source = require_card(session=session, owner=owner, card_id=card_id)
    _check_quota(session=session, owner=owner)
    content = load_content(session=session, card=source)
    now = clock.now()
    card = Card(
        owner_id=owner.id,
        slug=generate(session=session, name=source.name),
        name=source.name,
        avatar_file_id=source.avatar_file_id,
        visibility=source.visibility,
        created_at=now,
        updated_at=now,
    )
    session.add(card)
    session.flush()
    write_content(session=session, card=card, content=content)
    return card


def delete(*, session: Session, owner: User, card_id: uuid.UUID) -> None:
    """Delete a card with its sections, versions, former addresses and analytics."""
    card = require_card(session=session, owner=owner, card_id=card_id)
    forget_history(session=session, card_id=card.id)
    session.delete(card)
    session.flush()
    events.emit(session, "card.deleted", card_id=card_id)


def get_content(*, session: Session, owner: User, card_id: uuid.UUID) -> CardContent:
    """The owner's draft document."""
    return load_content(session=session, card=require_card(session=session, owner=owner, card_id=card_id))


def save_draft(*, session: Session, owner: User, card_id: uuid.UUID, content: CardContent | dict) -> CardContent:
    """Store the draft, normalised where it can be (phones in E.164, URLs with scheme); returns what was stored.

    A draft may be incomplete (a work without a title, a number without country code): only its shape and lengths
    are checked here, the rest when it is published (`versions.publishable_content`)."""
    card = require_card(session=session, owner=owner, card_id=card_id, for_update=True)
    document = normalize_draft(content)
    write_content(session=session, card=card, content=document)
    return document


def set_visibility(*, session: Session, owner: User, card_id: uuid.UUID, visibility: str) -> str:
    """Public (listed), unlisted (link only, noindex) or private (owner only); takes effect at once."""
    if visibility not in VISIBILITIES:
        raise ValidationError("Choose public, unlisted or private.", field="visibility")
    card = require_card(session=session, owner=owner, card_id=card_id)
    card.visibility = visibility
    session.add(card)
    session.flush()
    events.emit(session, "card.changed", card_id=card.id)
    return visibility


def set_directory_listing(*, session: Session, owner: User, card_id: uuid.UUID, value: str) -> Card:
    """Opt a card in or out of the people directory: "off", "members" (signed-in users) or "public" (anyone).

    Only a published, public card is ever listed, from its published version; search re-indexes it after commit.
    """
    if value not in DIRECTORY_LISTINGS:
        raise ValidationError("Choose off, members or public.", field="directory_listing")
    card = require_card(session=session, owner=owner, card_id=card_id)
    card.directory_listing = value
    session.add(card)
    session.flush()
    events.emit(session, "card.changed", card_id=card.id)
    return card


def set_avatar(
    *, session: Session, owner: User, card_id: uuid.UUID, file_id: uuid.UUID | None, url: str = ""
) -> CardContent:
    """Attach an uploaded photo (files domain id + its public URL) to the draft, or clear it."""
    card = require_card(session=session, owner=owner, card_id=card_id, for_update=True)
    content = load_content(session=session, card=card)
    content.avatar_url = url if file_id is not None else ""
    document = normalize_draft(content)
    card.avatar_file_id = file_id
    write_content(session=session, card=card, content=document)
    return document


def stats(*, session: Session, owner: User, card_id: uuid.UUID) -> dict:
    """Counts for one card: views, scans, downloads and shares by channel."""
    card = require_card(session=session, owner=owner, card_id=card_id)
    return analytics_service.card_stats(session=session, card_id=card.id)


def get_owned(*, session: Session, owner: User, card_id: uuid.UUID) -> Card:
    """The owner's card row (for edges that need its slug or status)."""
    return require_card(session=session, owner=owner, card_id=card_id)
