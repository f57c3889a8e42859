"""Contact book tables: saved contacts, their normalised identities, tags, history, reminders, merges, imports."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from metaic.core.encrypted_types import EncryptedBytes, EncryptedJSON, EncryptedText
from metaic.core.models import created_at_field, name_key_field, utc_column, uuid_pk

# "scan": typed from a photographed paper card (ai.scan); "manual": typed in by hand.
SOURCES = ("card", "share_back", "import", "scan", "manual")
STAGES = ("new", "warm", "client", "partner")
IDENTITY_KINDS = ("email", "phone")
REMINDER_STATUSES = ("pending", "done", "snoozed")
IMPORT_STATUSES = ("queued", "running", "done", "failed")
DIRECTIONS = ("inbound", "outbound")


class SavedContact(SQLModel, table=True):
    """A person in an owner's contact book; multi-values are JSON lists of {label, value}.

    Emails, phones, notes and flags (which quote values as written) are encrypted at rest; exact matches on
    emails and phones go through `ContactIdentity` digests, never through these columns.
    """

    __tablename__ = "saved_contacts"
    __table_args__ = (
        Index("ix_saved_contacts_owner_sort_name", "owner_id", "sort_name"),
        Index("ix_saved_contacts_owner_created", "owner_id", "created_at"),
        Index("ix_saved_contacts_owner_last_contacted", "owner_id", "last_contacted_at"),
        Index("ix_saved_contacts_owner_stage", "owner_id", "stage"),
        Index("ix_saved_contacts_owner_source", "owner_id", "source"),
        Index("ix_saved_contacts_owner_event", "owner_id", "event"),
        Index("ix_saved_contacts_owner_uid", "owner_id", "uid"),
    )

    id: uuid.UUID = uuid_pk()
    owner_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    full_name: str = Field(default="", max_length=200)
    first_name: str = Field(default="", max_length=100)
    last_name: str = Field(default="", max_length=100)
    company: str = Field(default="", max_length=200)
    title: str = Field(default="", max_length=200)
    emails: list[dict] = Field(
        default_factory=list, sa_column=Column(EncryptedJSON("saved_contacts.emails"), nullable=False)
    )
    phones: list[dict] = Field(
        default_factory=list, sa_column=Column(EncryptedJSON("saved_contacts.phones"), nullable=False)
    )
    addresses: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    links: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    birthday: str = Field(default="", max_length=20)
    uid: str = Field(default="", max_length=200)
    # The files domain owns the image; no FK so the two domains migrate independently.
    photo_file_id: uuid.UUID | None = Field(default=None)
    source: str = Field(default="manual", max_length=16)
    # The card this contact came from or was matched to; no FK (the card may go, the contact stays).
    card_id: uuid.UUID | None = Field(default=None, index=True)
    event: str = Field(default="", max_length=200)
    place: str = Field(default="", max_length=200)
    met_on: date | None = Field(default=None)
    how_we_met: str = Field(default="", max_length=500)
    notes: str = Field(default="", sa_type=EncryptedText("saved_contacts.notes"))
    stage: str = Field(default="new", max_length=16)
    strength: int = Field(default=3)
    last_contacted_at: datetime | None = utc_column(default=None)
    # Share-back consent records ({at, text, ip, card_id}): the visitor's address, encrypted at rest.
    consents: list[dict] = Field(
        default_factory=list, sa_column=Column(EncryptedJSON("saved_contacts.consents"), nullable=False)
    )
    # Values kept as written because they could not be read (a number without country code, an odd date):
    # {field, value, kind: kept|shortened, note}; the contact page marks them so the owner can check them.
    flags: list[dict] = Field(
        default_factory=list,
        sa_column=Column(EncryptedJSON("saved_contacts.flags"), nullable=False, server_default="[]"),
    )
    # Lower-cased name for sorting, and lower-cased searchable text (names, company, meeting; no emails or phones).
    sort_name: str = Field(default="", max_length=200)
    search_text: str = Field(default="", sa_type=Text)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class ContactIdentity(SQLModel, table=True):
    """The blind index of a contact's emails and phones: one HMAC digest per normalised value, for exact matching.

    `value_hash` is `store.identity_hash(owner, kind, value)` (lower-cased email, E.164 or digits phone); the
    values themselves live encrypted on the contact.
    """

    __tablename__ = "contact_identities"
    __table_args__ = (Index("ix_contact_identities_owner_kind_hash", "owner_id", "kind", "value_hash"),)

    id: uuid.UUID = uuid_pk()
    contact_id: uuid.UUID = Field(foreign_key="saved_contacts.id", index=True, ondelete="CASCADE")
    owner_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    kind: str = Field(max_length=8)
    value_hash: str = Field(max_length=64)


class Tag(SQLModel, table=True):
    """An owner's label for contacts, with a colour."""

    __tablename__ = "tags"
    __table_args__ = (
        UniqueConstraint("owner_id", "name"),
        Index("uq_tags_owner_name_key", "owner_id", "name_key", unique=True),
    )

    id: uuid.UUID = uuid_pk()
    owner_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=40)
    name_key: str = name_key_field()  # name_key(name): "Ölmez" and "ÖLMEZ" are one tag
    color: str = Field(default="gray", max_length=16)
    created_at: datetime = created_at_field()


