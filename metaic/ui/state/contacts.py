"""The contact book: a searchable, filterable page of contacts and one contact's details."""

from __future__ import annotations

import asyncio
import uuid

import reflex as rx

from metaic.contacts import enrichment, history, reminders, sharing, store
from metaic.contacts import service as contact_service
from metaic.contacts import tags as tag_service
from metaic.core.errors import DomainError
from metaic.files import service as file_service
from metaic.files.models import SCAN_CLEAN
from metaic.messaging import service as messaging
from metaic.search import service as search_service
from metaic.ui.state.auth import FormState
from metaic.ui.state.contact_filters import PAGE_SIZE, ContactListFilters
from metaic.ui.state.contact_rows import flagged, list_row, reminder_row, source_label, suggestion_row, timeline_row

FIELD_ALIASES = {"emails.0": "email", "emails.0.value": "email", "phones.0": "phone", "phones.0.value": "phone"}


class _ContactBase(FormState):
    """Shared plumbing: the signed-in owner and one transaction per action."""

    def _act(self, action, success: str = "", back: str = "/contacts"):
        """Run `action(session, user)` in one transaction; errors go to fields or a toast."""
        return self._transact(action, back=back, success=success)

    async def _act_off_loop(self, action, success: str = "", back: str = "/contacts"):
        """`_act` in a worker thread, so database work never stalls the event loop (this tab waits for it)."""
        return await asyncio.to_thread(self._act, action, success, back)


