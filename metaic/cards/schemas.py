"""The card document (`CardContent`) and the read models the UI and the public pages use."""

from __future__ import annotations

import typing
import uuid
from datetime import datetime
from typing import Annotated, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from metaic.core.errors import ValidationError

CONTACT_KINDS = ("phone", "email", "address")
SOCIAL_KINDS = ("linkedin", "x", "instagram", "github", "whatsapp", "wechat", "telegram", "website", "custom")
OPEN_TO = ("mentoring", "hiring", "investing", "partnering")
MEETING_FORMATS = ("in_person", "video", "phone", "any")
STATUSES = ("draft", "published", "changed")

MAX_SERVICES = 20
MAX_CONTACTS = 20
MAX_SOCIALS = 20
MAX_WORKS = 30
MAX_INTERESTS = 30
MAX_INDUSTRIES = 10
INTEREST_CHARS = 40
INDUSTRY_CHARS = 60

Url = Annotated[str, StringConstraints(max_length=500)]


class _Doc(BaseModel):
    """Base for document parts: unknown keys are ignored, values are plain data."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    @pydantic.field_validator("*", mode="before")
    @classmethod
    def _drop_nul(cls, value):
        """NUL bytes go: PostgreSQL text cannot hold them (SQLite can), and no real card value has one."""
        if isinstance(value, str):
            return value.replace("\x00", "")
        if isinstance(value, list):
            return [item.replace("\x00", "") if isinstance(item, str) else item for item in value]
        return value


class ThemeChoice(_Doc):
    """Template key, accent colour (hex) and font key."""

    template: str = Field(default="classic", max_length=32)
    color: str = Field(default="#4f46e5", max_length=16)
    font: str = Field(default="inter", max_length=32)


class BusinessInfo(_Doc):
    """The company behind the card."""

    name: str = Field(default="", max_length=120)
    logo_url: Url = ""
    industry: str = Field(default="", max_length=80)
    description: str = Field(default="", max_length=1000)
    website: Url = ""
    address: str = Field(default="", max_length=300)

    def is_empty(self) -> bool:
        """True when no field is filled."""
        return not any(getattr(self, name) for name in type(self).model_fields)


class ServiceItem(_Doc):
    """A service offered, with an optional price range."""

    title: str = Field(default="", max_length=120)
    description: str = Field(default="", max_length=600)
    price_range: str = Field(default="", max_length=60)


class ContactItem(_Doc):
    """A labelled phone number, email address or postal address."""

    kind: Literal["phone", "email", "address"] = "phone"
    label: str = Field(default="", max_length=40)
    value: str = Field(default="", max_length=300)
    preferred: bool = False


class SocialItem(_Doc):
    """A typed link to a profile (for WeChat, the WeChat ID is accepted in place of a URL)."""

    kind: Literal["linkedin", "x", "instagram", "github", "whatsapp", "wechat", "telegram", "website", "custom"] = (
        "website"
    )
    url: Url = ""
    label: str = Field(default="", max_length=60)


class WorkItem(_Doc):
    """A portfolio item."""

    title: str = Field(default="", max_length=120)
    description: str = Field(default="", max_length=600)
    image_url: Url = ""
    link: Url = ""


class NetworkingPrefs(_Doc):
    """What the owner offers, looks for, and how they like to meet."""

    offer: str = Field(default="", max_length=600)
    looking_for: str = Field(default="", max_length=600)
    industries: list[Annotated[str, StringConstraints(max_length=INDUSTRY_CHARS)]] = Field(
        default_factory=list, max_length=MAX_INDUSTRIES
    )
    open_to: list[Literal["mentoring", "hiring", "investing", "partnering"]] = Field(default_factory=list)
    meeting_format: Literal["in_person", "video", "phone", "any"] = "any"

    def is_empty(self) -> bool:
        """True when nothing worth showing is filled in (the format alone is not content)."""
        return not (self.offer or self.looking_for or self.industries or self.open_to)


class CardContent(_Doc):
    """Everything a card shows; section order is list order."""

    name: str = Field(default="", max_length=120)
    headline: str = Field(default="", max_length=160)
    bio: str = Field(default="", max_length=1000)
    avatar_url: Url = ""
    cover_url: Url = ""
    language: str = Field(default="en", max_length=16)
    theme: ThemeChoice = Field(default_factory=ThemeChoice)
    business: BusinessInfo = Field(default_factory=BusinessInfo)
    services: list[ServiceItem] = Field(default_factory=list, max_length=MAX_SERVICES)
    contacts: list[ContactItem] = Field(default_factory=list, max_length=MAX_CONTACTS)
    socials: list[SocialItem] = Field(default_factory=list, max_length=MAX_SOCIALS)
    works: list[WorkItem] = Field(default_factory=list, max_length=MAX_WORKS)
    interests: list[Annotated[str, StringConstraints(max_length=INTEREST_CHARS)]] = Field(
        default_factory=list, max_length=MAX_INTERESTS
    )
    networking: NetworkingPrefs = Field(default_factory=NetworkingPrefs)

    def preferred_contact(self, kind: str) -> ContactItem | None:
        """The preferred contact of a kind, else the first one of that kind."""
        of_kind = [c for c in self.contacts if c.kind == kind]
        return next((c for c in of_kind if c.preferred), of_kind[0] if of_kind else None)


class CardSummary(BaseModel):
    """A row of the owner's card list."""

    id: uuid.UUID
    name: str
    slug: str
    status: Literal["draft", "published", "changed"]
    visibility: Literal["public", "unlisted", "private"]
    updated_at: datetime
    published_at: datetime | None
    view_count: int = 0
    headline: str = ""
    avatar_url: str = ""
    template: str = "classic"


