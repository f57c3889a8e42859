"""The contact book: a searchable, filterable page of contacts and one contact's details."""

from __future__ import annotations

import uuid
from datetime import timedelta

import reflex as rx

from metaic.contacts import enrichment, history, reminders
from metaic.contacts import service as contact_service
from metaic.contacts import tags as tag_service
from metaic.core import clock
from metaic.core.errors import DomainError
from metaic.messaging import service as messaging
from metaic.ui.state.auth import FormState

PAGE_SIZE = 25
FIELD_ALIASES = {"emails.0": "email", "emails.0.value": "email", "phones.0": "phone", "phones.0.value": "phone"}
STAGES = ("new", "warm", "client", "partner")


class _ContactBase(FormState):
    """Shared plumbing: the signed-in owner and one transaction per action."""

    def _act(self, action, success: str = "", back: str = "/contacts"):
        """Run `action(session, user)` in one transaction; errors go to fields or a toast."""
        return self._transact(action, back=back, success=success)


class ContactsState(_ContactBase):
    """/contacts: the list with search, filters, sort and paging, and the add dialog."""

    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 0
    query: str = ""
    event: str = ""
    stage: str = ""
    source: str = ""
    tag_id: str = ""
    due_only: bool = False
    sort: str = "name"
    tag_options: list[dict[str, str]] = []
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
        """Fetch the current page."""
        filters = {
            "query": self.query,
            "event": self.event,
            "stage": self.stage or None,
            "source": self.source or None,
            "tag_id": self.tag_id or None,
            "reminder_due": self.due_only,
        }
        result = contact_service.list_(
            session=session, owner=user, filters=filters, sort=self.sort, limit=PAGE_SIZE, offset=self.page * PAGE_SIZE
        )
        self.total = result.total
        self.rows = [
            {
                "id": str(c.id),
                "name": c.full_name or "(no name)",
                "subtitle": " · ".join(filter(None, (c.title, c.company))),
                "email": c.emails[0].value if c.emails else "",
                "phone": c.phones[0].value if c.phones else "",
                "stage": c.stage,
                "source": c.source.replace("_", "-"),
                "tags": ", ".join(t.name for t in c.tags),
            }
            for c in result.items
        ]
        self.tag_options = [
            {"id": str(t.id), "name": t.name} for t in tag_service.list_tags(session=session, owner=user)
        ]

    @rx.event
    def load(self):
        """on_load: the first page with no filters."""
        self.page, self.adding = 0, False
        return self._act(self._reload)

    @rx.event
    def search(self, form: dict):
        """Apply the search box and filters."""
        self.query, self.event = str(form.get("query", ""))[:200], str(form.get("event", ""))[:200]
        self.stage, self.source = str(form.get("stage", "")), str(form.get("source", ""))
        self.tag_id, self.due_only = str(form.get("tag_id", "")), bool(form.get("due_only"))
        self.sort, self.page = str(form.get("sort", "name")), 0
        return self._act(self._reload)

    @rx.event
    def go(self, delta: int):
        """Previous or next page."""
        self.page = min(max(0, self.page + delta), self.pages - 1)
        return self._act(self._reload)

    @rx.event
    def set_managing(self, value: bool):
        """Open or close the tag manager."""
        self.managing_tags, self.errors = value, {}

    @rx.event
    def rename_tag(self, form: dict):
        """Rename a tag (its contacts keep it)."""

        def action(s, u):
            tag_service.update_tag(
                session=s, owner=u, tag_id=uuid.UUID(str(form["tag_id"])), name=str(form.get("name", ""))
            )
            self._reload(s, u)

        return self._act(action, "Tag renamed.")

    @rx.event
    def merge_tag(self, form: dict):
        """Fold one tag into another: its contacts get the other tag."""

        def action(s, u):
            tag_service.merge_tags(
                session=s, owner=u, keep_id=uuid.UUID(str(form["keep_id"])), drop_id=uuid.UUID(str(form["tag_id"]))
            )
            self._reload(s, u)

        return self._act(action, "Tags merged.")

    @rx.event
    def set_adding(self, value: bool):
        """Open or close the add dialog."""
        self.adding, self.errors = value, {}

    @rx.event
    def add(self, form: dict):
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

        return self._act(action)


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
    emails: list[str] = []
    phones: list[str] = []
    links: list[str] = []
    source: str = ""
    stage: str = "new"
    event: str = ""
    place: str = ""
    how_we_met: str = ""
    notes: str = ""
    tags: list[str] = []
    linked_card: bool = False
    on_metaic: bool = False
    card_slug: str = ""
    card_headline: str = ""
    reminder_rows: list[dict[str, str]] = []
    timeline_rows: list[dict[str, str]] = []
    confirm_delete: bool = False

    def _cid(self) -> uuid.UUID:
        """The contact on screen."""
        return uuid.UUID(self.contact_id)

    def _show(self, session, user) -> None:
        """Copy the contact and its reminders and history into the page."""
        c = contact_service.get(session=session, owner=user, contact_id=self._cid())
        self.name, self.company, self.title = c.full_name or "(no name)", c.company, c.title
        self.subtitle = " · ".join(filter(None, (c.title, c.company)))
        self.emails = [e.value for e in c.emails]
        self.emails_text = "\n".join(e.value for e in c.emails)
        self.phones_text = "\n".join(p.value for p in c.phones)
        self.links_text = "\n".join(link.value for link in c.links)
        self.phones = [p.value for p in c.phones]
        self.links = [link.value for link in c.links]
        self.source, self.stage, self.event, self.place = c.source, c.stage, c.event, c.place
        self.how_we_met, self.notes = c.how_we_met, c.notes
        self.tags, self.linked_card = [t.name for t in c.tags], c.card_id is not None
        card = enrichment.card_details(session=session, owner=user, contact_id=self._cid()) if c.card_id else None
        self.card_slug = card.slug if card else ""
        self.card_headline = card.content.headline if card else ""
        self.on_metaic = messaging.contact_user_id(session=session, user=user, contact_id=self._cid()) is not None
        self.reminder_rows = [
            {"id": str(r.id), "due": r.due_at.strftime("%a %d %b %Y %H:%M UTC"), "note": r.note, "status": r.status}
            for r in reminders.list_for(session=session, owner=user, contact_id=self._cid())
        ]
        self.timeline_rows = [
            {
                "when": h.created_at.strftime("%d %b %Y %H:%M"),
                "channel": h.channel.replace("_", "-"),
                "direction": h.direction,
                "subject": h.subject,
                "body": h.body,
            }
            for h in history.timeline(session=session, owner=user, contact_id=self._cid(), limit=50)
        ]

    @rx.event
    def load(self):
        """on_load: read the id from the address."""
        self.contact_id, self.confirm_delete = self.router.url.query_parameters.get("id", ""), False
        self.editing = False
        try:
            self._cid()
        except ValueError:
            return rx.redirect("/contacts")
        return self._act(self._show, back=f"/contacts/view?id={self.contact_id}")

    @rx.event
    def reload(self):
        """Show the contact again (after a message went out, its timeline grew)."""
        return self._act(self._show, back=f"/contacts/view?id={self.contact_id}")

    @rx.event
    def save_details(self, form: dict):
        """Save stage, meeting context and notes."""

        def action(s, u):
            changes = {k: str(form.get(k, "")) for k in ("event", "place", "how_we_met", "note")}
            changes["stage"] = str(form.get("stage", "new"))
            contact_service.update(session=s, owner=u, contact_id=self._cid(), changes=changes)
            self._show(s, u)

        return self._act(action, "Saved.")

    @rx.event
    def set_editing(self, value: bool):
        """Show or hide the edit form for names and contact details."""
        self.editing, self.errors = value, {}

    @rx.event
    def save_identity(self, form: dict):
        """Save name, company, title and the emails, phones and links (one per line)."""

        def lines(key: str) -> list[dict[str, str]]:
            return [{"label": "", "value": v.strip()} for v in str(form.get(key, "")).splitlines() if v.strip()]

        def action(s, u):
            changes = {
                "full_name": str(form.get("full_name", "")),
                "company": str(form.get("company", "")),
                "title": str(form.get("title", "")),
                "emails": lines("emails"),
                "phones": lines("phones"),
                "links": lines("links"),
            }
            contact_service.update(session=s, owner=u, contact_id=self._cid(), changes=changes)
            self._show(s, u)
            self.editing = False

        return self._act(action, "Saved.")

    @rx.event
    def snooze(self, reminder_id: str):
        """Push a reminder back by one day."""

        def action(s, u):
            due = next(
                r for r in reminders.list_for(session=s, owner=u, contact_id=self._cid()) if str(r.id) == reminder_id
            ).due_at
            reminders.snooze(
                session=s, owner=u, reminder_id=uuid.UUID(reminder_id), until=max(due, clock.now()) + timedelta(days=1)
            )
            self._show(s, u)

        return self._act(action, "Snoozed for a day.")

    @rx.event
    def add_tag(self, form: dict):
        """Tag the contact."""
        name = " ".join(str(form.get("tag", "")).split())
        if not name:
            return None

        def action(s, u):
            contact_service.update(session=s, owner=u, contact_id=self._cid(), changes={"tags": [*self.tags, name]})
            self._show(s, u)

        return self._act(action)

    @rx.event
    def remove_tag(self, name: str):
        """Untag the contact."""

        def action(s, u):
            contact_service.update(
                session=s, owner=u, contact_id=self._cid(), changes={"tags": [t for t in self.tags if t != name]}
            )
            self._show(s, u)

        return self._act(action)

    @rx.event
    def remind(self, quick: str):
        """Set a follow-up reminder for tomorrow or next week."""

        def action(s, u):
            reminders.set_reminder(
                session=s, owner=u, contact_id=self._cid(), quick=quick, note=f"Follow up with {self.name}"
            )
            self._show(s, u)

        return self._act(action, "Reminder set.")

    @rx.event
    def reminder_done(self, reminder_id: str):
        """Mark a reminder done."""

        def action(s, u):
            reminders.done(session=s, owner=u, reminder_id=uuid.UUID(reminder_id))
            self._show(s, u)

        return self._act(action, "Reminder done.")

    @rx.event
    def ask_delete(self, value: bool):
        """Open or close the delete confirmation."""
        self.confirm_delete = value

    @rx.event
    def delete(self):
        """Delete the contact."""

        def action(s, u):
            contact_service.delete(session=s, owner=u, contact_id=self._cid())
            return rx.redirect("/contacts")

        return self._act(action)
