"""Scan a paper business card: keep the photo, read its fields, save them as a contact after review.

`scan` stores the photo through the files domain (type by content, size, pixels and quota checked there)
and reads it: with the provider's vision model when the user allows it (see metaic/ai/vision.py), else
offline with Tesseract and the card parser. A provider failure falls back to OCR with a note. `save`
turns the reviewed fields into a contact with the photo attached, after a duplicate check the owner
answers (save as new, merge into the existing contact, or open it).
"""

from __future__ import annotations

import logging
import uuid
from typing import Literal

from PIL import Image
from pydantic import BaseModel, Field
from sqlmodel import Session

from metaic.ai import card_parse, engine, ocr, usage, vision
from metaic.ai.card_parse import CardFields, ScannedField
from metaic.ai.providers import OpenAIProvider, ProviderError
from metaic.ai.scan_match import Duplicate, find_duplicate
from metaic.auth.models import User
from metaic.config import get_settings
from metaic.contacts import dedupe, regions
from metaic.contacts import service as contact_service
from metaic.contacts.schemas import ContactInput, LabeledValue
from metaic.core import ratelimit
from metaic.core.errors import ValidationError
from metaic.files import images
from metaic.files import service as file_service

log = logging.getLogger(__name__)

FEATURE = "scan"
SCANS_PER_HOUR = 60
OCR_NOTE = "Read offline on this server (Tesseract OCR): compare the fields with the photo before saving."
STRIPPED = (
    "Read offline on this server: your AI settings keep email addresses and phone numbers out of AI requests, "
    "and a card photo shows them."
)
FAILED = {
    "timeout": "The AI model took too long, so the card was read offline instead. Check the marked fields.",
    "rate_limited": "The AI model is busy (rate limited), so the card was read offline instead.",
    "unavailable": "The AI model is unavailable right now, so the card was read offline instead.",
    "malformed": "The AI model's answer could not be read, so the card was read offline instead.",
    "refused": "The AI model refused the photo, so the card was read offline instead.",
}
NOT_OPTED_IN = (
    "Read offline on this server: the photo goes to the AI model only after you turn the AI provider on in AI settings."
)
BUDGET = "Read offline on this server: you have used today's AI allowance (it renews tomorrow, UTC)."
NO_OCR = "This server cannot read card photos offline (Tesseract is not installed): type the details in."


class ScanRead(BaseModel):
    """A read card: its stored photo, the fields to review, which engine read them and the note to show."""

    file_id: uuid.UUID
    image_url: str
    fields: list[ScannedField]
    other: list[str] = []
    source: Literal["vision", "ocr", "none"]
    note: str = ""
    seconds: float = 0.0


class FieldInput(BaseModel):
    """One reviewed field as the owner left it."""

    kind: card_parse.Kind
    value: str = Field(default="", max_length=500)
    label: str = Field(default="", max_length=40)


class SaveScan(BaseModel):
    """The reviewed fields of a scan and what to do when the contact already exists."""

    fields: list[FieldInput] = Field(max_length=60)
    note: str = Field(default="", max_length=5000)
    on_duplicate: Literal["check", "new", "merge"] = "check"
    merge_into: uuid.UUID | None = None


class SaveResult(BaseModel):
    """What saving did: `saved` or `merged` (contact_id), or `duplicate` (nothing saved; the match to offer)."""

    status: Literal["saved", "merged", "duplicate"]
    contact_id: uuid.UUID | None = None
    duplicate: Duplicate | None = None


def _ocr(image: Image.Image, owner: User) -> tuple[CardFields, float]:
    """The card's fields read offline, and the seconds it took."""
    region = regions.for_account(owner)
    text = ocr.read(image, hint=owner.language or "")
    lines = [card_parse.Line(line.text, line.confidence, line.height) for line in text.lines]
    return card_parse.parse_lines(lines, account_region=region, language=owner.language or ""), text.seconds


def _vision_or_note(session: Session, owner: User) -> tuple[OpenAIProvider | None, str, str]:
    """(provider, model, '') when the photo may go to the vision model; else (None, '', why not)."""
    provider, note = engine.provider_for(session=session, user_id=owner.id)
    model = vision.model_for(get_settings())
    if provider is None or model is None:
        return None, "", {engine.NOT_OPTED_IN: NOT_OPTED_IN, engine.BUDGET: BUDGET}.get(note, OCR_NOTE)
    if engine.strip_for(session=session, user_id=owner.id):
        return None, "", STRIPPED
    return provider, model, ""


