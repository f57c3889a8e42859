"""Helpers every contact file format shares: decoding bytes, reading CSV, labels, and turning fields into rows."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pydantic

from metaic.contacts.schemas import ContactDraft, LabeledValue, ParsedRow, ValueFlag
from metaic.contacts.text import is_blank
from metaic.core.errors import ValidationError

# Labels we keep in one canonical spelling; any other label is the user's own and is kept as written.
_CANONICAL = {
    "cell": "mobile",
    "mobile": "mobile",
    "iphone": "mobile",
    "work": "work",
    "business": "work",
    "office": "work",
    "home": "home",
    "personal": "home",
    "other": "other",
    "main": "main",
    "fax": "fax",
    "work fax": "work fax",
    "workfax": "work fax",
    "business fax": "work fax",
    "home fax": "home fax",
    "homefax": "home fax",
    "other fax": "fax",
    "pager": "pager",
    "car": "car",
    "homepage": "homepage",
}
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
_FIELD_NAMES = {
    "full_name": "name",
    "first_name": "first name",
    "last_name": "last name",
    "company": "company",
    "title": "job title",
    "emails": "email addresses",
    "phones": "phone numbers",
    "addresses": "addresses",
    "links": "links",
    "note": "note",
    "birthday": "birthday",
    "uid": "unique id",
    "tags": "labels",
    "label": "label",
    "value": "value",
}
# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets (OWASP's list):
# `=HYPERLINK(...)` from an anonymous share-back would run in the owner's spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A phone number ("+34 612 345 678", "-0143") is only digits and punctuation: as a formula it can compute
# nothing but a number, so it is written as it is and stays a phone number in every program.
_PHONE = re.compile(r"\+?[\d\s().\-/]*\d[\d\s().\-/]*")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
EMPTY_REASON = "This contact has no name, email address or phone number, so there is nothing to import."


def decode_text(data: bytes) -> str:
    """Text from a file's bytes: a BOM or valid UTF-8 first, then the most likely legacy encoding."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(
        data, cp_isolation=["cp1252", "gb18030", "big5", "shift_jis", "euc_kr", "cp1251", "cp1250", "latin_1"]
    ).best()
    return str(best) if best is not None else data.decode("cp1252", errors="replace")


def sniff_delimiter(first_line: str) -> str:
    """The separator of a CSV header line: comma, semicolon (some Outlook locales) or tab, whichever is most used."""
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def escape_cell(value: str, *, phone: bool = False) -> str:
    """A cell a spreadsheet shows as text: a formula-like value gets a leading `'` (OWASP's rule).

    A value that already starts with `'` before a formula character or another `'` gets one more, so
    `unescape_cell` gives back exactly what was written. A phone number in a phone column is left alone.
    """
    if not value or (phone and _PHONE.fullmatch(value)):
        return value
    if value.startswith(FORMULA_STARTS) or (value[0] == "'" and value[1:2] in (*FORMULA_STARTS, "'")):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    """A cell as written before `escape_cell` (also Excel's own `'` for "this is text": `'+34 612` is `+34 612`)."""
    if value[:1] == "'" and value[1:2] and value[1:2] in (*FORMULA_STARTS, "'"):
        return value[1:]
    return value


def read_csv(text: str) -> tuple[list[str], list[list[str]]]:
    """(header, records) of a CSV text; separators and line ends are detected, blank lines skipped.

    A cell `escape_cell` protected is given back as it was (`'=1+1` reads `=1+1`).
    """
    text = text.lstrip("\ufeff").replace("\x00", "")
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first))
    try:
        rows = [row for row in reader if row]
    except csv.Error as exc:
        raise ValidationError(
            f"We could not read this CSV file: near line {reader.line_num}, {exc}.", field="file"
        ) from exc
    if not rows:
        return [], []
    return [cell.strip() for cell in rows[0]], [[unescape_cell(cell) for cell in row] for row in rows[1:]]


def write_csv(header: list[str], rows: list[list[str]], *, phone_columns: frozenset[str] = frozenset()) -> str:
    """A CSV text with CRLF line ends, quoting only where needed, every cell safe to open in a spreadsheet.

    Every spreadsheet-bound file goes through here: formula-like cells are escaped (`escape_cell`), except
    phone numbers in `phone_columns`.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    phone = [name in phone_columns for name in header]
    for row in rows:
        writer.writerow([escape_cell(cell, phone=is_phone) for cell, is_phone in zip(row, phone, strict=False)])
    return out.getvalue()


def normalise_label(raw: str) -> str:
    """A label as we store it: Google's `* ` primary mark and Apple's `_$!<...>!$_` removed, common ones lowercased."""
    label = raw.strip().removeprefix("* ").strip()
    match = _APPLE_LABEL.match(label)
    if match:
        label = match.group(1).strip()
    return _CANONICAL.get(label.lower(), label)[:40]


def display_label(label: str) -> str:
    """A label as spreadsheets show it: `work fax` becomes `Work Fax`, the user's own labels stay as written."""
    return label.title() if label in _CANONICAL.values() else label


