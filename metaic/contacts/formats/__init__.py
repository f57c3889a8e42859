"""Contact files in and out: vCard (2.1/3.0/4.0 in, 3.0 out), Google Contacts CSV and Outlook CSV."""

from __future__ import annotations

from metaic.contacts.formats import google_csv, outlook_csv, vcard_io
from metaic.contacts.formats.common import decode_text
from metaic.contacts.formats.detect import FORMATS, detect, detect_text, unrecognised
from metaic.contacts.schemas import ContactDraft, ParsedRow
from metaic.core.errors import ValidationError

_PARSERS = {"vcard": vcard_io.parse, "google": google_csv.parse, "outlook": outlook_csv.parse}
_WRITERS = {"vcard": vcard_io.export, "google": google_csv.export, "outlook": outlook_csv.export}
MEDIA_TYPES = {
    "vcard": "text/vcard; charset=utf-8",
    "google": "text/csv; charset=utf-8",
    "outlook": "text/csv; charset=utf-8",
}
EXTENSIONS = {"vcard": "vcf", "google": "csv", "outlook": "csv"}


def _check(format: str, allowed: tuple[str, ...]) -> str:
    """The format name, lowercased, or a ValidationError (field `format`) naming the choices."""
    name = (format or "").strip().lower()
    if name not in allowed:
        raise ValidationError(f"Unknown format {format!r}: choose one of {', '.join(allowed)}.", field="format")
    return name


def parse(data: bytes, format: str = "auto") -> list[ParsedRow]:
    """The records of a contact file, each numbered from 1 with a draft or the reason it was refused.

    `format` is auto (recognised by content), vcard, google or outlook. A file that is none of them raises a
    ValidationError with field `file`.
    """
    name = _check(format, ("auto", *FORMATS))
    text = decode_text(data)
    if name == "auto":
        name = detect_text(text)
    elif not text.strip():
        raise unrecognised("it is empty.")
    return _PARSERS[name](text)


def export(drafts: list[ContactDraft], format: str) -> bytes:
    """The drafts as a file in `format` (vcard, google or outlook)."""
    return _WRITERS[_check(format, FORMATS)](drafts)


__all__ = ["EXTENSIONS", "FORMATS", "MEDIA_TYPES", "detect", "export", "parse"]
