"""/contacts/scan: photograph a paper business card, review the fields beside the photo, save it as a contact."""

from __future__ import annotations

import asyncio
import uuid

import reflex as rx

from metaic.ai import scan
from metaic.ai.card_parse import KINDS
from metaic.core.errors import DomainError
from metaic.db import session_scope
from metaic.ui.state.auth import FormState

KIND_NAMES = {
    "name": "Name",
    "title": "Job title",
    "company": "Company",
    "email": "Email",
    "phone": "Phone",
    "website": "Website",
    "address": "Address",
}
SOURCE_NAMES = {"vision": "Read by the AI model", "ocr": "Read offline (OCR)", "none": "Not read"}


def field_row(kind: str, value: str, *, label: str = "", uncertain: bool = False, note: str = "") -> dict[str, str]:
    """One reviewed field as the page shows it (strings only, so Reflex can render it in a foreach)."""
    return {
        "key": uuid.uuid4().hex[:10],
        "kind": kind,
        "kind_name": KIND_NAMES[kind],
        "value": value,
        "label": label,
        "uncertain": "1" if uncertain else "",
        "note": note,
    }


class ScanState(FormState):
    """The scan page: upload, reading, review (editable fields, uncertain ones marked), then save."""

    stage: str = "upload"  # upload | reading | review
    file_id: str = ""
    image_url: str = ""
    fields: list[dict[str, str]] = []
    other: str = ""
    source: str = ""
    note: str = ""
    duplicate: dict[str, str] = {}

    @rx.var
    def source_name(self) -> str:
        """Which engine read the card, in words."""
        return SOURCE_NAMES.get(self.source, "")

    @rx.var
    def uncertain_count(self) -> int:
        """How many fields are marked for checking."""
        return sum(1 for f in self.fields if f["uncertain"])

    def _reset(self) -> None:
        """Back to an empty upload step."""
        self.stage, self.file_id, self.image_url, self.fields = "upload", "", "", []
        self.other, self.source, self.note, self.duplicate, self.errors = "", "", "", {}, {}

    @rx.event
    async def load(self):
        """on_load: signed-in owners only; start at the upload step."""
        self._reset()
        return await self.require_user()

    def _read(self, filename: str, data: bytes) -> scan.ScanRead:
        """Store and read the photo (a worker thread: OCR takes a second or more of CPU)."""
        with session_scope() as session:
            return scan.scan(session=session, owner=self._owner(session), filename=filename, data=data)

    def _show(self, result: scan.ScanRead) -> None:
        """Put a read card on the review step."""
        self.file_id, self.image_url = str(result.file_id), result.image_url
        self.fields = [
            field_row(f.kind, f.value, label=f.label, uncertain=f.uncertain, note=f.note) for f in result.fields
        ]
        present = {f.kind for f in result.fields}
        self.fields += [field_row(kind, "") for kind in ("name", "email", "phone") if kind not in present]
        self.other = "\n".join(result.other)
        self.source, self.note, self.stage = result.source, result.note, "review"

    @rx.event
    async def upload(self, files: list[rx.UploadFile]):
        """Read the chosen photo (its type, size and pixels are checked on the server by the files domain)."""
        if not files:
            return
        data = await files[0].read()
        self.errors, self.stage = {}, "reading"
        yield
        try:
            result = await asyncio.to_thread(self._read, files[0].name or "card.jpg", data)
        except DomainError as exc:
            self.stage = "upload"
            self._fail(exc)
            yield rx.toast.error(exc.message)
            return
        self._show(result)

    @rx.event
    def set_value(self, key: str, value: str):
        """Edit one field (an edited field is no longer marked: the owner checked it)."""
        self.fields = [{**f, "value": value, "uncertain": ""} if f["key"] == key else f for f in self.fields]
        self.duplicate = {}

    @rx.event
    def remove_field(self, key: str):
        """Drop a field the card did not really have."""
        self.fields = [f for f in self.fields if f["key"] != key]

    @rx.event
    def add_kind(self, kind: str):
        """Add an empty field of a kind."""
        if kind in KINDS:
            self.fields = [*self.fields, field_row(kind, "")]

    @rx.event
    def set_other(self, value: str):
        """Edit the note made of the card's other text."""
        self.other = value

    def _save(self, on_duplicate: str, merge_into: str = ""):
        """Save as the signed-in owner; a redirect to the contact, or the duplicate to offer."""
        data = scan.SaveScan(
            fields=[scan.FieldInput(kind=f["kind"], value=f["value"], label=f["label"]) for f in self.fields],
            note=self.other,
            on_duplicate=on_duplicate,
            merge_into=uuid.UUID(merge_into) if merge_into else None,
        )

        done: list[scan.SaveResult] = []

        def action(session, user) -> None:
            """Save; keep what happened."""
            done.append(scan.save(session=session, owner=user, file_id=uuid.UUID(self.file_id), data=data))

        refused = self._transact(action, back="/contacts/scan")
        if not done:
            return refused
        result = done[0]
        if result.status == "duplicate" and result.duplicate is not None:
            found = result.duplicate
            self.duplicate = {"id": str(found.id), "name": found.name, "reason": found.reason}
            return None
        words = "Merged into the existing contact." if result.status == "merged" else "Contact saved."
        return [rx.toast.success(words), rx.redirect(f"/contacts/view?id={result.contact_id}")]

    @rx.event
    async def save(self):
        """Save, checking for a duplicate first."""
        return await asyncio.to_thread(self._save, "check")

    @rx.event
    async def save_new(self):
        """Save as a new contact although a similar one exists."""
        self.duplicate = {}
        return await asyncio.to_thread(self._save, "new")

    @rx.event
    async def merge(self):
        """Merge the scan into the existing contact offered."""
        target, self.duplicate = self.duplicate.get("id", ""), {}
        return await asyncio.to_thread(self._save, "merge", target)

    def _discard(self) -> None:
        """Delete the unsaved photo."""
        if self.file_id:
            file_id = uuid.UUID(self.file_id)
            self._transact(lambda session, user: scan.discard(session=session, owner=user, file_id=file_id), back="/")

    @rx.event
    async def open_existing(self):
        """Drop this scan and open the existing contact instead."""
        target = self.duplicate.get("id", "")
        await asyncio.to_thread(self._discard)
        self._reset()
        return rx.redirect(f"/contacts/view?id={target}")

    @rx.event
    async def discard(self):
        """Throw the scan away and start again."""
        await asyncio.to_thread(self._discard)
        self._reset()
