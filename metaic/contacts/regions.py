"""Which country a number written without its country code belongs to: from the record, else from the account."""

from __future__ import annotations

import functools
import importlib.resources
import re

import phonenumbers
from phonenumbers.geodata.locale import LOCALE_DATA

from metaic.auth.models import User
from metaic.contacts.text import fold

_KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# Where names in Chinese characters alone are written (Japanese kanji names too): a group, used only when
# the number is valid in exactly one of them.
_HAN_REGIONS = ("CN", "TW", "HK", "SG", "JP")
_ALIASES = {"usa": "US", "us": "US", "america": "US", "uk": "GB", "england": "GB", "great britain": "GB"}
# Languages spoken as the main language of one country only (others, like en or es, say nothing).
_LANGUAGE_REGION = {
    "ja": "JP",
    "ko": "KR",
    "he": "IL",
    "th": "TH",
    "vi": "VN",
    "id": "ID",
    "pl": "PL",
    "uk": "UA",
    "el": "GR",
    "cs": "CZ",
    "hu": "HU",
    "tr": "TR",
    "fi": "FI",
    "da": "DK",
    "nb": "NO",
    "sv": "SE",
    "hi": "IN",
}


@functools.cache
def _country_names() -> dict[str, str]:
    """Folded country names in every language phonenumbers knows ("japan", "日本", "deutschland") to region."""
    names = dict(_ALIASES)
    for region, by_language in LOCALE_DATA.items():
        for name in by_language.values():
            if name and not name.startswith("*"):
                names.setdefault(fold(name), region)
    return names


@functools.cache
def _zone_countries() -> dict[str, str]:
    """IANA time zone name to its country, from tzdata's zone.tab."""
    text = importlib.resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {row[2]: row[0] for row in rows if len(row) >= 3}


def _known(region: str | None) -> str | None:
    """`region` upper-cased when phonenumbers has numbering rules for it."""
    region = (region or "").upper()
    return region if region in phonenumbers.SUPPORTED_REGIONS else None


def from_address(address: str) -> str | None:
    """The country named at the end of an address ("…, 150-0002, Japan"), if any."""
    parts = [p for p in re.split(r"[,\n]", address or "") if p.strip()]
    for part in reversed(parts[-2:]):
        found = _country_names().get(fold(part))
        if found:
            return found
    return None


def from_number(number: str) -> str | None:
    """The country of a number written with its country code (+81 …)."""
    if not (number or "").strip().startswith("+"):
        return None
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    return _known(phonenumbers.region_code_for_number(parsed)) if phonenumbers.is_valid_number(parsed) else None


def from_language(tag: str | None) -> str | None:
    """The country of a language tag: its region part ("en-GB", "pt_BR"), or a one-country language ("ja")."""
    parts = re.split(r"[-_]", (tag or "").strip())
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    return _known(region) or _LANGUAGE_REGION.get(parts[0].lower())


def from_script(*names: str) -> list[str | tuple[str, ...]]:
    """Countries the writing of a name points to: kana is Japanese, hangul Korean, Chinese characters one of a group."""
    text = " ".join(names)
    if _KANA.search(text):
        return ["JP"]
    if _HANGUL.search(text):
        return ["KR"]
    return [_HAN_REGIONS] if _HAN.search(text) else []


def for_record(
    *, addresses: list[str], numbers: list[str], names: list[str], language: str = ""
) -> list[str | tuple[str, ...]]:
    """Candidate countries for a record's national numbers, strongest first (address, numbers, language, script)."""
    found = [from_address(a) for a in addresses]
    found += [from_number(n) for n in numbers]
    found += [from_language(language)] if language else []
    found += from_script(*names)
    return list(dict.fromkeys(r for r in found if r))


def for_account(user: User | None) -> str | None:
    """The account's country: its locale's region, its own phone number, its time zone, else its language."""
    if user is None:
        return None
    language = user.language or ""
    parts = re.split(r"[-_]", language)
    return (
        _known(next((p for p in parts[1:] if len(p) == 2), None))
        or from_number(user.phone or "")
        or _known(_zone_countries().get(user.timezone or ""))
        or _LANGUAGE_REGION.get(parts[0].lower())
    )
