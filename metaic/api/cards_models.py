"""The bodies and answers of `/api/v1/cards` (the card document itself is `cards.schemas.CardContent`)."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from metaic.cards.models import Card
from metaic.cards.schemas import (
    MAX_CONTACTS,
    MAX_INTERESTS,
    MAX_SERVICES,
    MAX_SOCIALS,
    MAX_WORKS,
    BusinessInfo,
    CardContent,
    CardSummary,
    ContactItem,
    NetworkingPrefs,
    ServiceItem,
    SocialItem,
    ThemeChoice,
    VersionRead,
    WorkItem,
)
from metaic.core.times import UtcDatetime

Status = Literal["draft", "published", "changed"]
Visibility = Literal["public", "unlisted", "private"]
Listing = Literal["off", "members", "public"]


class CardCreate(BaseModel):
    """A new draft card: the name to show, and optionally its whole first draft."""

    name: str = Field(min_length=1, max_length=120, examples=["Ada Lovelace"])
    content: CardContent | None = Field(default=None, description="The first draft; `name` wins over content.name.")


class CardRead(BaseModel):
    """A card as its owner sees it: address, status, visibility and the draft document."""

    id: uuid.UUID
    slug: str
    name: str
    status: Status
    visibility: Visibility
    directory_listing: Listing
    created_at: UtcDatetime
    updated_at: UtcDatetime
    published_at: UtcDatetime | None
    content: CardContent

    @classmethod
    def of(cls, card: Card, status: str, content: CardContent) -> CardRead:
        """From the stored card, its status and its draft."""
        return cls(
            id=card.id,
            slug=card.slug,
            name=card.name,
            status=status,
            visibility=card.visibility,
            directory_listing=card.directory_listing,
            created_at=card.created_at,
            updated_at=card.updated_at,
            published_at=card.published_at,
            content=content,
        )


class CardItem(CardSummary):
    """A row of the card list."""

    updated_at: UtcDatetime
    published_at: UtcDatetime | None


class CardPage(BaseModel):
    """One page of the caller's cards and how many match in all."""

    items: list[CardItem]
    total: int
    limit: int
    offset: int


class VersionItem(VersionRead):
    """A published version (restore it into the draft by its number)."""

    published_at: UtcDatetime


class VersionPage(BaseModel):
    """One page of a card's published versions, newest first."""

    items: list[VersionItem]
    total: int
    limit: int
    offset: int


class CardPatch(BaseModel):
    """Any top-level fields of the draft to replace, and the card's address and visibility; the rest stays."""

    name: str | None = Field(default=None, max_length=120)
    headline: str | None = Field(default=None, max_length=160)
    bio: str | None = Field(default=None, max_length=1000)
    avatar_url: str | None = Field(default=None, max_length=500)
    cover_url: str | None = Field(default=None, max_length=500)
    language: str | None = Field(default=None, max_length=16)
    theme: ThemeChoice | None = None
    business: BusinessInfo | None = None
    services: list[ServiceItem] | None = Field(default=None, max_length=MAX_SERVICES)
    contacts: list[ContactItem] | None = Field(default=None, max_length=MAX_CONTACTS)
    socials: list[SocialItem] | None = Field(default=None, max_length=MAX_SOCIALS)
    works: list[WorkItem] | None = Field(default=None, max_length=MAX_WORKS)
    interests: list[str] | None = Field(default=None, max_length=MAX_INTERESTS)
    networking: NetworkingPrefs | None = None
    slug: str | None = Field(default=None, max_length=60, description="A new address (the old one redirects).")
    visibility: Visibility | None = None
    directory_listing: Listing | None = None

    def content_changes(self) -> dict[str, Any]:
        """The draft fields given (checked with the whole document when saved)."""
        given = self.model_dump(exclude_unset=True, exclude={"slug", "visibility", "directory_listing"})
        return {name: value for name, value in given.items() if value is not None}


class ProfileSection(BaseModel):
    """Who the card is for: name, headline, about text, images and language."""

    name: str = Field(default="", max_length=120)
    headline: str = Field(default="", max_length=160)
    bio: str = Field(default="", max_length=1000)
    avatar_url: str = Field(default="", max_length=500)
    cover_url: str = Field(default="", max_length=500)
    language: str = Field(default="en", max_length=16)


def _items_of(field: str, title: str) -> type[BaseModel]:
    """A `{"items": [...]}` body for a list section, with the document's own item type and limit."""
    info = CardContent.model_fields[field]
    most = next(m.max_length for m in info.metadata if getattr(m, "max_length", None))
    return create_model(
        title,
        __doc__=f"The whole {field} list of the draft, in display order (at most {most}).",
        items=(info.annotation, Field(default_factory=list, max_length=most)),
    )


# Section name in the address -> (body model, the draft fields it replaces).
SECTIONS: dict[str, tuple[type[BaseModel], str | None]] = {
    "profile": (ProfileSection, None),  # None: the body's fields are top-level fields of the draft
    "business": (BusinessInfo, "business"),
    "theme": (ThemeChoice, "theme"),
    "services": (_items_of("services", "ServicesSection"), "services"),
    "contacts": (_items_of("contacts", "ContactsSection"), "contacts"),
    "socials": (_items_of("socials", "SocialsSection"), "socials"),
    "works": (_items_of("works", "WorksSection"), "works"),
    "interests": (_items_of("interests", "InterestsSection"), "interests"),
    "networking": (NetworkingPrefs, "networking"),
}


def section_changes(section: str, body: BaseModel) -> dict[str, Any]:
    """The draft fields a section body replaces."""
    target = SECTIONS[section][1]
    if target is None:
        return body.model_dump()
    return {target: body.model_dump()["items"] if "items" in type(body).model_fields else body.model_dump()}