def _read_with_vision(session: Session, owner: User, image: Image.Image) -> tuple[CardFields | None, str]:
    """The fields read by the vision model, or (None, note) when it may not or could not read them."""
    provider, model, note = _vision_or_note(session, owner)
    if provider is None or not model:
        failure = {BUDGET: "budget", NOT_OPTED_IN: "not_opted_in", STRIPPED: "stripped"}.get(note, "")
        usage.record(session=session, user_id=owner.id, feature=FEATURE, source="offline", failure=failure)
        return None, note
    try:
        answer = vision.ask(provider, model, image)
        try:
            found = vision.parse(answer.text, regions=[r for r in [regions.for_account(owner)] if r])
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderError("malformed", type(exc).__name__) from exc
    except ProviderError as exc:
        usage.record(session=session, user_id=owner.id, feature=FEATURE, source="offline", failure=exc.reason)
        return None, FAILED.get(exc.reason, FAILED["unavailable"])
    usage.record(
        session=session,
        user_id=owner.id,
        feature=FEATURE,
        source="provider",
        model=answer.model,
        prompt_tokens=answer.prompt_tokens,
        completion_tokens=answer.completion_tokens,
    )
    return found, ""


def read(*, session: Session, owner: User, file_id: uuid.UUID) -> ScanRead:
    """Read a stored card photo of the owner: vision model when allowed, OCR otherwise or on failure."""
    stored = file_service.get(session=session, owner=owner, file_id=file_id)
    data = file_service.read_original(session=session, owner=owner, file_id=file_id)
    image = images.decode(data, max_pixels=get_settings().max_image_pixels)
    found, note = _read_with_vision(session, owner, image)
    base = {"file_id": stored.id, "image_url": stored.original_url}
    if found is not None:
        return ScanRead(**base, fields=found.fields, other=found.other, source="vision")
    try:
        found, seconds = _ocr(image, owner)
    except ocr.OcrUnavailable as exc:
        log.warning("card scan %s: OCR unavailable: %s", file_id, exc)
        return ScanRead(**base, fields=[], source="none", note=NO_OCR)
    return ScanRead(**base, fields=found.fields, other=found.other, source="ocr", note=note, seconds=seconds)


def scan(*, session: Session, owner: User, filename: str, data: bytes) -> ScanRead:
    """Store a card photo (checked by the files domain) and read it."""
    ratelimit.hit(f"scan:{owner.id}", limit=SCANS_PER_HOUR, window=3600)
    stored = file_service.upload(session=session, owner=owner, purpose="scan", filename=filename, data=data)
    return read(session=session, owner=owner, file_id=stored.id)


def discard(*, session: Session, owner: User, file_id: uuid.UUID) -> None:
    """Delete a scan's photo that the owner did not save as a contact."""
    file_service.delete(session=session, owner=owner, file_id=file_id)


def to_contact(fields: list[FieldInput], *, file_id: uuid.UUID, note: str = "") -> ContactInput:
    """The contact input for reviewed fields (first value of name, title and company; every list value)."""
    first = {
        kind: next((f.value.strip() for f in fields if f.kind == kind and f.value.strip()), "")
        for kind in card_parse.KINDS
    }
    lists: dict[str, list[LabeledValue]] = {"emails": [], "phones": [], "links": [], "addresses": []}
    target = {"email": "emails", "phone": "phones", "website": "links", "address": "addresses"}
    for found in fields:
        if found.kind in target and found.value.strip():
            lists[target[found.kind]].append(LabeledValue(label=found.label, value=found.value.strip()))
    given, family = _split_name(first["name"])
    return ContactInput(
        full_name=first["name"],
        first_name=given,
        last_name=family,
        title=first["title"],
        company=first["company"],
        note=note,
        photo_file_id=file_id,
        source="scan",
        **lists,
    )


def _split_name(name: str) -> tuple[str, str]:
    """(given, family) of a Latin name ("Ada Lovelace"); a CJK name written with a space is family first."""
    parts = name.split()
    if len(parts) < 2:
        return "", ""
    if not name.isascii() and all(not ch.isascii() for ch in name.replace(" ", "")):
        return " ".join(parts[1:]), parts[0]
    return " ".join(parts[:-1]), parts[-1]


def save(*, session: Session, owner: User, file_id: uuid.UUID, data: SaveScan) -> SaveResult:
    """Save reviewed fields as a contact with the photo; first offer an existing contact it may duplicate."""
    file_service.get(session=session, owner=owner, file_id=file_id)  # the owner's photo, or NotFound
    contact = to_contact(data.fields, file_id=file_id, note=data.note)
    if data.on_duplicate == "check":
        match = find_duplicate(session=session, owner=owner, contact=contact)
        if match is not None:
            return SaveResult(status="duplicate", duplicate=match)
    if data.on_duplicate == "merge" and data.merge_into is None:
        raise ValidationError("Choose the contact to merge into.", field="merge_into")
    created = contact_service.create(session=session, owner=owner, data=contact)
    if data.on_duplicate == "merge":
        dedupe.merge(session=session, owner=owner, keep_id=data.merge_into, drop_id=created.id)
        return SaveResult(status="merged", contact_id=data.merge_into)
    return SaveResult(status="saved", contact_id=created.id)