class ContactsState(ContactListFilters, _ContactBase):
    """/contacts: the list with search (typo-tolerant, best match first), faceted filters, sort and paging."""

    rows: list[dict[str, str]] = []
    total: int = 0
    adding: bool = False
    managing_tags: bool = False

    def _fail(self, exc: DomainError) -> None:
        """Show list-field errors (emails.0, phones.0) next to the dialog's single inputs."""
        super()._fail(exc)
        self.errors = {FIELD_ALIASES.get(k, k): v for k, v in self.errors.items()}

    @rx.var
    def pages(self) -> int:
        """Number of pages."""
        return max(1, -(-self.total // PAGE_SIZE))

    def _reload(self, session, user) -> None:
        """Fetch the current page and the facet counts."""
        found = search_service.find_contacts(
            session=session,
            owner=user,
            query=self.query,
            filters=self._filters(),
            sort=self.sort,
            limit=PAGE_SIZE,
            offset=self.page * PAGE_SIZE,
        )
        self.total = found.total
        tag_map = store.tags_for(session=session, contact_ids=[c.id for c in found.items])
        self.rows = [list_row(store.to_read(c, tag_map.get(c.id, []))) for c in found.items]
        self._show_facets(found.facets, tag_service.list_tags(session=session, owner=user))

    @rx.event
    async def load(self):
        """on_load: the filters in the address (none: the whole book), first page unless the address says."""
        self.adding, self.managing_tags = False, False
        self._from_address()
        return await self._act_off_loop(self._reload, back=self._address())

    @rx.event
    async def search(self, form: dict):
        """Apply the search box and filters (the domain checks their lengths), and show them in the address."""
        self._from_form(form)
        failed = await self._act_off_loop(self._reload)
        return failed or self._show_address()

    @rx.event
    async def go(self, delta: int):
        """Previous or next page."""
        self.page = min(max(0, self.page + delta), self.pages - 1)
        failed = await self._act_off_loop(self._reload)
        return failed or self._show_address()

    @rx.event
    def set_managing(self, value: bool):
        """Open or close the tag manager."""
        self.managing_tags, self.errors = value, {}

    @rx.event
    async def rename_tag(self, form: dict):
        """Rename a tag (its contacts keep it)."""

        def action(s, u):
            tag_service.update_tag(
                session=s, owner=u, tag_id=uuid.UUID(str(form["tag_id"])), name=str(form.get("name", ""))
            )
            self._reload(s, u)

        return await self._act_off_loop(action, "Tag renamed.")

    @rx.event
    async def merge_tag(self, form: dict):
        """Fold one tag into another: its contacts get the other tag."""

        def action(s, u):
            tag_service.merge_tags(
                session=s, owner=u, keep_id=uuid.UUID(str(form["keep_id"])), drop_id=uuid.UUID(str(form["tag_id"]))
            )
            self._reload(s, u)

        return await self._act_off_loop(action, "Tags merged.")

    @rx.event
    def set_adding(self, value: bool):
        """Open or close the add dialog."""
        self.adding, self.errors = value, {}

    @rx.event
    async def add(self, form: dict):
        """Create a contact by hand and open it."""

        def action(s, u):
            data = {
                "full_name": str(form.get("full_name", "")),
                "company": str(form.get("company", "")),
                "title": str(form.get("title", "")),
                "source": "manual",
                "emails": [{"label": "", "value": form["email"]}] if form.get("email") else [],
                "phones": [{"label": "", "value": form["phone"]}] if form.get("phone") else [],
                "event": str(form.get("event", "")),
            }
            contact = contact_service.create(session=s, owner=u, data=data)
            self.adding = False
            return rx.redirect(f"/contacts/view?id={contact.id}")

        return await self._act_off_loop(action)


def _photo_urls(session, user, file_id: uuid.UUID | None) -> tuple[str, str, bool]:
    """(thumbnail, full size, is a scanned paper card) of a contact's photo; empty while held by the scan or gone."""
    if file_id is None:
        return "", "", False
    try:
        photo = file_service.get(session=session, owner=user, file_id=file_id)
    except DomainError:
        return "", "", False
    if photo.scan_status != SCAN_CLEAN or not photo.original_url:
        return "", "", False
    return photo.best_url(480), photo.original_url, photo.purpose == "scan"


class ContactState(_ContactBase):
    """/contacts/view?id=…: one contact, its tags, meeting context, reminders and timeline."""

    contact_id: str = ""
    name: str = ""
    company: str = ""
    title: str = ""
    subtitle: str = ""
    emails_text: str = ""
    phones_text: str = ""
    links_text: str = ""
    editing: bool = False
    # Each shown value: {value, badge, why}; badge is empty unless the value was kept as written.
    emails: list[dict[str, str]] = []
    phones: list[dict[str, str]] = []
    links: list[dict[str, str]] = []
    addresses: list[dict[str, str]] = []
    birthday: list[dict[str, str]] = []
    source: str = ""
    stage: str = "new"
    event: str = ""
    place: str = ""
    how_we_met: str = ""
    notes: str = ""
    tags: list[str] = []
    linked_card: bool = False
    # How to write to the contact in the app: "open", "request" (whether or not they are on MetaIC), or "".
    reach: str = ""
    requesting: bool = False
    # Details visitors shared for this contact through the card form, waiting for "Add" or "Ignore".
    suggestions: list[dict[str, str]] = []
    card_slug: str = ""
    card_headline: str = ""
    # The photo kept with the contact (their own, or a scanned paper card): a thumbnail and the original.
    photo_url: str = ""
    photo_full_url: str = ""
    photo_is_card: bool = False
    reminder_rows: list[dict[str, str]] = []
    timeline_rows: list[dict[str, str]] = []
    confirm_delete: bool = False

    def _cid(self) -> uuid.UUID:
        """The contact on screen."""
        return uuid.UUID(self.contact_id)

    def _back(self) -> str:
        """This page's address, to come back to after signing in."""
        return f"/contacts/view?id={self.contact_id}"

    def _show(self, session, user) -> None:
        """Copy the contact and its reminders and history into the page."""
        c = contact_service.get(session=session, owner=user, contact_id=self._cid())
        self.name, self.company, self.title = c.full_name or "(no name)", c.company, c.title
        self.subtitle = " · ".join(filter(None, (c.title, c.company)))
        for name in ("emails", "phones", "links", "addresses"):
            values = [item.value for item in getattr(c, name)]
            setattr(self, name, flagged(c, name, values))
        self.birthday = flagged(c, "birthday", [c.birthday] if c.birthday else [])
        self.emails_text = "\n".join(e.value for e in c.emails)
        self.phones_text = "\n".join(p.value for p in c.phones)
        self.links_text = "\n".join(link.value for link in c.links)
        self.source, self.stage, self.event, self.place = source_label(c.source), c.stage, c.event, c.place
        self.how_we_met, self.notes = c.how_we_met, c.notes
        self.tags, self.linked_card = [t.name for t in c.tags], c.card_id is not None
        card = enrichment.card_details(session=session, owner=user, contact_id=self._cid()) if c.card_id else None
        self.card_slug = card.slug if card else ""
        self.card_headline = card.content.headline if card else ""
        self.photo_url, self.photo_full_url, self.photo_is_card = _photo_urls(session, user, c.photo_file_id)
        self.reach = messaging.contact_reach(session=session, user=user, contact_id=self._cid())
        self.suggestions = [
            suggestion_row(x) for x in sharing.suggestions(session=session, owner=user, contact_id=self._cid())
        ]
        self.reminder_rows = [
            reminder_row(r) for r in reminders.list_for(session=session, owner=user, contact_id=self._cid())
        ]
        self.timeline_rows = [
            timeline_row(h) for h in history.timeline(session=session, owner=user, contact_id=self._cid(), limit=50)
        ]

    async def _do(self, action, success: str = ""):
        """Run `action(session, user)`, then show the contact again, off the event loop."""

        def run(s, u):
            result = action(s, u)
            self._show(s, u)
            return result

        return await self._act_off_loop(run, success, back=self._back())

    @rx.event
    async def load(self):
        """on_load: read the id from the address."""
        self.contact_id, self.confirm_delete = self.router.url.query_parameters.get("id", ""), False
        self.editing = False
        try:
            self._cid()
        except ValueError:
            return rx.redirect("/contacts")
        return await self._act_off_loop(self._show, back=self._back())

    @rx.event
    async def reload(self):
        """Show the contact again (after a message went out, its timeline grew)."""
        return await self._act_off_loop(self._show, back=self._back())

    @rx.event
    async def save_details(self, form: dict):
        """Save stage, meeting context and notes."""
        changes = {k: str(form.get(k, "")) for k in ("event", "place", "how_we_met", "note")}
        changes["stage"] = str(form.get("stage", "new"))
        return await self._do(
            lambda s, u: contact_service.update(session=s, owner=u, contact_id=self._cid(), changes=changes), "Saved."
        )

    @rx.event
    def set_editing(self, value: bool):
        """Show or hide the edit form for names and contact details."""
        self.editing, self.errors = value, {}

    @rx.event
    async def save_identity(self, form: dict):
        """Save name, company, title and the emails, phones and links (one per line)."""

        def lines(key: str) -> list[dict[str, str]]:
            return [{"label": "", "value": v.strip()} for v in str(form.get(key, "")).splitlines() if v.strip()]

        changes = {
            "full_name": str(form.get("full_name", "")),
            "company": str(form.get("company", "")),
            "title": str(form.get("title", "")),
            "emails": lines("emails"),
            "phones": lines("phones"),
            "links": lines("links"),
        }

        def action(s, u):
            contact_service.update(session=s, owner=u, contact_id=self._cid(), changes=changes)
            self.editing = False

        return await self._do(action, "Saved.")

    @rx.event
    async def snooze(self, reminder_id: str):
        """Push a reminder back by one day (the domain's rule, as the API's `days`)."""
        return await self._do(
            lambda s, u: reminders.snooze_for(session=s, owner=u, reminder_id=uuid.UUID(reminder_id), days=1),
            "Snoozed for a day.",
        )

    @rx.event
    async def add_tag(self, form: dict):
        """Tag the contact."""
        name = " ".join(str(form.get("tag", "")).split())
        if not name:
            return None
        return await self._do(
            lambda s, u: contact_service.update(
                session=s, owner=u, contact_id=self._cid(), changes={"tags": [*self.tags, name]}
            )
        )

    @rx.event
    async def remove_tag(self, name: str):
        """Untag the contact."""
        kept = [t for t in self.tags if t != name]
        return await self._do(
            lambda s, u: contact_service.update(session=s, owner=u, contact_id=self._cid(), changes={"tags": kept})
        )

    @rx.event
    async def remind(self, quick: str):
        """Set a follow-up reminder for tomorrow or next week."""
        note = f"Follow up with {self.name}"
        return await self._do(
            lambda s, u: reminders.set_reminder(session=s, owner=u, contact_id=self._cid(), quick=quick, note=note),
            "Reminder set.",
        )

    @rx.event
    async def reminder_done(self, reminder_id: str):
        """Mark a reminder done."""
        return await self._do(
            lambda s, u: reminders.done(session=s, owner=u, reminder_id=uuid.UUID(reminder_id)), "Reminder done."
        )

    @rx.event
    def set_requesting(self, value: bool):
        """Open or close the message request dialog."""
        self.requesting, self.errors = value, {}

    @rx.event
    async def send_request(self, form: dict):
        """Ask the contact to talk in the app, with one intro; the same toast whether or not they are on MetaIC."""
        body = str(form.get("body", ""))

        def action(s, u):
            messaging.request(session=s, user=u, contact_id=self._cid(), body=body)
            self.requesting = False

        return await self._do(action, messaging.REQUEST_SENT)

    @rx.event
    async def add_suggestion(self, suggestion_id: str):
        """Add what a visitor shared to this contact."""
        return await self._do(
            lambda s, u: sharing.accept_suggestion(session=s, owner=u, suggestion_id=suggestion_id), "Details added."
        )

    @rx.event
    async def ignore_suggestion(self, suggestion_id: str):
        """Drop what a visitor shared; the contact stays as it was."""
        return await self._do(
            lambda s, u: sharing.ignore_suggestion(session=s, owner=u, suggestion_id=suggestion_id), "Ignored."
        )

    @rx.event
    def ask_delete(self, value: bool):
        """Open or close the delete confirmation."""
        self.confirm_delete = value

    @rx.event
    async def delete(self):
        """Delete the contact."""

        def action(s, u):
            contact_service.delete(session=s, owner=u, contact_id=self._cid())
            return rx.redirect("/contacts")

        return await self._act_off_loop(action, back=self._back())
