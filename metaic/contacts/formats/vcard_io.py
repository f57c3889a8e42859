"""vCard import (2.1, 3.0 and 4.0, many cards per file) and vCard 3.0 export of contact drafts."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import re
import urllib.parse
import uuid

import vobject

from metaic.cards.vcard import CRLF, escape, fold, split_name
from metaic.contacts.formats.common import finish, labeled, normalise_birthday, normalise_label
from metaic.contacts.formats.detect import unrecognised
from metaic.contacts.schemas import ContactDraft, ParsedRow
from metaic.core import clock

SOCIAL = {
    "linkedin",
    "twitter",
    "x",
    "instagram",
    "github",
    "facebook",
    "whatsapp",
    "wechat",
    "telegram",
    "youtube",
    "tiktok",
    "mastodon",
    "flickr",
    "myspace",
    "sinaweibo",
    "weibo",
}
_PHONE_OUT = {
    "mobile": "CELL,VOICE",
    "work": "WORK,VOICE",
    "home": "HOME,VOICE",
    "fax": "FAX",
    "work fax": "WORK,FAX",
    "home fax": "HOME,FAX",
    "pager": "PAGER",
    "": "VOICE",
}
_PLACE_OUT = {"work": "WORK", "home": "HOME"}
_BEGIN = re.compile(r"^BEGIN:VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^END:VCARD\s*$", re.IGNORECASE)
NAMESPACE = uuid.UUID("6f0c1f2e-4b7a-5d2c-9a51-3c1e8e7b9d10")


def split_cards(text: str) -> list[str]:
    """Each BEGIN:VCARD ... END:VCARD block of a file as its own text (a truncated last card included)."""
    cards: list[str] = []
    current: list[str] | None = None
    for line in text.lstrip("\ufeff").splitlines():
        if _BEGIN.match(line):
            if current:
                cards.append(CRLF.join(current) + CRLF)
            current = [line.strip()]
        elif current is not None:
            current.append(line)
            if _END.match(line):
                cards.append(CRLF.join(current) + CRLF)
                current = None
    if current:
        cards.append(CRLF.join(current) + CRLF)
    return cards


def unescape(value: str) -> str:
    """A TEXT value with its backslash escapes (\\n, \\, \\; \\\\) undone."""
    return re.sub(r"\\(.)", lambda m: "\n" if m[1] in "nN" else m[1], value, flags=re.DOTALL)


def split_unescaped(value: str, sep: str) -> list[str]:
    """Split on `sep` where it is not escaped by a backslash, then unescape each part."""
    parts, current, i = [], [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            current.append(value[i : i + 2])
            i += 2
            continue
        if ch == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return [unescape(p) for p in parts]


def _types(line) -> set[str]:
    """The TYPE values of a property, lowercased: `TYPE=a,b`, `TYPE="a,b"`, repeated TYPE and 2.1 bare ones."""
    raw = list(line.params.get("TYPE", [])) + list(getattr(line, "singletonparams", []))
    return {t.strip().strip('"').lower() for item in raw for t in item.split(",") if t.strip()}


def _phone_label(types: set[str]) -> str:
    """Our label for a telephone's TYPE values."""
    if "fax" in types:
        return "work fax" if "work" in types else "home fax" if "home" in types else "fax"
    for key, label in (
        ("cell", "mobile"),
        ("iphone", "mobile"),
        ("mobile", "mobile"),
        ("pager", "pager"),
        ("work", "work"),
        ("home", "home"),
        ("main", "main"),
        ("other", "other"),
        ("car", "car"),
    ):
        if key in types:
            return label
    return ""


def _place_label(types: set[str]) -> str:
    """Our label for an email's, address's or link's TYPE values."""
    return next((t for t in ("work", "home", "other") if t in types), "")


def to_jpeg(data: bytes) -> bytes | None:
    """The photo as JPEG bytes (PNG, GIF, ... converted), or None when it is not a readable image."""
    if data.startswith(b"\xff\xd8"):
        return data
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=90)
            return out.getvalue()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        return None


def _photo(line) -> bytes | None:
    """The bytes of an inline PHOTO (base64 in 2.1/3.0, a data: URI in 4.0); None for a link or junk."""
    if isinstance(line.value, bytes):
        return to_jpeg(line.value)
    raw = "".join(line.value.split())
    encoding = {e.lower() for e in line.params.get("ENCODING", [])} | {s.lower() for s in line.singletonparams}
    try:
        if encoding & {"b", "base64"}:
            return to_jpeg(base64.b64decode(raw, validate=False))
        if raw.lower().startswith("data:") and "," in raw:
            head, payload = raw.split(",", 1)
            data = (
                base64.b64decode(payload)
                if head.lower().endswith(";base64")
                else urllib.parse.unquote_to_bytes(payload)
            )
            return to_jpeg(data)
    except (binascii.Error, ValueError):
        return None
    return None