class VersionRead(BaseModel):
    """A published version of a card."""

    id: uuid.UUID
    number: int
    published_at: datetime
    name: str
    is_live: bool = False


class PublicCard(BaseModel):
    """What a visitor may see: the published snapshot and how to cache it."""

    card_id: uuid.UUID
    owner_id: uuid.UUID
    slug: str
    visibility: Literal["public", "unlisted", "private"]
    published_at: datetime
    version: int
    etag: str
    avatar_file_id: uuid.UUID | None = None
    content: CardContent


class SlugRedirect(BaseModel):
    """A former slug: send the visitor on to the current one."""

    slug: str


def _message(error: dict) -> str:
    """A short, human message for one pydantic error."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "string_too_long":
        return f"Use at most {ctx.get('max_length')} characters."
    if kind == "too_long":
        return f"Add at most {ctx.get('max_length')} items."
    if kind == "literal_error":
        return f"Choose one of: {ctx.get('expected', '').replace(' or ', ', ')}."
    if kind in ("string_type", "bool_type", "bool_parsing", "list_type", "model_type", "dict_type"):
        return "This value has the wrong type."
    return error["msg"]


def parse_content(data: CardContent | dict) -> CardContent:
    """Validate a document (dict or model); errors are keyed like `contacts.1.value`."""
    raw = data.model_dump() if isinstance(data, BaseModel) else data
    if not isinstance(raw, dict):
        raise ValidationError("The card content must be an object.")
    try:
        return CardContent.model_validate(raw)
    except pydantic.ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            key = ".".join(str(part) for part in error["loc"]) or "content"
            errors.setdefault(key, _message(error))
        raise ValidationError("Some fields need attention.", errors=errors) from None


def max_chars(path: str) -> int:
    """The longest text a field takes, e.g. `bio`, `business.industry` or `works.title` (one rule for UI and API)."""
    model: type[BaseModel] = CardContent
    *parents, name = path.split(".")
    for part in parents:
        annotation = model.model_fields[part].annotation
        model = typing.get_args(annotation)[0] if typing.get_origin(annotation) is list else annotation
    return next(m.max_length for m in model.model_fields[name].metadata if getattr(m, "max_length", None))


_SECTIONS = {
    "theme": "Design",
    "business": "Business",
    "services": "Services",
    "contacts": "Contact details",
    "socials": "Social links",
    "works": "Works",
    "interests": "Personal interests",
    "networking": "Networking",
}
_FIELDS = {
    "name": "Full name",
    "headline": "Headline",
    "bio": "About you",
    "avatar_url": "Photo",
    "cover_url": "Cover image",
    "language": "Language",
    "theme.template": "Template",
    "theme.color": "Colour",
    "theme.font": "Font",
    "business.name": "Company",
    "business.logo_url": "Logo",
    "business.industry": "Industry",
    "business.description": "What the business does",
    "business.website": "Website",
    "business.address": "Address",
    "services.title": "Title",
    "services.description": "Description",
    "services.price_range": "Price range",
    "contacts.kind": "Type",
    "contacts.label": "Label",
    "contacts.value": "Detail",
    "contacts.preferred": "Preferred",
    "socials.kind": "Network",
    "socials.url": "Link",
    "socials.label": "Label",
    "works.title": "Title",
    "works.description": "Description",
    "works.image_url": "Image",
    "works.link": "Link",
    "networking.offer": "What I offer",
    "networking.looking_for": "What I'm looking for",
    "networking.industries": "Industries",
    "networking.open_to": "Open to",
    "networking.meeting_format": "Preferred meeting",
}


def field_label(key: str) -> str:
    """Where an error key such as `works.1.title` sits, in the builder's words: `Works › item 2 › Title`."""
    parts = key.split(".")
    section = _SECTIONS.get(parts[0]) or ("Profile" if parts[0] in _FIELDS else "Card")
    named = [p for p in parts if not p.isdigit()]
    label = _FIELDS.get(".".join(named), "")
    crumbs = [section]
    if parts[0] == "networking" and len(named) > 1:
        crumbs.append(label)
        label = ""
    crumbs += [f"item {int(p) + 1}" for p in parts if p.isdigit()]
    return " › ".join([*crumbs, label] if label else crumbs)
