"""Outlook CSV (outlook.com and desktop Outlook, comma or semicolon separated, any legacy encoding): import and
export. Outlook has fixed columns: three emails without labels, phones and addresses by kind."""

from __future__ import annotations

from metaic.contacts.formats.common import compose_name, finish, labeled, normalise_birthday, write_csv
from metaic.contacts.formats.detect import parse_csv_rows
from metaic.contacts.schemas import ContactDraft, ParsedRow

EMAILS = ["E-mail Address", "E-mail 2 Address", "E-mail 3 Address"]
# Phone columns in the order they are read back, with the label each one means.
PHONES = {
    "Mobile Phone": "mobile",
    "Business Phone": "work",
    "Business Phone 2": "work",
    "Home Phone": "home",
    "Home Phone 2": "home",
    "Company Main Phone": "main",
    "Primary Phone": "",
    "Business Fax": "work fax",
    "Home Fax": "home fax",
    "Other Fax": "fax",
    "Pager": "pager",
    "Car Phone": "car",
    "Other Phone": "other",
}
PLACES = {"Business": "work", "Home": "home", "Other": "other"}
ADDRESS_PARTS = ["Street", "City", "State", "Postal Code", "Country/Region"]
LINKS = {"Web Page": "", "Personal Web Page": "home"}
HEADER = [
    "First Name",
    "Middle Name",
    "Last Name",
    "Title",
    "Suffix",
    "Nickname",
    *EMAILS,
    *PHONES,
    "Job Title",
    "Department",
    "Company",
    *(f"{place} {part}" for place in PLACES for part in ADDRESS_PARTS),
    *LINKS,
    "Birthday",
    "Notes",
    "Categories",
]


def _row(number: int, header: list[str], cells: list[str]) -> ParsedRow:
    """One non-blank data row, no longer than the header, as a ParsedRow."""
    cell = {name.lower(): value.strip() for name, value in zip(header, cells, strict=False)}

    def get(name: str) -> str:
        """The cell under a column name (any case), or empty."""
        return cell.get(name.lower(), "")

    phones = [labeled(label, get(column)) for column, label in PHONES.items() if get(column)]
    addresses = []
    for place, label in PLACES.items():
        parts = [get(f"{place} {part}") for part in ADDRESS_PARTS]
        if any(parts):
            addresses.append(labeled(label, ", ".join(p for p in parts if p)))
    first, middle, last = get("First Name"), get("Middle Name"), get("Last Name")
    categories = get("Categories").replace(",", ";")
    fields = {
        "full_name": compose_name(first, middle, last),
        "first_name": first,
        "last_name": last,
        "company": get("Company"),
        "title": get("Job Title"),
        "emails": [labeled("", get(column)) for column in EMAILS if get(column)],
        "phones": phones,
        "addresses": addresses,
        "links": [labeled(label, get(column)) for column, label in LINKS.items() if get(column)],
        "note": get("Notes"),
        "birthday": normalise_birthday(get("Birthday")),
        "tags": [tag.strip() for tag in categories.split(";") if tag.strip()],
    }
    return finish(number, fields)


def parse(text: str) -> list[ParsedRow]:
    """Every contact of an Outlook CSV; a row we cannot read is refused with its reason."""
    return parse_csv_rows(
        text,
        kind="outlook",
        read_row=_row,
        columns_hint="an Outlook export (First Name, Last Name, E-mail Address, Mobile Phone, ...)",
    )


def _phone_columns(draft: ContactDraft) -> dict[str, str]:
    """Each phone in the column its label names; when that column is taken, in Other Phone if still free."""
    out: dict[str, str] = {}
    for phone in draft.phones:
        columns = [column for column, label in PHONES.items() if label == phone.label] or ["Other Phone"]
        free = next((c for c in [*columns, "Other Phone"] if c not in out), None)
        if free:
            out[free] = phone.value
    return out


def _address_columns(draft: ContactDraft) -> dict[str, str]:
    """Each address, as one line in the Street column of its kind (work, home, other)."""
    out: dict[str, str] = {}
    for address in draft.addresses:
        place = next((p for p, label in PLACES.items() if label == address.label), "Other")
        out.setdefault(f"{place} Street", address.value)
    return out


def _birthday(value: str) -> str:
    """A YYYY-MM-DD birthday as Outlook writes it (M/D/YYYY); one without a year is left out."""
    if len(value) == 10 and value[4] == "-":
        return f"{int(value[5:7])}/{int(value[8:10])}/{value[:4]}"
    return ""


def export(drafts: list[ContactDraft]) -> bytes:
    """The drafts as an Outlook CSV: comma separated, UTF-8 with a BOM (which Outlook and Excel need)."""
    rows = []
    for draft in drafts:
        row = dict.fromkeys(HEADER, "")
        first, last = (
            (draft.first_name, draft.last_name) if draft.first_name or draft.last_name else (draft.full_name, "")
        )
        row.update(
            {
                "First Name": first,
                "Last Name": last,
                "Company": draft.company,
                "Job Title": draft.title,
                "Notes": draft.note,
                "Birthday": _birthday(draft.birthday),
                "Categories": ";".join(draft.tags),
            }
        )
        row.update(zip(EMAILS, (e.value for e in draft.emails), strict=False))
        row.update(_phone_columns(draft))
        row.update(_address_columns(draft))
        home = [link.value for link in draft.links if link.label == "home"]
        other = [link.value for link in draft.links if link.label != "home"]
        row["Personal Web Page"], row["Web Page"] = (home or [""])[0], (other or [""])[0]
        rows.append([row[name] for name in HEADER])
    return b"\xef\xbb\xbf" + write_csv(HEADER, rows, phone_columns=frozenset(PHONES)).encode("utf-8")
