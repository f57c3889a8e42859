"""A free-text postal address split into the parts a vCard ADR has (street, city, region, postal code, country).

The builder keeps an address as the owner typed it, so this is a best guess from its shape: lines and commas,
a trailing country name, a postal code in the last part. Nothing is ever dropped: whatever is not recognised
stays in the street, so the parts joined back still hold every word the owner wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from phonenumbers.geodata.locale import LOCALE_DATA

# Postal codes by shape, most specific first (the first that matches the locality part wins).
_POSTAL = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b",  # United Kingdom: E2 8AN, SW1A 1AA
        r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b",  # Canada: K1A 0B6
        r"\b\d{5}-\d{4}\b",  # United States ZIP+4
        r"\b\d{5}-\d{3}\b",  # Brazil
        r"\b\d{4}-\d{3}\b",  # Portugal
        r"\b\d{3}-\d{4}\b",  # Japan
        r"\b\d{2}-\d{3}\b",  # Poland
        r"\b\d{4}\s?[A-Z]{2}\b",  # Netherlands: 1012 AB
        r"(?<![\w-])\d{4,6}(?![\w-])",  # most of the world: 10115, 75001, 2000, 560001
    )
]
_REGION = re.compile(r"^[A-Z]{2,3}$")  # a state or province code after the city: TX, NSW
_ALIASES = {"usa", "us", "u.s.", "u.s.a.", "united states of america", "uk", "u.k.", "england", "scotland", "wales"}


@dataclass(frozen=True)
class Address:
    """The parts of a postal address; `street` holds every line that is not one of the others."""

    street: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    """Country names in every language libphonenumber knows, folded, with common short forms."""
    names = {name.casefold() for langs in LOCALE_DATA.values() for name in langs.values() if not name.startswith("*")}
    return frozenset(names | _ALIASES)


def _segments(text: str) -> list[tuple[int, str]]:
    """(line number, part) for each comma-separated part of each line, blanks left out."""
    return [
        (number, part.strip())
        for number, line in enumerate(text.splitlines())
        for part in line.split(",")
        if part.strip()
    ]


def _join(segments: list[tuple[int, str]]) -> str:
    """Parts back into text: a comma within a line, a line break between lines."""
    out = ""
    for i, (line, part) in enumerate(segments):
        if i:
            out += ", " if segments[i - 1][0] == line else "\n"
        out += part
    return out


def _postal(part: str) -> tuple[str, str]:
    """(postal code, what is left of the part) when the part holds a postal code, else ("", part)."""
    for pattern in _POSTAL:
        match = pattern.search(part)
        if match:
            rest = (part[: match.start()] + " " + part[match.end() :]).strip(" ,")
            return match.group(0).strip(), " ".join(rest.split())
    return "", part


def split(text: str) -> Address:
    """Best-effort parts of a free-text address; an address it cannot read stays whole in `street`."""
    segments = _segments(text or "")
    country = ""
    if len(segments) > 1 and segments[-1][1].casefold() in _countries():
        country = segments.pop()[1]
    if len(segments) < 2:
        return Address(street=_join(segments), country=country)
    postal, locality = _postal(segments[-1][1])
    if not postal and any(ch.isdigit() for ch in locality):
        return Address(street=_join(segments), country=country)  # looks like a street line, not a town
    segments.pop()
    region = ""
    words = locality.split()
    if postal and len(words) > 1 and _REGION.match(words[-1]):
        region, locality = words[-1], " ".join(words[:-1])
    elif postal and len(words) == 1 and _REGION.match(words[0]):
        region, locality = words[0], ""
    if not locality and len(segments) > 1 and not any(ch.isdigit() for ch in segments[-1][1]):
        locality = segments.pop()[1]  # "Austin, TX 78701" or "London\nE2 8AN": the town is the part before
    return Address(street=_join(segments), city=locality, region=region, postal_code=postal, country=country)
