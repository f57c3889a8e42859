"""The card builder: the draft being edited, its live preview, publishing and versions."""

from __future__ import annotations

import uuid

import reflex as rx

from metaic.cards import service as card_service
from metaic.cards.schemas import CardContent
from metaic.config import get_settings
from metaic.core.errors import DomainError
from metaic.db import session_scope
from metaic.files import service as file_service
from metaic.ui.state.auth import FormState

SECTIONS = ("services", "contacts", "socials", "works")
BLANK = {
    "services": {"title": "", "description": "", "price_range": ""},
    "contacts": {"kind": "phone", "label": "", "value": "", "preferred": ""},
    "socials": {"kind": "linkedin", "url": "", "label": ""},
    "works": {"title": "", "description": "", "image_url": "", "link": ""},
}
BUSINESS_FIELDS = ("name", "logo_url", "industry", "description", "website", "address")


class BuilderState(FormState):
    """One card's draft as flat, typed vars (small, rebuildable from the database on load)."""

    card_id: str = ""
    slug: str = ""
    slug_input: str = ""
    visibility: str = "public"
    status: str = "draft"
    public_url: str = ""
    dirty: bool = False
    saved_at: str = ""

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

    tab: str = "content"
    versions: list[dict[str, str]] = []
    diff_rows: list[dict[str, str]] = []
    templates: list[dict[str, str]] = []

    def _card_uuid(self) -> uuid.UUID:
        """The card being edited."""
        return uuid.UUID(self.card_id)

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
        """The vars as a draft document for the service to validate."""
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

    def _refresh_meta(self, session, user) -> None:
        """Slug, status, visibility and versions of the card."""
        summary = next(c for c in card_service.list_(session=session, owner=user) if str(c.id) == self.card_id)
        self.slug, self.slug_input = summary.slug, summary.slug
        self.status, self.visibility = summary.status, summary.visibility
        self.public_url = f"{get_settings().public_base_url}/c/{summary.slug}"
        self.versions = [
            {"number": str(v.number), "published": v.published_at.strftime("%d %b %Y %H:%M"), "name": v.name}
            for v in card_service.list_versions(session=session, owner=user, card_id=self._card_uuid())
        ]

    def _run(self, action, success: str = ""):
        """Run `action(session, user)` in one transaction, then refresh the card's status and versions."""
        return self._transact(
            action, back=f"/cards/edit?id={self.card_id}", success=success, refresh=self._refresh_meta
        )

    def _error_event(self, exc: DomainError):
        """Field errors switch to the tab that has them and say which field needs attention."""
        if not exc.errors:
            return rx.toast.error(exc.message)
        self.tab = _tab_for(exc.errors)
        return rx.toast.error(f"Some fields need attention: {next(iter(exc.errors.values()))}")

    @rx.event
    def set_tab(self, tab: str):
        """Switch builder tabs."""
        self.tab = tab

    @rx.event
    def load(self):
        """on_load: read the card id from the address and load its draft."""
        self.card_id = self.router.url.query_parameters.get("id", "")
        self.errors, self.diff_rows, self.dirty, self.tab = {}, [], False, "content"
        self.templates = [dict(t) for t in card_service.templates()]
        try:
            uuid.UUID(self.card_id)
        except ValueError:
            return rx.redirect("/cards")

        def action(s, u):
            self._show(card_service.get_content(session=s, owner=u, card_id=self._card_uuid()))

        return self._run(action)

    # --- editing ---------------------------------------------------------------------------

    @rx.event
    def set_field(self, field: str, value: str):
        """Change a top-level text field (name, headline, bio, ...)."""
        if field in {
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
            "slug_input",
        }:
            setattr(self, field, value)
            self.dirty = self.dirty or field != "slug_input"

    @rx.event
    def set_business(self, field: str, value: str):
        """Change a business field."""
        if field in BUSINESS_FIELDS:
            self.business[field] = value
            self.dirty = True

    @rx.event
    def set_item(self, section: str, index: int, field: str, value: str):
        """Change one field of one item in a list section."""
        items = getattr(self, section) if section in SECTIONS else None
        if items is not None and 0 <= index < len(items) and field in BLANK[section]:
            items[index][field] = value
            self.dirty = True

    @rx.event
    def set_preferred(self, index: int, checked: bool):
        """Mark one contact as the preferred channel (only one can be)."""
        for i, contact in enumerate(self.contacts):
            contact["preferred"] = "1" if checked and i == index else ""
        self.dirty = True

    @rx.event
    def add_item(self, section: str):
        """Append a blank item to a list section."""
        if section in SECTIONS:
            getattr(self, section).append(dict(BLANK[section]))
            self.dirty = True

    @rx.event
    def remove_item(self, section: str, index: int):
        """Remove one item of a list section."""
        items = getattr(self, section) if section in SECTIONS else []
        if 0 <= index < len(items):
            items.pop(index)
            self.dirty = True

    @rx.event
    def move_item(self, section: str, index: int, delta: int):
        """Move one item up (-1) or down (+1)."""
        items = getattr(self, section) if section in SECTIONS else []
        target = index + delta
        if 0 <= index < len(items) and 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
            self.dirty = True

    @rx.event
    def add_interest(self, form: dict):
        """Add an interest tag."""
        value = " ".join(str(form.get("interest", "")).split())[:40]
        if value and value.lower() not in (i.lower() for i in self.interests) and len(self.interests) < 20:
            self.interests.append(value)
            self.dirty = True

    @rx.event
    def remove_interest(self, index: int):
        """Remove an interest tag."""
        if 0 <= index < len(self.interests):
            self.interests.pop(index)
            self.dirty = True

    @rx.event
    def add_industry(self, form: dict):
        """Add an industry I want to meet."""
        value = " ".join(str(form.get("industry", "")).split())[:40]
        if value and value not in self.industries and len(self.industries) < 10:
            self.industries.append(value)
            self.dirty = True

    @rx.event
    def remove_industry(self, index: int):
        """Remove an industry."""
        if 0 <= index < len(self.industries):
            self.industries.pop(index)
            self.dirty = True

    @rx.event
    def toggle_open_to(self, value: str):
        """Flip one 'open to' choice."""
        self.open_to = [v for v in self.open_to if v != value] if value in self.open_to else [*self.open_to, value]
        self.dirty = True

    # --- images ------------------------------------------------------------------------------

    async def _upload(self, files: list[rx.UploadFile], purpose: str) -> str | None:
        """Store the first uploaded image for this user; returns its URL (errors become a toast)."""
        if not files:
            return None
        upload = files[0]
        data = await upload.read()
        try:
            with session_scope() as session:
                user = self._owner(session)
                stored = file_service.upload(
                    session=session, owner=user, purpose=purpose, filename=upload.name or "image", data=data
                )
                if purpose == "avatar":
                    self.avatar_file_id = str(stored.id)
        except DomainError as exc:
            self.errors = {purpose: exc.message}
            return None
        self.errors = {}
        self.dirty = True
        return stored.original_url

    @rx.event
    async def upload_avatar(self, files: list[rx.UploadFile]):
        """Upload a profile photo."""
        url = await self._upload(files, "avatar")
        if url:
            self.avatar_url = url
        return rx.toast.error(self.errors["avatar"]) if "avatar" in self.errors else None

    @rx.event
    async def upload_cover(self, files: list[rx.UploadFile]):
        """Upload a cover image."""
        url = await self._upload(files, "cover")
        if url:
            self.cover_url = url
        return rx.toast.error(self.errors["cover"]) if "cover" in self.errors else None

    @rx.event
    async def upload_logo(self, files: list[rx.UploadFile]):
        """Upload the business logo."""
        url = await self._upload(files, "logo")
        if url:
            self.business["logo_url"] = url
        return rx.toast.error(self.errors["logo"]) if "logo" in self.errors else None

    @rx.event
    async def upload_work(self, files: list[rx.UploadFile]):
        """Upload an image as a new portfolio item."""
        url = await self._upload(files, "work")
        if url:
            self.works.append({**BLANK["works"], "image_url": url})
        return rx.toast.error(self.errors["work"]) if "work" in self.errors else None

    # --- saving, publishing, versions ----------------------------------------------------------

    def _save(self, session, user) -> None:
        """Save the draft, and attach a newly uploaded photo so the vCard can embed it."""
        content = card_service.save_draft(
            session=session, owner=user, card_id=self._card_uuid(), content=self._document()
        )
        if self.avatar_file_id and content.avatar_url:
            content = card_service.set_avatar(
                session=session,
                owner=user,
                card_id=self._card_uuid(),
                file_id=uuid.UUID(self.avatar_file_id),
                url=content.avatar_url,
            )
        self._show(content)
        self.avatar_file_id, self.dirty = "", False

    @rx.event
    def save(self):
        """Validate and save the draft."""
        return self._run(self._save, "Draft saved.")

    @rx.event
    def publish(self):
        """Save the draft and publish it as a new version."""

        def action(s, u):
            self._save(s, u)
            version = card_service.publish(session=s, owner=u, card_id=self._card_uuid())
            return rx.toast.success(f"Published as version {version.number}.")

        return self._run(action)

    @rx.event
    def unpublish(self):
        """Take the public page down (the draft stays)."""
        return self._run(
            lambda s, u: card_service.unpublish(session=s, owner=u, card_id=self._card_uuid()),
            "The card is no longer public.",
        )

    @rx.event
    def save_slug(self):
        """Change the card's address; the old one keeps redirecting."""

        def action(s, u):
            card_service.set_slug(session=s, owner=u, card_id=self._card_uuid(), slug=self.slug_input)

        return self._run(action, "Address updated.")

    @rx.event
    def set_visibility(self, value: str):
        """Public, unlisted or private."""
        return self._run(
            lambda s, u: card_service.set_visibility(session=s, owner=u, card_id=self._card_uuid(), visibility=value),
            "Visibility updated.",
        )

    @rx.event
    def compare(self, number: str):
        """Show what changed from a version to the newest one."""

        def action(s, u):
            newest = int(self.versions[0]["number"]) if self.versions else 0
            rows = card_service.compare_versions(session=s, owner=u, card_id=self._card_uuid(), a=int(number), b=newest)
            self.diff_rows = [_strings(r) for r in rows] or [{"field": "—", "before": "No differences", "after": ""}]

        return self._run(action)

    @rx.event
    def restore(self, number: str):
        """Copy an earlier version into the draft."""

        def action(s, u):
            content = card_service.restore_version(session=s, owner=u, card_id=self._card_uuid(), number=int(number))
            self._show(content)
            self.diff_rows, self.dirty = [], False
            return rx.toast.success(f"Version {number} restored into the draft. Publish to make it live.")

        return self._run(action)


def _tab_for(errors: dict[str, str]) -> str:
    """The builder tab that shows the first field with an error."""
    key = next(iter(errors), "")
    if key == "slug" or key == "visibility":
        return "share"
    return "design" if key.startswith("theme") else "content"


def _strings(values: dict) -> dict[str, str]:
    """Flatten a dict to strings for Reflex vars (booleans become '1' or '')."""
    out = {}
    for key, value in values.items():
        if isinstance(value, bool):
            out[key] = "1" if value else ""
        else:
            out[key] = "" if value is None else str(value)
    return out