def content_lines(block: str) -> list:
    """The content lines of one card: unfolded, quoted-printable decoded, parameters parsed, values raw.

    vobject's line reader is used without its vCard value decoding, which drops everything after the first
    unescaped comma (a data: URI photo, a 2.1 note) and would unescape twice.
    """
    lines = [
        vobject.base.textLineToContentLine(text, number)
        for text, number in vobject.base.getLogicalLines(io.StringIO(block), allowQP=True)
    ]
    return [line for line in lines if line.name.upper() not in ("BEGIN", "END", "VERSION")]


def parse_card(row: int, lines: list) -> ParsedRow:
    """One card's content lines as a ParsedRow."""
    apple = {
        line.group.lower(): unescape(line.value) for line in lines if line.name.upper() == "X-ABLABEL" and line.group
    }
    fields: dict = {"emails": [], "phones": [], "addresses": [], "links": [], "tags": []}
    notes: list[str] = []
    for line in lines:
        name, types, raw = line.name.upper(), _types(line), line.value if isinstance(line.value, str) else ""
        custom = apple.get((line.group or "").lower())
        if name == "FN":
            fields["full_name"] = unescape(raw)
        elif name == "N":
            parts = [*split_unescaped(raw, ";"), "", ""]
            fields["last_name"], fields["first_name"] = parts[0].strip(), parts[1].strip()
        elif name == "ORG":
            fields["company"] = split_unescaped(raw, ";")[0]
        elif name == "TITLE":
            fields["title"] = unescape(raw)
        elif name == "NOTE":
            notes.append(unescape(raw))
        elif name == "BDAY":
            birthday = normalise_birthday(raw)
            # Apple marks a birthday without a year with a made-up year and X-APPLE-OMIT-YEAR.
            omit = "X-APPLE-OMIT-YEAR" in {key.upper() for key in line.params}
            dated = len(birthday) == 10 and birthday[4] == "-"
            fields["birthday"] = "--" + birthday[5:] if omit and dated else birthday
        elif name == "CATEGORIES":
            fields["tags"] += [t.strip() for t in split_unescaped(raw, ",") if t.strip()]
        elif name == "UID":
            fields["uid"] = unescape(raw)
        elif name == "PHOTO":
            fields["photo_jpeg"] = _photo(line) or fields.get("photo_jpeg")
        elif name == "TEL":
            value = re.sub(r"^tel:", "", unescape(raw).strip(), flags=re.IGNORECASE)
            fields["phones"].append((custom, _phone_label(types), value))
        elif name == "EMAIL":
            value = re.sub(r"^mailto:", "", unescape(raw).strip(), flags=re.IGNORECASE)
            fields["emails"].append((custom, _place_label(types), value))
        elif name == "ADR":
            parts = [p.strip() for p in split_unescaped(raw, ";")]
            # PO box, extended, street, city, region, postal code, country: one line as people write it.
            fields["addresses"].append((custom, _place_label(types), ", ".join(p for p in parts if p)))
        elif name == "URL":
            fields["links"].append((custom, _place_label(types), unescape(raw).strip()))
        elif name == "X-SOCIALPROFILE":
            users = line.params.get("X-USER", [])
            kind = next(iter(sorted(types)), "") or "social"
            fields["links"].append((custom, kind, unescape(raw).strip() or (users[0] if users else "")))
    for key in ("emails", "phones", "addresses", "links"):
        fields[key] = [
            labeled(normalise_label(custom) if custom else label, value)
            for custom, label, value in fields[key]
            if value
        ]
    if notes:
        fields["note"] = "\n".join(notes)
    if fields.get("photo_jpeg") is None:
        fields.pop("photo_jpeg", None)
    parsed = finish(row, fields)
    parsed.language = _language(lines)
    return parsed


def _language(lines: list) -> str:
    """The card's language: its LANG property (4.0), else the first LANGUAGE parameter of any property."""
    for line in lines:
        if line.name.upper() == "LANG" and isinstance(line.value, str):
            return line.value.strip()[:16]
    for line in lines:
        found = line.params.get("LANGUAGE") or []
        if found:
            return str(found[0]).strip()[:16]
    return ""


