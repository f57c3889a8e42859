"""The builder's draft as flat, typed vars, and the handlers that edit it (each edit schedules the autosave)."""

from __future__ import annotations

import reflex as rx

from metaic.cards.normalize import add_tag
from metaic.cards.schemas import CardContent
from metaic.core.errors import ValidationError

SECTIONS = ("services", "contacts", "socials", "works")
BLANK = {
    "services": {"title": "", "description": "", "price_range": ""},
    "contacts": {"kind": "phone", "label": "", "value": "", "preferred": ""},
    "socials": {"kind": "linkedin", "url": "", "label": ""},
    "works": {"title": "", "description": "", "image_url": "", "link": ""},
}
BUSINESS_FIELDS = ("name", "logo_url", "industry", "description", "website", "address")
TEXT_FIELDS = frozenset(
    {
        "name",
        "headline",
        "bio",
        "avatar_url",
        "cover_url",
        "language",
        "template",
        "color",
        "font",
        "offer",
        "looking_for",
        "meeting_format",
    }
)
# Where a top-level var's errors are filed in the card document.
ERROR_KEYS = {
    "template": "theme.template",
    "color": "theme.color",
    "font": "theme.font",
    "offer": "networking.offer",
    "looking_for": "networking.looking_for",
    "meeting_format": "networking.meeting_format",
}


