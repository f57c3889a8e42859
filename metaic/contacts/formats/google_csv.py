"""Google Contacts CSV: import of the current (`First Name`, `E-mail 1 - Label`) and older (`Given Name`,
`E-mail 1 - Type`) exports, and export in the current layout."""

from __future__ import annotations

import re

from metaic.contacts.formats.common import (
    compose_name,
    display_label,
    finish,
    normalise_birthday,
    values,
    write_csv,
)
from metaic.contacts.formats.detect import parse_csv_rows
from metaic.contacts.schemas import ContactDraft, ParsedRow

BASE = [
    "First Name",
    "Middle Name",
    "Last Name",
    "Phonetic First Name",
    "Phonetic Middle Name",
    "Phonetic Last Name",
    "Name Prefix",
    "Name Suffix",
    "Nickname",
    "File As",
    "Organization Name",
    "Organization Title",
    "Organization Department",
    "Birthday",
    "Notes",
    "Photo",
    "Labels",
]
ADDRESS_PARTS = ["Formatted", "Street", "City", "PO Box", "Region", "Postal Code", "Country", "Extended Address"]
MULTI = " ::: "  # how Google puts several values (or labels) in one cell
_NUMBERED = re.compile(r"^(E-mail|Phone|Address|Website|Organization) (\d+) - (.+)$", re.IGNORECASE)


def _split(cell: str) -> list[str]:
    """The values Google packed into one cell with ` ::: `."""
    return (
        [part.strip() for part in cell.split(MULTI.strip()) if part.strip()]
        if MULTI.strip() in cell
        else [cell.strip()]
    )


def _record(header: list[str], cells: list[str]) -> tuple[dict[str, str], dict[tuple[str, int], dict[str, str]]]:
    """Plain columns by lowercased name, and numbered groups (`E-mail 2 - Value`) by (kind, number)."""
    plain: dict[str, str] = {}
    groups: dict[tuple[str, int], dict[str, str]] = {}
    for name, cell in zip(header, cells, strict=False):
        match = _NUMBERED.match(name)
        if match:
            part = match[3].lower().replace("type", "label")
            groups.setdefault((match[1].lower(), int(match[2])), {})[part] = cell
        else:
            plain[name.lower()] = cell
    return plain, groups


def _labeled(groups: dict, kind: str) -> list[tuple[str, str]]:
    """(label, value) pairs of one kind, in column order, unpacking ` ::: ` cells."""
    pairs = []
    for (group_kind, _), parts in sorted(groups.items(), key=lambda item: item[0][1]):
        if group_kind != kind:
            continue
        if kind == "address":
            formatted = parts.get("formatted", "").strip()
            pieces = [
                parts.get(p, "").strip()
                for p in ("po box", "street", "extended address", "city", "region", "postal code", "country")
            ]
            value = formatted or ", ".join(p for p in pieces if p)
            pairs.append((parts.get("label", ""), value))
            continue
        label = parts.get("label", "")
        pairs += [(label, value) for value in _split(parts.get("value", ""))]
    return pairs


def _row(number: int, header: list[str], cells: list[str]) -> ParsedRow:
    """One non-blank data row, no longer than the header, as a ParsedRow."""
    plain, groups = _record(header, cells)
    org = groups.get(("organization", 1), {})
    first = plain.get("first name") or plain.get("given name", "")
    middle = plain.get("middle name") or plain.get("additional name", "")
    last = plain.get("last name") or plain.get("family name", "")
    labels = plain.get("labels") or plain.get("group membership", "")
    fields = {
        "full_name": plain.get("name") or compose_name(first, middle, last),
        "first_name": first,
        "last_name": last,
        "company": plain.get("organization name") or org.get("name", ""),
        "title": plain.get("organization title") or org.get("title", ""),
        "emails": values(_labeled(groups, "e-mail")),
        "phones": values(_labeled(groups, "phone")),
        "addresses": values(_labeled(groups, "address")),
        "links": values(_labeled(groups, "website")),
        "note": plain.get("notes", ""),
        "birthday": normalise_birthday(plain.get("birthday", "")),
        # `* myContacts`, `* starred`: Google's own groups, not the user's labels.
        "tags": [tag for tag in _split(labels) if tag and not tag.startswith("*")],
    }
    return finish(number, fields)


def parse(text: str) -> list[ParsedRow]:
    """Every contact of a Google Contacts CSV; a row we cannot read is refused with its reason."""
    return parse_csv_rows(
        text,
        kind="google",
        read_row=_row,
        columns_hint="a Google Contacts export (First Name, E-mail 1 - Value, Phone 1 - Value, ...)",
    )


def _names(draft: ContactDraft) -> tuple[str, str]:
    """(first, last) for the name columns; a full name alone goes into First Name whole."""
    if draft.first_name or draft.last_name:
        return draft.first_name, draft.last_name
    return draft.full_name, ""


def export(drafts: list[ContactDraft]) -> bytes:
    """The drafts as a Google Contacts CSV (current header), UTF-8, with as many numbered columns as needed."""
    counts = {
        kind: max([1, *(len(getattr(d, kind)) for d in drafts)]) for kind in ("emails", "phones", "addresses", "links")
    }
    header = list(BASE)
    for n in range(1, counts["emails"] + 1):
        header += [f"E-mail {n} - Label", f"E-mail {n} - Value"]
    for n in range(1, counts["phones"] + 1):
        header += [f"Phone {n} - Label", f"Phone {n} - Value"]
    for n in range(1, counts["addresses"] + 1):
        header += [f"Address {n} - Label", *(f"Address {n} - {part}" for part in ADDRESS_PARTS)]
    for n in range(1, counts["links"] + 1):
        header += [f"Website {n} - Label", f"Website {n} - Value"]
    rows = []
    for draft in drafts:
        first, last = _names(draft)
        row = dict.fromkeys(header, "")
        row.update(
            {
                "First Name": first,
                "Last Name": last,
                "Organization Name": draft.company,
                "Organization Title": draft.title,
                "Birthday": draft.birthday,
                "Notes": draft.note,
                "Labels": MULTI.join(draft.tags),
            }
        )
        for kind, column in (("emails", "E-mail"), ("phones", "Phone"), ("links", "Website")):
            for n, item in enumerate(getattr(draft, kind), start=1):
                row[f"{column} {n} - Label"] = display_label(item.label)
                row[f"{column} {n} - Value"] = item.value
        for n, item in enumerate(draft.addresses, start=1):
            row[f"Address {n} - Label"] = display_label(item.label)
            row[f"Address {n} - Formatted"] = row[f"Address {n} - Street"] = item.value
        rows.append([row[name] for name in header])
    phones = frozenset(name for name in header if name.startswith("Phone ") and name.endswith(" - Value"))
    return write_csv(header, rows, phone_columns=phones).encode("utf-8")
