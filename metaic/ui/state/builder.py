"""The card builder: loading a card, images, saving, publishing (through the cards flow), sharing and versions."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid

import reflex as rx

from metaic.cards import flows as card_flows
from metaic.cards import service as card_service
from metaic.cards.schemas import field_label
from metaic.config import get_settings
from metaic.core.errors import AuthenticationFailed, DomainError, NotFound
from metaic.db import session_scope
from metaic.files import service as file_service
from metaic.files.models import SCAN_PENDING, FileRead
from metaic.ui.state.auth import FormState
from metaic.ui.state.builder_ai import BuilderAi
from metaic.ui.state.builder_autosave import BuilderAutosave, Snapshot, save_document, save_snapshot
from metaic.ui.state.builder_checks import BuilderChecks
from metaic.ui.state.builder_fields import BLANK, BuilderFields, _strings
from metaic.ui.state.builder_suggest import BuilderSuggest

log = logging.getLogger(__name__)
# Loads assets/builder.js once: the leave warning and moving the page to a field that needs a fix.
INSTALL_SCRIPT = (
    "(function(){if(window.metaicBuilder){window.metaicBuilder.install();return;}"
    "const s=document.createElement('script');s.src='/builder.js';"
    "s.onload=function(){window.metaicBuilder.install();};document.head.appendChild(s);})()"
)
# The order sections appear in on the page, so the first field to fix is the top-most one.
PAGE_ORDER = ("name", "headline", "bio", "avatar_url", "cover_url", "language", "business", "contacts", "socials")
PAGE_ORDER += ("services", "works", "interests", "networking", "theme", "slug", "visibility")


class BuilderState(BuilderAi, BuilderAutosave, BuilderChecks, BuilderSuggest, BuilderFields, FormState):
    """One card's draft being edited; every handler that touches the database runs it in a worker thread."""

    card_id: str = ""
    missing: bool = False
    slug: str = ""
    visibility: str = "public"
    # Whether the published card is listed in the MetaIC directory: "off", "members" or "public".
    directory_listing: str = "off"
    status: str = "draft"
    public_url: str = ""
    tab: str = "content"
    versions: list[dict[str, str]] = []
    diff_rows: list[dict[str, str]] = []
    templates: list[dict[str, str]] = []

    def _card_uuid(self) -> uuid.UUID:
        """The card being edited."""
        return uuid.UUID(self.card_id)

    def _refresh_meta(self, session, user) -> None:
        """Address, status, visibility and versions of the card."""
        card = card_service.get_owned(session=session, owner=user, card_id=self._card_uuid())
        self.slug, self.slug_input = card.slug, card.slug
        self.status, self.visibility = card_service.status_of(card), card.visibility
        self.directory_listing = card.directory_listing or "off"
        self.public_url = f"{get_settings().public_base_url}/c/{card.slug}"
        self.versions = [
            {"number": str(v.number), "published": v.published_at.strftime("%d %b %Y %H:%M"), "name": v.name}
            for v in card_service.list_versions(session=session, owner=user, card_id=self._card_uuid())
        ]

    def _run(self, action, success: str = ""):
        """Run `action(session, user)` in one transaction, then refresh the card's status and versions."""
        return self._transact(
            action, back=f"/cards/edit?id={self.card_id}", success=success, refresh=self._refresh_meta
        )

    async def _act(self, action, success: str = ""):
        """`_run` in a worker thread, so the database work never stalls the event loop (this tab waits for it)."""
        return await asyncio.to_thread(self._run, action, success)

    def _error_event(self, exc: DomainError):
        """Field errors: open the tab of the first one, move to it, and say where it is and what is wrong."""
        if not exc.errors:
            return rx.toast.error(exc.message)
        keys = sorted(exc.errors, key=_page_position)
        first = keys[0]
        self.tab = _tab_for(first)
        more = f" (and {len(keys) - 1} more)" if len(keys) > 1 else ""
        return [rx.toast.error(f"{field_label(first)}: {exc.errors[first]}{more}"), focus_field(first)]

    @rx.event
    def set_tab(self, tab: str):
        """Switch builder tabs."""
        self.tab = tab

    # --- loading -----------------------------------------------------------------------------

    @rx.event
    async def load(self):
        """on_load: save what the previously open card still had pending, forget it all, load the addressed card."""
        pending = self._pending()
        self.reset()
        self.errors, self.message = {}, ""
        self._loaded_at = time.time()
        self.templates = card_service.templates()
        flushed = pending is not None and await asyncio.to_thread(_flush, pending)
        wanted = self.router.url.query_parameters.get("id", "")
        redirect = await asyncio.to_thread(self._load_card, wanted)
        if flushed and self.card_id == pending.card_id:
            self.save_status = "saved"  # the edits that were pending are in what was just loaded
        return redirect or rx.call_script(INSTALL_SCRIPT)

    def _pending(self) -> Snapshot | None:
        """Edits of the open card not saved yet (the tab may leave before the autosave fires)."""
        if not (self.dirty and self.card_id):
            return None
        return Snapshot(
            self._token(), self.card_id, self._document(), self.avatar_file_id, self._edits, self._loaded_at
        )

    def _load_card(self, wanted: str):
        """Read the owner's card into the vars; an unknown, foreign or malformed id shows the not-found page."""
        try:
            with session_scope() as session:
                user = self._owner(session)
                content = card_service.get_content(session=session, owner=user, card_id=wanted)
                self.card_id = str(uuid.UUID(wanted))
                self._show(content)
                self._refresh_meta(session, user)
        except AuthenticationFailed:
            return rx.redirect(f"/login?next=/cards/edit?id={wanted}")
        except NotFound:
            self.reset()
            self.missing = True
        return None

    # --- images ------------------------------------------------------------------------------

    def _store(self, purpose: str, filename: str, data: bytes):
        """Store an uploaded image for the signed-in user (runs in a worker thread)."""
        with session_scope() as session:
            user = self._owner(session)
            return file_service.upload(session=session, owner=user, purpose=purpose, filename=filename, data=data)

    async def _upload(self, files: list[rx.UploadFile], purpose: str):
        """Store the first uploaded image for this user and attach it, or hold it while the virus scan runs."""
        if not files or not self.card_id:
            return None
        upload = files[0]
        data = await upload.read()
        try:
            stored = await asyncio.to_thread(self._store, purpose, upload.name or "image", data)
        except DomainError as exc:
            self.errors = {purpose: exc.message}
            return rx.toast.error(exc.message)
        self.errors = {k: v for k, v in self.errors.items() if k != purpose}
        if stored.scan_status == SCAN_PENDING:
            return self._hold(purpose, stored)  # no address yet: "Checking file…" until the scan says clean
        return self._attach(purpose, stored)

    def _attach(self, purpose: str, stored: FileRead):
        """Put a clean upload where it was meant to go and autosave the draft."""
        url = stored.original_url
        if purpose == "avatar":
            self.avatar_url, self.avatar_file_id = url, str(stored.id)
            return self._touch("avatar_url")
        if purpose == "cover":
            self.cover_url = url
            return self._touch("cover_url")
        if purpose == "logo":
            self.business["logo_url"] = url
            return self._touch("business.logo_url")
        self.works.append({**BLANK["works"], "image_url": url})
        return self._touch()

    @rx.event
    async def upload_avatar(self, files: list[rx.UploadFile]):
        """Upload a profile photo."""
        return await self._upload(files, "avatar")

    @rx.event
    async def upload_cover(self, files: list[rx.UploadFile]):
        """Upload a cover image."""
        return await self._upload(files, "cover")

    @rx.event
    async def upload_logo(self, files: list[rx.UploadFile]):
        """Upload the business logo."""
        return await self._upload(files, "logo")

    @rx.event
    async def upload_work(self, files: list[rx.UploadFile]):
        """Upload an image as a new portfolio item (it may stay untitled in the draft; publishing asks for one)."""
        return await self._upload(files, "work")

    # --- saving, publishing, versions ----------------------------------------------------------

    def _save(self, session, user) -> None:
        """Save the draft as it is (incomplete items too) and show what was stored."""
        content = save_document(
            session, user, card_id=self.card_id, document=self._document(), avatar_file_id=self.avatar_file_id
        )
        self._show(content)
        self.avatar_file_id, self.dirty, self.save_status, self.save_error = "", False, "saved", ""

    @rx.event
    async def save(self):
        """Save the draft now (the Save button, and 'retry' after a failed autosave)."""
        if not self.card_id:
            return None
        return await self._act(self._save, "Draft saved.")

    def _publish_saved(self, session, user):
        """Publish the saved draft through the cards flow (it also refreshes contacts saved from this card)."""
        version = card_flows.publish(session=session, owner=user, card_id=self._card_uuid())
        return rx.toast.success(f"Published as version {version.number}.")

    @rx.event
    async def publish(self):
        """Save the draft (kept even when publishing refuses it), then publish it as a new version."""
        if not self.card_id:
            return None
        refused = await self._act(self._save)
        if self.errors:
            return refused
        return await self._act(self._publish_saved)

    @rx.event
    async def unpublish(self):
        """Take the public page down (the draft stays)."""
        return await self._act(
            lambda s, u: card_service.unpublish(session=s, owner=u, card_id=self._card_uuid()),
            "The card is no longer public.",
        )

    @rx.event
    async def save_slug(self):
        """Change the card's address; the old one keeps redirecting."""

        def action(s, u):
            card_service.set_slug(session=s, owner=u, card_id=self._card_uuid(), slug=self.slug_input)

        return await self._act(action, "Address updated.")

    @rx.event
    async def set_visibility(self, value: str):
        """Public, unlisted or private."""
        return await self._act(
            lambda s, u: card_service.set_visibility(session=s, owner=u, card_id=self._card_uuid(), visibility=value),
            "Visibility updated.",
        )

    @rx.event
    async def set_directory_listing(self, value: str):
        """Off, members or public: who can find the published card in the MetaIC directory."""
        return await self._act(
            lambda s, u: card_service.set_directory_listing(session=s, owner=u, card_id=self._card_uuid(), value=value),
            "Directory listing updated.",
        )

    @rx.event
    async def compare(self, number: str):
        """Show what changed from a version to the newest one."""

        def action(s, u):
            newest = int(self.versions[0]["number"]) if self.versions else 0
            rows = card_service.compare_versions(session=s, owner=u, card_id=self._card_uuid(), a=int(number), b=newest)
            self.diff_rows = [_strings(r) for r in rows] or [{"field": "—", "before": "No differences", "after": ""}]

        return await self._act(action)

    @rx.event
    async def restore(self, number: str):
        """Copy an earlier version into the draft."""

        def action(s, u):
            content = card_service.restore_version(session=s, owner=u, card_id=self._card_uuid(), number=int(number))
            self._show(content)
            self.diff_rows, self.dirty, self.save_status = [], False, "saved"
            return rx.toast.success(f"Version {number} restored into the draft. Publish to make it live.")

        return await self._act(action)


def focus_field(key: str) -> rx.event.EventSpec:
    """Scroll to the input of an error key (or its item, or its section) and focus it."""
    return rx.call_script(f"window.metaicBuilder && window.metaicBuilder.focusField({json.dumps('f-' + key)})")


def _flush(snap: Snapshot) -> bool:
    """Save a previously open card's pending edits (best effort: the leave warning covered the rest)."""
    try:
        save_snapshot(snap)
    except Exception:
        log.warning("pending edits of card %s could not be saved on leaving", snap.card_id, exc_info=True)
        return False
    return True


def _page_position(key: str) -> tuple[int, int]:
    """Where an error key's field sits on the page (section, then item)."""
    head = key.split(".")[0]
    item = next((int(p) for p in key.split(".") if p.isdigit()), -1)
    return (PAGE_ORDER.index(head) if head in PAGE_ORDER else len(PAGE_ORDER), item)


def _tab_for(key: str) -> str:
    """The builder tab that shows a field."""
    if key in ("slug", "visibility"):
        return "share"
    return "design" if key.startswith("theme") else "content"
