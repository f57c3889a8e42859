"""The shape of a contact as it moves between files, forms and the contact book."""

from __future__ import annotations

from pydantic import BaseModel, Field


class LabeledValue(BaseModel):
    """One email, phone, address or link with its label (work, home, mobile, …)."""

    label: str = Field(default="", max_length=40)
    value: str = Field(max_length=500)


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
