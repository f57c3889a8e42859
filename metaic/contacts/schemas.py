"""The shape of a contact as it moves between files, forms and the contact book."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from metaic.core.times import UtcDatetime

# Where a contact came from (models.SOURCES): a saved card, a visitor sharing back, an import file, a scanned
# paper card, or typed in by hand.
ContactSource = Literal["card", "share_back", "import", "scan", "manual"]


class LabeledValue(BaseModel):
    """One email, phone, address or link with its label (work, home, mobile, …)."""

    label: str = Field(default="", max_length=40)
    value: str = Field(max_length=500)


class ValueFlag(BaseModel):
    """A value kept as written (`kept`: it could not be read) or cut to fit (`shortened`), and why."""

    field: str
    value: str
    kind: Literal["kept", "shortened"] = "kept"
    note: str = ""


class ContactDraft(BaseModel):
    """A contact before it is saved: what an import row, a form or a card gives us."""

    full_name: str = Field(default="", max_length=200)
    first_name: str = Field(default="", max_length=100)
    last_name: str = Field(default="", max_length=100)
    company: str = Field(default="", max_length=200)
    title: str = Field(default="", max_length=200)
    emails: list[LabeledValue] = Field(default_factory=list, max_length=20)
    phones: list[LabeledValue] = Field(default_factory=list, max_length=20)
    addresses: list[LabeledValue] = Field(default_factory=list, max_length=10)
    links: list[LabeledValue] = Field(default_factory=list, max_length=30)
    note: str = Field(default="", max_length=5000)
    birthday: str = Field(default="", max_length=20)
    photo_jpeg: bytes | None = None
    uid: str = Field(default="", max_length=200)
    tags: list[str] = Field(default_factory=list, max_length=50)


class ParsedRow(BaseModel):
    """One record of an import file: its position, and either a draft or the reason it was refused."""

    row: int
    draft: ContactDraft | None = None
    error: str = ""
    # The record's language when the file says it (vCard LANG or LANGUAGE=), a hint for national numbers.
    language: str = ""
    # What reading the file had to change to fit (a value cut to its maximum length).
    flags: list[ValueFlag] = Field(default_factory=list)


class ContactInput(ContactDraft):
    """A contact typed in by its owner: the draft plus the CRM fields."""

    source: ContactSource = "manual"
    event: str = Field(default="", max_length=200)
    place: str = Field(default="", max_length=200)
    met_on: date | None = None
    how_we_met: str = Field(default="", max_length=500)
    stage: Literal["new", "warm", "client", "partner"] = "new"
    strength: int = Field(default=3, ge=1, le=5)
    photo_file_id: uuid.UUID | None = None


class ContactUpdate(BaseModel):
    """A partial change to a contact: only the fields given are changed."""

    full_name: str | None = Field(default=None, max_length=200)
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    company: str | None = Field(default=None, max_length=200)
    title: str | None = Field(default=None, max_length=200)
    emails: list[LabeledValue] | None = Field(default=None, max_length=20)
    phones: list[LabeledValue] | None = Field(default=None, max_length=20)
    addresses: list[LabeledValue] | None = Field(default=None, max_length=10)
    links: list[LabeledValue] | None = Field(default=None, max_length=30)
    note: str | None = Field(default=None, max_length=5000)
    birthday: str | None = Field(default=None, max_length=20)
    tags: list[str] | None = Field(default=None, max_length=50)
    event: str | None = Field(default=None, max_length=200)
    place: str | None = Field(default=None, max_length=200)
    met_on: date | None = None
    how_we_met: str | None = Field(default=None, max_length=500)
    stage: Literal["new", "warm", "client", "partner"] | None = None
    strength: int | None = Field(default=None, ge=1, le=5)
    photo_file_id: uuid.UUID | None = None
    last_contacted_at: datetime | None = None


class TagRead(BaseModel):
    """A tag as the UI shows it."""

    id: uuid.UUID
    name: str
    color: str


class ContactRead(BaseModel):
    """A contact as the UI and the API see it."""

    id: uuid.UUID
    full_name: str
    first_name: str
    last_name: str
    company: str
    title: str
    emails: list[LabeledValue]
    phones: list[LabeledValue]
    addresses: list[LabeledValue]
    links: list[LabeledValue]
    birthday: str
    uid: str
    photo_file_id: uuid.UUID | None
    source: str
    card_id: uuid.UUID | None
    event: str
    place: str
    met_on: date | None
    how_we_met: str
    notes: str
    stage: str
    strength: int
    last_contacted_at: UtcDatetime | None
    consents: list[dict]
    flags: list[ValueFlag] = Field(default_factory=list)
    created_at: UtcDatetime
    updated_at: UtcDatetime
    tags: list[TagRead] = Field(default_factory=list)


class ContactFilters(BaseModel):
    """What to look for in the contact book; empty fields do not filter."""

    query: str = Field(default="", max_length=200)
    tag_id: uuid.UUID | None = None
    source: ContactSource | None = None
    stage: Literal["new", "warm", "client", "partner"] | None = None
    event: str = Field(default="", max_length=200)
    reminder_due: bool = False


class ContactPage(BaseModel):
    """One page of contacts and how many match in all."""

    items: list[ContactRead]
    total: int
    limit: int
    offset: int


class DuplicatePair(BaseModel):
    """Two contacts that may be the same person; `score` 0-1, `reasons` say why."""

    a: uuid.UUID
    b: uuid.UUID
    a_name: str
    b_name: str
    score: float
    reasons: list[str]


class RowResult(BaseModel):
    """What happened to one import row."""

    row: int
    status: Literal["created", "merged", "refused"]
    contact_id: uuid.UUID | None = None
    reason: str = ""
    # Values kept as written and flagged on the contact, and how others were read or changed.
    flags: list[ValueFlag] = Field(default_factory=list)
    changes: list[str] = Field(default_factory=list)


class ImportReport(BaseModel):
    """Counts and the row-by-row outcome of an import."""

    created: int = 0
    merged: int = 0
    refused: int = 0
    flagged: int = 0
    rows: list[RowResult] = Field(default_factory=list)


class ReminderRead(BaseModel):
    """A follow-up reminder."""

    id: uuid.UUID
    contact_id: uuid.UUID
    due_at: UtcDatetime
    note: str
    status: str
    notified_at: UtcDatetime | None


class HistoryRead(BaseModel):
    """One entry of a contact's communication history."""

    id: uuid.UUID
    channel: str
    direction: str
    subject: str
    body: str
    created_at: UtcDatetime


class ShareSuggestionRead(BaseModel):
    """Details a card visitor shared for a contact already in the book, waiting for the owner to add or ignore."""

    id: uuid.UUID
    contact_id: uuid.UUID
    full_name: str
    company: str
    emails: list[LabeledValue]
    phones: list[LabeledValue]
    note: str
    card_slug: str
    created_at: UtcDatetime