def parse(text: str) -> list[ParsedRow]:
    """Every card of a vCard file; a card we cannot read becomes a refused row, the others still import."""
    cards = split_cards(text)
    if not cards:
        raise unrecognised("it has no contact between BEGIN:VCARD and END:VCARD.")
    rows = []
    for number, block in enumerate(cards, start=1):
        if not _END.match(block.rstrip("\r\n").rsplit("\n", 1)[-1].strip()):
            rows.append(ParsedRow(row=number, error="This card is cut off: it has no END:VCARD line."))
            continue
        try:
            lines = content_lines(block)
        except (vobject.base.ParseError, ValueError, UnicodeError, LookupError) as exc:
            where = f" near line {exc.lineNumber}" if getattr(exc, "lineNumber", None) else ""
            rows.append(ParsedRow(row=number, error=f"This card could not be read: a line{where} is not valid vCard."))
            continue
        rows.append(parse_card(number, lines))
    return rows


def stable_uid(draft: ContactDraft) -> str:
    """A UID that stays the same for the same contact content, so re-importing the file updates it."""
    content = json.dumps(draft.model_dump(mode="python", exclude={"uid", "photo_jpeg"}), sort_keys=True)
    photo = hashlib.sha256(draft.photo_jpeg).hexdigest() if draft.photo_jpeg else ""
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, content + photo)}"


def card(draft: ContactDraft, revised: str) -> str:
    """One draft as a vCard 3.0 text (CRLF, folded); custom labels go in Apple's itemN.X-ABLabel."""
    lines = ["BEGIN:VCARD", "VERSION:3.0", "PRODID:-//MetaIC//Contacts//EN"]
    items = 0

    def add(name: str, value: str, types: str = "", label: str = "") -> None:
        """Add a property (value already escaped), numbering an Apple item group for a custom label."""
        nonlocal items
        prefix = ""
        if label:
            items += 1
            prefix = f"item{items}."
        lines.append(f"{prefix}{name}{';TYPE=' + types if types else ''}:{value}")
        if label:
            lines.append(f"{prefix}X-ABLabel:{escape(label)}")

    family, given = draft.last_name, draft.first_name
    if not (family or given):
        family, given, _ = split_name(draft.full_name)
    full = (
        draft.full_name
        or " ".join(p for p in (given, family) if p)
        or draft.company
        or next((v.value for v in draft.emails + draft.phones), "")
    )
    add("N", ";".join(escape(p) for p in (family, given, "", "", "")))
    add("FN", escape(full))
    if draft.company:
        add("ORG", escape(draft.company))
    if draft.title:
        add("TITLE", escape(draft.title))
    for phone in draft.phones:
        known = phone.label in _PHONE_OUT
        add("TEL", escape(phone.value), _PHONE_OUT.get(phone.label, "VOICE"), "" if known else phone.label)
    for email in draft.emails:
        kind = _PLACE_OUT.get(email.label)
        add(
            "EMAIL",
            escape(email.value),
            "INTERNET" + (f",{kind}" if kind else ""),
            "" if kind or not email.label else email.label,
        )
    for address in draft.addresses:
        kind = _PLACE_OUT.get(address.label, "")
        add(
            "ADR",
            ";".join(["", "", escape(address.value), "", "", "", ""]),
            kind,
            "" if kind or not address.label else address.label,
        )
    for link in draft.links:
        if link.label.lower() in SOCIAL:
            add("X-SOCIALPROFILE", link.value, link.label.lower())
        else:
            kind = _PLACE_OUT.get(link.label, "")
            # URIs are not TEXT: written as they are.
            add("URL", link.value, kind, "" if kind or not link.label else link.label)
    if draft.note:
        add("NOTE", escape(draft.note))
    if draft.birthday:
        add("BDAY", draft.birthday)
    if draft.tags:
        add("CATEGORIES", ",".join(escape(t) for t in draft.tags))
    if draft.photo_jpeg:
        # One unbroken base64 value; only the content line itself is folded.
        add("PHOTO;ENCODING=b;TYPE=JPEG", base64.b64encode(draft.photo_jpeg).decode("ascii"))
    add("UID", escape(draft.uid or stable_uid(draft)))
    add("REV", revised)
    lines.append("END:VCARD")
    return CRLF.join(fold(line) for line in lines) + CRLF


def export(drafts: list[ContactDraft]) -> bytes:
    """All drafts as one vCard 3.0 file: UTF-8 without BOM, CRLF line ends."""
    revised = clock.as_utc(clock.now()).strftime("%Y-%m-%dT%H:%M:%SZ")
    return "".join(card(draft, revised) for draft in drafts).encode("utf-8")