class BuilderFields(rx.State, mixin=True):
    """One card's draft (small, rebuildable from the database on load) and its editing handlers."""

    name: str = ""
    headline: str = ""
    bio: str = ""
    avatar_url: str = ""
    avatar_file_id: str = ""
    cover_url: str = ""
    language: str = "en"
    template: str = "classic"
    color: str = "#4f46e5"
    font: str = "inter"
    business: dict[str, str] = {}
    services: list[dict[str, str]] = []
    contacts: list[dict[str, str]] = []
    socials: list[dict[str, str]] = []
    works: list[dict[str, str]] = []
    interests: list[str] = []
    offer: str = ""
    looking_for: str = ""
    industries: list[str] = []
    open_to: list[str] = []
    meeting_format: str = "any"
    slug_input: str = ""

    def _touch(self, *error_keys: str):
        """Note an edit (clearing the marks on the edited fields); returns the autosave event, if one must start."""
        raise NotImplementedError  # BuilderAutosave provides it

    # --- moving content between the draft document and the vars -------------------------

    def _show(self, content: CardContent) -> None:
        """Copy a draft document into the vars."""
        self.name, self.headline, self.bio = content.name, content.headline, content.bio
        self.avatar_url, self.cover_url, self.language = content.avatar_url, content.cover_url, content.language
        self.template, self.color, self.font = content.theme.template, content.theme.color, content.theme.font
        self.business = {k: str(getattr(content.business, k) or "") for k in BUSINESS_FIELDS}
        self.services = [_strings(s.model_dump()) for s in content.services]
        self.contacts = [_strings(c.model_dump()) for c in content.contacts]
        self.socials = [_strings(s.model_dump()) for s in content.socials]
        self.works = [_strings(w.model_dump()) for w in content.works]
        self.interests = list(content.interests)
        net = content.networking
        self.offer, self.looking_for, self.meeting_format = net.offer, net.looking_for, net.meeting_format
        self.industries, self.open_to = list(net.industries), list(net.open_to)

    def _document(self) -> dict:
        """The vars as a draft document for the cards domain to check."""
        return {
            "name": self.name,
            "headline": self.headline,
            "bio": self.bio,
            "avatar_url": self.avatar_url,
            "cover_url": self.cover_url,
            "language": self.language,
            "theme": {"template": self.template, "color": self.color, "font": self.font},
            "business": dict(self.business),
            "services": [dict(s) for s in self.services],
            "contacts": [{**c, "preferred": bool(c.get("preferred"))} for c in self.contacts],
            "socials": [dict(s) for s in self.socials],
            "works": [dict(w) for w in self.works],
            "interests": list(self.interests),
            "networking": {
                "offer": self.offer,
                "looking_for": self.looking_for,
                "industries": list(self.industries),
                "open_to": list(self.open_to),
                "meeting_format": self.meeting_format,
            },
        }

    # --- editing ---------------------------------------------------------------------------

    @rx.event
    def set_field(self, field: str, value: str):
        """Change a top-level text field (name, headline, bio, ...)."""
        if field == "slug_input":
            self.slug_input = value  # saved on its own button, not part of the draft
        elif field in TEXT_FIELDS:
            setattr(self, field, value)
            return self._touch(ERROR_KEYS.get(field, field))
        return None

    @rx.event
    def set_business(self, field: str, value: str):
        """Change a business field."""
        if field in BUSINESS_FIELDS:
            self.business[field] = value
            return self._touch(f"business.{field}")
        return None

    @rx.event
    def set_item(self, section: str, index: int, field: str, value: str):
        """Change one field of one item in a list section."""
        items = getattr(self, section) if section in SECTIONS else None
        if items is not None and 0 <= index < len(items) and field in BLANK[section]:
            items[index][field] = value
            return self._touch(f"{section}.{index}.{field}")
        return None

    @rx.event
    def set_preferred(self, index: int, checked: bool):
        """Mark one contact as the preferred channel (only one can be)."""
        for i, contact in enumerate(self.contacts):
            contact["preferred"] = "1" if checked and i == index else ""
        return self._touch(*(f"contacts.{i}.preferred" for i in range(len(self.contacts))))

    @rx.event
    def add_item(self, section: str):
        """Append a blank item to a list section."""
        if section in SECTIONS:
            getattr(self, section).append(dict(BLANK[section]))
            return self._touch(section)
        return None

    @rx.event
    def remove_item(self, section: str, index: int):
        """Remove one item of a list section (its field marks go: the ones below would point at the wrong item)."""
        items = getattr(self, section) if section in SECTIONS else []
        if 0 <= index < len(items):
            items.pop(index)
            return self._touch(*(k for k in self.errors if k.startswith(f"{section}.")))
        return None

    @rx.event
    def move_item(self, section: str, index: int, delta: int):
        """Move one item up (-1) or down (+1)."""
        items = getattr(self, section) if section in SECTIONS else []
        target = index + delta
        if 0 <= index < len(items) and 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
            return self._touch(*(k for k in self.errors if k.startswith(f"{section}.")))
        return None

    def _add_tag(self, tags: list[str], raw: str, kind: str, error_key: str) -> list[str] | None:
        """Tags with one more (the cards domain's rules); a refusal shows under the tag input."""
        try:
            added = add_tag(tags, raw, kind=kind)
        except ValidationError as exc:
            self.errors = {**self.errors, error_key: exc.errors[kind]}
            return None
        self.errors = {k: v for k, v in self.errors.items() if k != error_key}
        return added

    @rx.event
    def add_interest(self, form: dict):
        """Add an interest tag."""
        added = self._add_tag(self.interests, str(form.get("interest", "")), "interests", "interests")
        if added is not None:
            self.interests = added
            return self._touch()
        return None

    @rx.event
    def remove_interest(self, index: int):
        """Remove an interest tag."""
        if 0 <= index < len(self.interests):
            self.interests.pop(index)
            return self._touch(*(k for k in self.errors if k.startswith("interests")))
        return None

    @rx.event
    def add_industry(self, form: dict):
        """Add an industry I want to meet."""
        added = self._add_tag(self.industries, str(form.get("industry", "")), "industries", "networking.industries")
        if added is not None:
            self.industries = added
            return self._touch()
        return None

    @rx.event
    def remove_industry(self, index: int):
        """Remove an industry."""
        if 0 <= index < len(self.industries):
            self.industries.pop(index)
            return self._touch(*(k for k in self.errors if k.startswith("networking.industries")))
        return None

    @rx.event
    def toggle_open_to(self, value: str):
        """Flip one 'open to' choice."""
        self.open_to = [v for v in self.open_to if v != value] if value in self.open_to else [*self.open_to, value]
        return self._touch()


def _strings(values: dict) -> dict[str, str]:
    """Flatten a dict to strings for Reflex vars (booleans become '1' or '')."""
    out = {}
    for key, value in values.items():
        if isinstance(value, bool):
            out[key] = "1" if value else ""
        else:
            out[key] = "" if value is None else str(value)
    return out
