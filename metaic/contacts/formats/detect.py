"""Which contact file format some bytes are: a vCard, a Google Contacts CSV or an Outlook CSV."""

from __future__ import annotations

from collections.abc import Callable

from metaic.contacts.formats.common import decode_text, read_csv
from metaic.contacts.schemas import ParsedRow
from metaic.core.errors import ValidationError

FORMATS = ("vcard", "google", "outlook")
HINT = (
    "a vCard file (.vcf, starting with BEGIN:VCARD), or a CSV exported from Google Contacts or Outlook "
    "with its first line of column names"
)


def unrecognised(why: str) -> ValidationError:
    """The error for a file we cannot read, with the reason and what we accept."""
    return ValidationError(f"We could not recognise this file: {why} We accept {HINT}.", field="file")


def is_vcard(text: str) -> bool:
    """True when the text starts with BEGIN:VCARD (after blank lines and a BOM)."""
    return text.lstrip("\ufeff \t\r\n").upper().startswith("BEGIN:VCARD")


def csv_kind(header: list[str]) -> str | None:
    """`google` or `outlook` from a CSV header, or None when it is neither."""
    names = {name.strip().lower() for name in header}
    if (
        "e-mail 1 - value" in names
        or "phone 1 - value" in names
        or "given name" in names
        or {"first name", "organization name"} <= names
    ):
        return "google"
    if names & {"e-mail address", "mobile phone", "business phone", "home phone"} and names & {
        "first name",
        "last name",
        "company",
    }:
        return "outlook"
    return None


def detect(data: bytes) -> str:
    """The format of a file's bytes; raises a ValidationError (field `file`) when it is none we read."""
    return detect_text(decode_text(data))


def detect_text(text: str) -> str:
    """The format of a decoded file (see `detect`)."""
    if not text.strip():
        raise unrecognised("it is empty.")
    if is_vcard(text):
        return "vcard"
    header, _ = read_csv(text)
    kind = csv_kind(header)
    if kind is None:
        shown = ", ".join(header[:4])[:120]
        raise unrecognised(f"its first line ({shown}) is not the column names of a Google Contacts or Outlook export.")
    return kind


def parse_csv_rows(
    text: str, *, kind: str, columns_hint: str, read_row: Callable[[int, list[str], list[str]], ParsedRow]
) -> list[ParsedRow]:
    """Every data row of a `kind` CSV through `read_row`; blank rows are skipped, over-long ones refused."""
    header, records = read_csv(text)
    if csv_kind(header) != kind:
        raise unrecognised(f"it does not have the columns of {columns_hint}.")
    rows = []
    for number, cells in enumerate(records, start=1):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            rows.append(
                ParsedRow(
                    row=number,
                    error=f"This row has {len(cells)} values but the file has "
                    f"{len(header)} columns; a value probably contains an "
                    "unquoted separator.",
                )
            )
            continue
        rows.append(read_row(number, header, cells))
    return rows
