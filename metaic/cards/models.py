"""Card tables: the editable draft (one row per section item, ordered by `position`), versions, slugs, templates."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from metaic.core.models import created_at_field, utc_column, uuid_pk

VISIBILITIES = ("public", "unlisted", "private")
DIRECTORY_LISTINGS = ("off", "members", "public")


class Card(SQLModel, table=True):
    """A business card: owner, address (slug), the draft's top-level fields and what is live."""

    __tablename__ = "business_cards"

    id: uuid.UUID = uuid_pk()
    owner_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    slug: str = Field(max_length=60, unique=True, index=True)
    name: str = Field(max_length=120)
    headline: str = Field(default="", max_length=160)
    bio: str = Field(default="", sa_type=Text)
    avatar_url: str = Field(default="", max_length=500)
    cover_url: str = Field(default="", max_length=500)
    # The files domain owns the image; no FK so the two domains can migrate independently.
    avatar_file_id: uuid.UUID | None = Field(default=None)
    language: str = Field(default="en", max_length=16)
    template_key: str = Field(default="classic", max_length=32)
    theme_color: str = Field(default="indigo", max_length=16)
    theme_font: str = Field(default="system", max_length=32)
    visibility: str = Field(default="public", max_length=16)
    # People directory opt-in: "off", "members" (signed-in users) or "public" (also anonymous, /directory).
    directory_listing: str = Field(default="off", max_length=8, sa_column_kwargs={"server_default": "off"})
    content_hash: str = Field(default="", max_length=64)
    published_version_id: uuid.UUID | None = Field(default=None)
    published_hash: str = Field(default="", max_length=64)
    published_at: datetime | None = utc_column(default=None)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class Business(SQLModel, table=True):
    """The company a card represents (at most one per card)."""

    __tablename__ = "businesses"

    card_id: uuid.UUID = Field(foreign_key="business_cards.id", primary_key=True, ondelete="CASCADE")
    name: str = Field(default="", max_length=120)
    logo_url: str = Field(default="", max_length=500)
    industry: str = Field(default="", max_length=80)
    description: str = Field(default="", sa_type=Text)
    website: str = Field(default="", max_length=500)
    address: str = Field(default="", max_length=300)


class BusinessService(SQLModel, table=True):
    """A service the card's owner offers."""

    __tablename__ = "business_services"

    id: uuid.UUID = uuid_pk()
    card_id: uuid.UUID = Field(foreign_key="business_cards.id", index=True, ondelete="CASCADE")
    position: int = 0
    title: str = Field(max_length=120)
    description: str = Field(default="", sa_type=Text)
    price_range: str = Field(default="", max_length=60)


class ContactInformation(SQLModel, table=True):
    """A phone number, email address or postal address with a label."""

    __tablename__ = "contact_information"

    id: uuid.UUID = uuid_pk()
    card_id: uuid.UUID = Field(foreign_key="business_cards.id", index=True, ondelete="CASCADE")
    position: int = 0
    kind: str = Field(max_length=16)
    label: str = Field(default="", max_length=40)
    value: str = Field(max_length=300)
    preferred: bool = False


class SocialLink(SQLModel, table=True):
    """A typed link to a profile elsewhere."""

    __tablename__ = "social_links"

    id: uuid.UUID = uuid_pk()
    card_id: uuid.UUID = Field(foreign_key="business_cards.id", index=True, ondelete="CASCADE")
    position: int = 0
    kind: str = Field(max_length=16)
    url: str = Field(max_length=500)
    label: str = Field(default="", max_length=60)


class WorkItem(SQLModel, table=True):
    """A portfolio item: a piece of work or a case study."""

    __tablename__ = "works_and_services"

    id: uuid.UUID = uuid_pk()
    card_id: uuid.UUID = Field(foreign_key="business_cards.id", index=True, ondelete="CASCADE")
    position: int = 0
    title: str = Field(max_length=120)
    description: str = Field(default="", sa_type=Text)
    image_url: str = Field(default="", max_length=500)
    link: str = Field(default="", max_length=500)


class PersonalInterest(SQLModel, table=True):
    """One interest shown as a chip."""

    __tablename__ = "personal_interests"

    id: uuid.UUID = uuid_pk()
    card_id: uuid.UUID = Field(foreign_key="business_cards.id", index=True, ondelete="CASCADE")
    position: int = 0
    label: str = Field(max_length=40)


class NetworkingPreference(SQLModel, table=True):
    """What the owner offers and looks for when networking (at most one per card)."""

    __tablename__ = "networking_preferences"

    card_id: uuid.UUID = Field(foreign_key="business_cards.id", primary_key=True, ondelete="CASCADE")
    offer: str = Field(default="", sa_type=Text)
    looking_for: str = Field(default="", sa_type=Text)
    industries: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    open_to: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    meeting_format: str = Field(default="any", max_length=16)


class CardVersion(SQLModel, table=True):
    """A published snapshot: the full content as JSON, numbered per card."""

    __tablename__ = "card_versions"
    __table_args__ = (UniqueConstraint("card_id", "number"),)

    id: uuid.UUID = uuid_pk()
    card_id: uuid.UUID = Field(foreign_key="business_cards.id", index=True, ondelete="CASCADE")
    number: int
    content: dict = Field(sa_column=Column(JSON, nullable=False))
    content_hash: str = Field(max_length=64)
    avatar_file_id: uuid.UUID | None = Field(default=None)
    published_at: datetime = created_at_field()
    published_by: uuid.UUID | None = Field(default=None)


class CardTemplate(SQLModel, table=True):
    """A visual template for the public page (seeded by the migration; code renders it)."""

    __tablename__ = "card_templates"

    key: str = Field(primary_key=True, max_length=32)
    label: str = Field(max_length=60)
    description: str = Field(default="", max_length=300)
    default_color: str = Field(default="indigo", max_length=16)
    default_font: str = Field(default="system", max_length=32)
    position: int = 0
    is_active: bool = True


class SlugHistory(SQLModel, table=True):
    """A card's former address; visitors are sent on to its current slug."""

    __tablename__ = "slug_history"

    id: uuid.UUID = uuid_pk()
    slug: str = Field(max_length=60, unique=True, index=True)
    card_id: uuid.UUID = Field(foreign_key="business_cards.id", index=True, ondelete="CASCADE")
    created_at: datetime = created_at_field()
