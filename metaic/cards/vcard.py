"""vCard 3.0 (RFC 2426) export of a card: escaped, folded at 75 octets, UID and REV for clean re-imports."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime

from metaic.cards import address
from metaic.cards.schemas import CardContent

CRLF = "\r\n"
MAX_OCTETS = 75
# Common labels that map onto standard TYPE values; any other label is kept with Apple's X-ABLabel.
_PHONE_TYPES = {
    "mobile": "CELL",
    "cell": "CELL",
    "work": "WORK",
    "office": "WORK",
    "home": "HOME",
    "fax": "FAX",
    "main": "WORK",
    "personal": "HOME",
}
_EMAIL_TYPES = {"work": "WORK", "office": "WORK", "home": "HOME", "personal": "HOME"}
_ADR_TYPES = {"work": "WORK", "office": "WORK", "home": "HOME", "personal": "HOME"}
_SOCIAL_TYPES = {
    "linkedin": "linkedin",
    "x": "twitter",
    "instagram": "instagram",
    "github": "github",
    "whatsapp": "whatsapp",
    "wechat": "wechat",
    "telegram": "telegram",
}


def escape(value: str) -> str:
    """Escape a TEXT value: backslash, comma, semicolon and newlines (RFC 2426 §4)."""
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never inside a UTF-8 sequence."""
    out: list[str] = []
    current, size, limit = [], 0, MAX_OCTETS
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append("".join(current))
            # Continuation lines start with a space, which counts towards their 75 octets.
            current, size, limit = [], 0, MAX_OCTETS - 1
        current.append(ch)
        size += width
    out.append("".join(current))
    return (CRLF + " ").join(out)


def split_name(full: str) -> tuple[str, str, str]:
    """(family, given, additional) from a display name; a one-word name (or a CJK name) is all given.

    Words without letters (emoji, symbols) are left out of N; FN keeps the name exactly as written.
    """
    parts = [p for p in full.split() if any(ch.isalpha() for ch in p)]
    if not parts:
        return "", full.strip(), ""
    if len(parts) == 1:
        return "", parts[0], ""
    return parts[-1], parts[0], " ".join(parts[1:-1])


def _type(label: str, mapping: dict[str, str], base: list[str], preferred: bool) -> tuple[str, str | None]:
    """TYPE parameter values and, for a label no TYPE expresses, the label itself."""
    key = label.strip().lower()
    types = list(base)
    custom = None
    if key in mapping:
        types.append(mapping[key])
    elif key:
        custom = label
    if preferred:
        types.append("PREF")
    return ",".join(dict.fromkeys(types)), custom


def adr_value(text: str) -> str:
    """An ADR value (PO box;extended;street;city;region;postal code;country) from a free-text address."""
    parts = address.split(text)
    return ";".join(
        ["", "", *(escape(p) for p in (parts.street, parts.city, parts.region, parts.postal_code, parts.country))]
    )


