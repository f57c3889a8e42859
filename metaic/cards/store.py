"""Moving a card document in and out of the section tables, and owner checks."""

from __future__ import annotations

import hashlib
import json
import uuid

from sqlmodel import Session, delete, select

from metaic.auth.models import User
from metaic.cards.models import (
    Business,
    BusinessService,
    Card,
    ContactInformation,
    NetworkingPreference,
    PersonalInterest,
    SocialLink,
    WorkItem,
)
from metaic.cards.schemas import (
    BusinessInfo,
    CardContent,
    ContactItem,
    NetworkingPrefs,
    ServiceItem,
    SocialItem,
    ThemeChoice,
)
from metaic.cards.schemas import WorkItem as WorkDoc
from metaic.core import clock
from metaic.core.errors import NotFound
from metaic.core.ids import parse_id

_SECTION_TABLES = (BusinessService, ContactInformation, SocialLink, WorkItem, PersonalInterest)
# session.info key: card id -> (content hash, document) last read or written in this session. Publishing right
# after saving (the builder's Publish) or after checking (bulk publish) then skips reading 7 tables back.
_DRAFTS = "cards.drafts"


def _remember(session: Session, card: Card, content: CardContent) -> None:
    """Keep a copy of the draft that the card's tables hold now, under its content hash."""
    if card.content_hash:
        session.info.setdefault(_DRAFTS, {})[card.id] = (card.content_hash, content.model_copy(deep=True))


def _recall(session: Session, card: Card) -> CardContent | None:
    """The draft read or written earlier in this session, if the card still has the same content hash."""
    hit = session.info.get(_DRAFTS, {}).get(card.id)
    # The hash is of the content itself, so a match is the same document even after a rollback.
    return hit[1].model_copy(deep=True) if hit and card.content_hash and hit[0] == card.content_hash else None


def require_card(*, session: Session, owner: User, card_id: uuid.UUID, for_update: bool = False) -> Card:
    """The owner's card, or NotFound (another user's card is indistinguishable from a missing one)."""
    query = select(Card).where(Card.id == parse_id(card_id, "Card"))
    if for_update and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    card = session.exec(query).first()
    if card is None or (card.owner_id != owner.id):
        raise NotFound("Card not found.")
    return card


def content_hash(content: CardContent) -> str:
    """A stable digest of a document, to tell whether the draft differs from what is live."""
    payload = json.dumps(content.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def load_content(*, session: Session, card: Card) -> CardContent:
    """Read a card's draft document from its tables (one query per section, in position order)."""
    remembered = _recall(session, card)
    if remembered is not None:
        return remembered
    business = session.get(Business, card.id)
    networking = session.get(NetworkingPreference, card.id)

    def rows(model):
        """Section rows in display order."""
        return session.exec(select(model).where(model.card_id == card.id).order_by(model.position)).all()

    content = CardContent(
        name=card.name,
        headline=card.headline,
        bio=card.bio,
        avatar_url=card.avatar_url,
        cover_url=card.cover_url,
        language=card.language,
        theme=ThemeChoice(template=card.template_key, color=card.theme_color, font=card.theme_font),
        business=BusinessInfo(
            name=business.name,
            logo_url=business.logo_url,
            industry=business.industry,
            description=business.description,
            website=business.website,
            address=business.address,
        )
        if business
        else BusinessInfo(),
        services=[
            ServiceItem(title=r.title, description=r.description, price_range=r.price_range)
            for r in rows(BusinessService)
        ],
        contacts=[
            ContactItem(kind=r.kind, label=r.label, value=r.value, preferred=r.preferred)
            for r in rows(ContactInformation)
        ],
        socials=[SocialItem(kind=r.kind, url=r.url, label=r.label) for r in rows(SocialLink)],
        works=[
            WorkDoc(title=r.title, description=r.description, image_url=r.image_url, link=r.link)
            for r in rows(WorkItem)
        ],
        interests=[r.label for r in rows(PersonalInterest)],
        networking=NetworkingPrefs(
            offer=networking.offer,
            looking_for=networking.looking_for,
            industries=list(networking.industries),
            open_to=list(networking.open_to),
            meeting_format=networking.meeting_format,
        )
        if networking
        else NetworkingPrefs(),
    )
    _remember(session, card, content)
    return content


def write_content(*, session: Session, card: Card, content: CardContent) -> None:
    """Replace a card's draft with a (normalised) document; list order becomes `position`."""
    card.name, card.headline, card.bio = content.name, content.headline, content.bio
    card.avatar_url, card.cover_url, card.language = content.avatar_url, content.cover_url, content.language
    card.template_key, card.theme_color, card.theme_font = (
        content.theme.template,
        content.theme.color,
        content.theme.font,
    )
    card.content_hash = content_hash(content)
    card.updated_at = clock.now()
    session.add(card)
    for model in (*_SECTION_TABLES, Business, NetworkingPreference):
        session.exec(delete(model).where(model.card_id == card.id))
    if not content.business.is_empty():
        session.add(Business(card_id=card.id, **content.business.model_dump()))
    if content.networking != NetworkingPrefs():
        session.add(NetworkingPreference(card_id=card.id, **content.networking.model_dump()))
    for position, item in enumerate(content.services):
        session.add(BusinessService(card_id=card.id, position=position, **item.model_dump()))
    for position, item in enumerate(content.contacts):
        session.add(ContactInformation(card_id=card.id, position=position, **item.model_dump()))
    for position, item in enumerate(content.socials):
        session.add(SocialLink(card_id=card.id, position=position, **item.model_dump()))
    for position, item in enumerate(content.works):
        session.add(WorkItem(card_id=card.id, position=position, **item.model_dump()))
    for position, label in enumerate(content.interests):
        session.add(PersonalInterest(card_id=card.id, position=position, label=label))
    session.flush()
    _remember(session, card, content)
