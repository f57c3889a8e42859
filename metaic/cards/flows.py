"""Card flows across domains: publishing, and visitors' views, downloads and shares (recorded as analytics)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session

from metaic import events
from metaic.analytics import buffer as analytics_buffer
from metaic.auth.models import User
from metaic.cards import service as card_service
from metaic.cards import versions
from metaic.cards.models import Card
from metaic.cards.public import get_public
from metaic.cards.schemas import PublicCard, SlugRedirect, VersionRead
from metaic.cards.store import require_card
from metaic.core.errors import ValidationError

MAX_BULK = 200
BulkAction = Literal["publish", "unpublish", "delete"]


@dataclass(frozen=True)
class Visitor:
    """Who is asking, as far as analytics care: browser, where they came from, and the signed-in user if any."""

    user_agent: str = ""
    referrer: str = ""
    user_id: uuid.UUID | None = None
    count: bool = True  # False for HEAD requests and other looks that are not visits
    # For analytics' dimensions and daily visitor hash, never stored as such (see metaic/analytics/visitors.py).
    address: str = ""
    accept_language: str = ""
    query: str = ""
    private: bool = False  # DNT or Sec-GPC: counted, not identified


def publish(*, session: Session, owner: User, card_id: uuid.UUID) -> VersionRead:
    """Publish the owner's draft: the one way a card goes live (builder, card list, demo seed and API alike)."""
    version = versions.snapshot_draft(session=session, owner=owner, card_id=card_id)
    # Higher domains react after commit (contacts saved from this card refresh): see metaic/wiring.py.
    events.emit(session, "card.published", card_id=card_id)
    return version


def _check_publishable(session: Session, cards: list[Card]) -> None:
    """Raise one ValidationError naming every card that cannot go live (the checked drafts stay in the session)."""
    problems: dict[str, str] = {}
    for card in cards:
        try:
            versions.publishable_content(session=session, card=card)
        except ValidationError as exc:
            problems[str(card.id)] = f"{card.name or card.slug}: {exc.message}"
    if problems:
        raise ValidationError("Some cards cannot be published; nothing was changed.", errors=problems)


def bulk(*, session: Session, owner: User, card_ids: list[uuid.UUID], action: BulkAction) -> int:
    """Publish, unpublish or delete several cards: every card is checked first, then all change or none."""
    if action not in ("publish", "unpublish", "delete"):
        raise ValidationError("Choose publish, unpublish or delete.", field="action")
    ids = list(dict.fromkeys(card_ids))
    if not ids:
        raise ValidationError("Select at least one card.", field="card_ids")
    if len(ids) > MAX_BULK:
        raise ValidationError(f"Select at most {MAX_BULK} cards at a time.", field="card_ids")
    cards = [require_card(session=session, owner=owner, card_id=i, for_update=True) for i in ids]
    if action == "publish":
        _check_publishable(session, cards)
    apply = {"publish": publish, "unpublish": versions.unpublish, "delete": card_service.delete}[action]
    for card in cards:
        apply(session=session, owner=owner, card_id=card.id)
    session.flush()
    return len(cards)


def record(card: PublicCard, visitor: Visitor, kind: str, channel: str | None = None, target: str = "") -> None:
    """Count an event unless the visitor is the card's owner; it is written with the next batch (bots dropped then)."""
    if not visitor.count or (visitor.user_id is not None and visitor.user_id == card.owner_id):
        return
    analytics_buffer.track(
        card_id=card.card_id,
        kind=kind,
        channel=channel,
        user_agent=visitor.user_agent,
        referrer=visitor.referrer,
        target=target,
        query=visitor.query,
        accept_language=visitor.accept_language,
        address=visitor.address,
        private=visitor.private,
    )


def view(*, session: Session, slug: str, visitor: Visitor, scan: bool = False) -> PublicCard | SlugRedirect | None:
    """Open a public card and count the view (`scan`: it came from the QR code, `?src=qr`)."""
    found = get_public(session=session, slug=slug, viewer_id=visitor.user_id)
    if isinstance(found, PublicCard):
        record(found, visitor, "qr_scan" if scan else "view")
    return found


def download_vcard(*, session: Session, slug: str, visitor: Visitor) -> PublicCard | SlugRedirect | None:
    """Fetch a public card for its vCard and count the download."""
    found = get_public(session=session, slug=slug, viewer_id=visitor.user_id)
    if isinstance(found, PublicCard):
        record(found, visitor, "vcard_download")
    return found


def share(*, session: Session, slug: str, channel: str, visitor: Visitor) -> PublicCard | SlugRedirect | None:
    """Count a share of a public card on a channel (copy, whatsapp, email, linkedin, native)."""
    found = get_public(session=session, slug=slug, viewer_id=visitor.user_id)
    if isinstance(found, PublicCard):
        record(found, visitor, "share", channel)
    return found