def compose_name(*parts: str) -> str:
    """A full name from given, middle and family names (family name first, no spaces, for CJK names)."""
    words = [p.strip() for p in parts if p and p.strip()]
    if len(words) > 1 and all(_CJK.search(w) for w in words):
        return "".join(reversed(words))
    return " ".join(words)


def _date(year: str, month: int, day: int) -> str | None:
    """YYYY-MM-DD (or --MM-DD without a year) when it is a real calendar day (29 February allowed without a year)."""
    try:
        datetime.date(int(year) if year else 2000, month, day)
    except ValueError:
        return None
    return f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


def normalise_birthday(raw: str) -> str:
    """A birthday as YYYY-MM-DD, or --MM-DD without a year; any other text is kept as written (and flagged later).

    Slashed dates are read month first (Outlook in the US), or day first when the first number cannot be a month.
    """
    value = raw.strip()
    if not value.strip("0/-. "):
        return ""  # Outlook writes 0/0/00 for "no birthday"
    if match := re.match(r"^(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?$", value):
        return _date(match[1], int(match[2]), int(match[3])) or value
    if match := re.match(r"^--(\d{2})-?(\d{2})$", value):
        return _date("", int(match[1]), int(match[2])) or value
    if match := re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", value):
        first, second = int(match[1]), int(match[2])
        return _date(match[3], first, second) or _date(match[3], second, first) or value
    return value


def labeled(label: str, value: str) -> LabeledValue:
    """A LabeledValue not yet checked: `finish` cuts an over-long value and flags it instead of refusing the row."""
    return LabeledValue.model_construct(label=label[:40], value=value)


def values(pairs: list[tuple[str, str]]) -> list[LabeledValue]:
    """LabeledValues from (label, value) pairs, dropping empty values and tidying labels."""
    return [labeled(normalise_label(label), value.strip()) for label, value in pairs if value and value.strip()]


def _reason(exc: pydantic.ValidationError) -> str:
    """A sentence for the first problem pydantic found in a draft."""
    error = exc.errors()[0]
    name = _FIELD_NAMES.get(str(error["loc"][0]), str(error["loc"][0])) if error["loc"] else "contact"
    return f"The {name} could not be read ({error['msg']})."


def _fit(fields: dict, flags: list[ValueFlag]) -> None:
    """Cut values longer than a contact keeps to their maximum, flagging each, so the rest of the record imports."""
    for name, info in ContactDraft.model_fields.items():
        limit = next((m.max_length for m in info.metadata if getattr(m, "max_length", None)), None)
        value = fields.get(name)
        if limit is None or not isinstance(value, str | list) or len(value) <= limit:
            continue
        label = _FIELD_NAMES.get(name, name)
        if isinstance(value, str):
            fields[name] = value[:limit]
            why = f"The {label} was longer than {limit} characters; the first {limit} were kept."
            flags.append(ValueFlag(field=name, value=fields[name], kind="shortened", note=why))
        else:
            fields[name] = value[:limit]
            why = f"This contact had {len(value)} {label}; the first {limit} were kept."
            flags.append(ValueFlag(field=name, value="", kind="shortened", note=why))
    for name in ("emails", "phones", "addresses", "links"):
        for item in fields.get(name) or []:
            if len(item.value) > 500:
                item.value = item.value[:500]
                why = f"A {label_of(name)} was longer than 500 characters; the first 500 were kept."
                flags.append(ValueFlag(field=name, value=item.value, kind="shortened", note=why))


def label_of(name: str) -> str:
    """The words for a field in messages ("phone numbers")."""
    return _FIELD_NAMES.get(name, name)


def finish(row: int, fields: dict) -> ParsedRow:
    """The ParsedRow for one record: a draft (odd values kept, over-long ones cut and flagged), or why there is none.

    A record is refused only when nothing in it identifies a person: no name, company, email or phone.
    """
    fields = {key: value.strip() if isinstance(value, str) else value for key, value in fields.items()}
    if "note" in fields:
        fields["note"] = fields["note"].replace("\r\n", "\n").replace("\r", "\n")
    if not fields.get("full_name"):
        fields["full_name"] = compose_name(fields.get("first_name", ""), fields.get("last_name", ""))
    flags: list[ValueFlag] = []
    _fit(fields, flags)
    try:
        draft = ContactDraft(**fields)
    except pydantic.ValidationError as exc:
        return ParsedRow(row=row, error=_reason(exc))
    if all(is_blank(v) for v in (draft.full_name, draft.company)) and not (draft.emails or draft.phones):
        return ParsedRow(row=row, error=EMPTY_REASON)
    return ParsedRow(row=row, draft=draft, flags=flags)