class _Writer:
    """Collects content lines, numbering Apple item groups for custom labels."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.items = 0

    def add(self, name: str, value: str, params: str = "", label: str | None = None) -> None:
        """Add a property line (value already escaped), with an X-ABLabel when it has a custom label."""
        prefix = ""
        if label:
            self.items += 1
            prefix = f"item{self.items}."
        self.lines.append(f"{prefix}{name}{';' + params if params else ''}:{value}")
        if label:
            self.lines.append(f"{prefix}X-ABLabel:{escape(label)}")


def build(
    content: CardContent,
    photo_jpeg: bytes | None = None,
    *,
    card_id: uuid.UUID | None = None,
    revised: datetime | None = None,
    url: str | None = None,
) -> str:
    """The card as a vCard 3.0 text (CRLF line ends, folded); encode as UTF-8 without BOM to serve it."""
    w = _Writer()
    w.lines += ["BEGIN:VCARD", "VERSION:3.0", "PRODID:-//MetaIC//Digital business card//EN"]
    family, given, additional = split_name(content.name)
    w.add("N", ";".join(escape(p) for p in (family, given, additional, "", "")))
    w.add("FN", escape(content.name))
    if content.business.name:
        w.add("ORG", escape(content.business.name))
    if content.headline:
        w.add("TITLE", escape(content.headline))
    for item in content.contacts:
        if item.kind == "phone":
            params, label = _type(item.label, _PHONE_TYPES, ["VOICE"], item.preferred)
            w.add("TEL", escape(item.value), f"TYPE={params}", label)
        elif item.kind == "email":
            params, label = _type(item.label, _EMAIL_TYPES, ["INTERNET"], item.preferred)
            w.add("EMAIL", escape(item.value), f"TYPE={params}", label)
        else:
            params, label = _type(item.label, _ADR_TYPES, [], item.preferred)
            w.add("ADR", adr_value(item.value), f"TYPE={params}" if params else "", label)
    if content.business.address:
        w.add("ADR", adr_value(content.business.address), "TYPE=WORK")
    # URL values are URIs, not TEXT: they are written as they are (normalised URLs hold no line breaks).
    if url:
        w.add("URL", url)
    if content.business.website:
        w.add("URL", content.business.website, "TYPE=WORK")
    for social in content.socials:
        if social.kind in ("website", "custom"):
            w.add("URL", social.url, "", social.label or None)
        elif social.kind == "wechat" and "://" not in social.url:
            w.add("X-SOCIALPROFILE", escape(social.url), f"TYPE=wechat;X-USER={social.url}")
        else:
            w.add("X-SOCIALPROFILE", social.url, f"TYPE={_SOCIAL_TYPES[social.kind]}")
    if content.bio:
        w.add("NOTE", escape(content.bio))
    if content.interests:
        w.add("CATEGORIES", ",".join(escape(i) for i in content.interests))
    if photo_jpeg:
        # One unbroken base64 value (folded like every line), which iOS, Android and Outlook all read.
        w.add("PHOTO", base64.b64encode(photo_jpeg).decode("ascii"), "ENCODING=b;TYPE=JPEG")
    if card_id:
        w.add("UID", f"urn:uuid:{card_id}")
    if revised:
        w.add("REV", revised.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    w.lines.append("END:VCARD")
    return CRLF.join(fold(line) for line in w.lines) + CRLF


def compact(content: CardContent, *, url: str) -> str:
    """A short vCard for an offline QR code: name, organisation, title, first phone and email, page URL."""
    family, given, additional = split_name(content.name)
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "N:" + ";".join(escape(p) for p in (family, given, additional, "", "")),
        f"FN:{escape(content.name)}",
    ]
    if content.business.name:
        lines.append(f"ORG:{escape(content.business.name)}")
    if content.headline:
        lines.append(f"TITLE:{escape(content.headline)}")
    phone, email = content.preferred_contact("phone"), content.preferred_contact("email")
    if phone:
        lines.append(f"TEL:{phone.value}")
    if email:
        lines.append(f"EMAIL:{escape(email.value)}")
    lines += [f"URL:{url}", "END:VCARD"]
    # No folding: QR readers take the text as is, and every byte makes the code denser.
    return CRLF.join(lines)


def mecard(content: CardContent, *, url: str) -> str:
    """A MECARD (the compact format phones' camera apps read): name, phone, email, URL."""

    def esc(value: str) -> str:
        """MECARD escapes backslash, semicolon, colon and comma."""
        return "".join("\\" + ch if ch in '\\;:,"' else ch for ch in value)

    family, given, additional = split_name(content.name)
    name = f"{esc(family)},{esc(' '.join(p for p in (given, additional) if p))}" if family else esc(content.name)
    parts = [f"N:{name}"]
    phone, email = content.preferred_contact("phone"), content.preferred_contact("email")
    if content.business.name:
        parts.append(f"ORG:{esc(content.business.name)}")
    if phone:
        parts.append(f"TEL:{phone.value}")
    if email:
        parts.append(f"EMAIL:{esc(email.value)}")
    parts.append(f"URL:{esc(url)}")
    return "MECARD:" + ";".join(parts) + ";;"


def filename(slug: str) -> str:
    """An ASCII file name for the download (slugs are always ASCII)."""
    return f"{slug}.vcf"