class ContactTag(SQLModel, table=True):
    """A tag on a contact."""

    __tablename__ = "contact_tags"
    __table_args__ = (Index("ix_contact_tags_tag_contact", "tag_id", "contact_id"),)

    contact_id: uuid.UUID = Field(foreign_key="saved_contacts.id", primary_key=True, ondelete="CASCADE")
    tag_id: uuid.UUID = Field(foreign_key="tags.id", primary_key=True, ondelete="CASCADE")


class CommunicationEntry(SQLModel, table=True):
    """One exchange with a contact (a call, an email, a meeting, a shared form)."""

    __tablename__ = "communication_history"
    __table_args__ = (Index("ix_communication_history_contact_created", "contact_id", "created_at"),)

    id: uuid.UUID = uuid_pk()
    contact_id: uuid.UUID = Field(foreign_key="saved_contacts.id", ondelete="CASCADE")
    owner_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    channel: str = Field(max_length=24)
    direction: str = Field(default="outbound", max_length=8)
    subject: str = Field(default="", max_length=200)
    body: str = Field(default="", sa_type=EncryptedText("communication_history.body"))
    created_at: datetime = created_at_field()


class Reminder(SQLModel, table=True):
    """A follow-up reminder; `notified_at` is set once when it fires (claimed by one process)."""

    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_due", "notified_at", "due_at"),
        Index("ix_reminders_contact_status_due", "contact_id", "status", "due_at"),
    )

    id: uuid.UUID = uuid_pk()
    contact_id: uuid.UUID = Field(foreign_key="saved_contacts.id", ondelete="CASCADE")
    owner_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    due_at: datetime = utc_column()
    note: str = Field(default="", sa_type=EncryptedText("reminders.note"))  # at most 500 characters (service)
    status: str = Field(default="pending", max_length=16)
    notified_at: datetime | None = utc_column(default=None)
    created_at: datetime = created_at_field()


class MergeRecord(SQLModel, table=True):
    """A merge of two contacts, with a snapshot of both so it can be undone exactly."""

    __tablename__ = "contact_merges"

    id: uuid.UUID = uuid_pk()
    owner_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    keep_id: uuid.UUID
    drop_id: uuid.UUID
    snapshot: dict = Field(sa_column=Column(EncryptedJSON("contact_merges.snapshot"), nullable=False))
    created_at: datetime = created_at_field()
    undone_at: datetime | None = utc_column(default=None)


class ImportJob(SQLModel, table=True):
    """A contact import: the uploaded file, its progress and the row-by-row report."""

    __tablename__ = "import_jobs"

    id: uuid.UUID = uuid_pk()
    owner_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    filename: str = Field(default="", max_length=255)
    format: str = Field(max_length=16)
    status: str = Field(default="queued", max_length=16)
    total: int = 0
    processed: int = 0
    data: bytes | None = Field(default=None, sa_column=Column(EncryptedBytes("import_jobs.data"), nullable=True))
    report: dict | None = Field(default=None, sa_column=Column(EncryptedJSON("import_jobs.report"), nullable=True))
    error: str = Field(default="", max_length=500)
    created_at: datetime = created_at_field()
    finished_at: datetime | None = utc_column(default=None)


class ShareSuggestion(SQLModel, table=True):
    """Details a card visitor shared that match a contact already in the book, waiting for the owner's decision.

    Share-back is anonymous: anyone can type anyone's email, so what they send never changes a contact on
    its own; the owner adds it (with the visitor's consent record) or ignores it.
    """

    __tablename__ = "contact_suggestions"

    id: uuid.UUID = uuid_pk()
    contact_id: uuid.UUID = Field(foreign_key="saved_contacts.id", index=True, ondelete="CASCADE")
    owner_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    full_name: str = Field(default="", max_length=200)
    company: str = Field(default="", max_length=200)
    emails: list[dict] = Field(
        default_factory=list, sa_column=Column(EncryptedJSON("contact_suggestions.emails"), nullable=False)
    )
    phones: list[dict] = Field(
        default_factory=list, sa_column=Column(EncryptedJSON("contact_suggestions.phones"), nullable=False)
    )
    note: str = Field(default="", sa_type=EncryptedText("contact_suggestions.note"))
    consent: dict = Field(
        default_factory=dict, sa_column=Column(EncryptedJSON("contact_suggestions.consent"), nullable=False)
    )
    card_slug: str = Field(default="", max_length=80)
    created_at: datetime = created_at_field()
