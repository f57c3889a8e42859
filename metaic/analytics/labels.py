"""Readable names for the codes analytics stores: sources, devices, countries, languages (for pages and emails)."""

from __future__ import annotations

import re

SOURCES = {
    "qr": "QR code",
    "direct": "Direct / typed",
    "linkedin": "LinkedIn",
    "whatsapp": "WhatsApp",
    "email": "Email",
    "search": "Search engines",
    "social": "Social networks",
    "other": "Other websites",
}
DEVICES = {"mobile": "Phone", "tablet": "Tablet", "desktop": "Computer", "other": "Other"}
COUNTRIES = {
    "AE": "United Arab Emirates", "AR": "Argentina", "AT": "Austria", "AU": "Australia", "BE": "Belgium",
    "BR": "Brazil", "CA": "Canada", "CH": "Switzerland", "CL": "Chile", "CN": "China", "CO": "Colombia",
    "CZ": "Czechia", "DE": "Germany", "DK": "Denmark", "EG": "Egypt", "ES": "Spain", "FI": "Finland",
    "FR": "France", "GB": "United Kingdom", "GR": "Greece", "HK": "Hong Kong", "HU": "Hungary",
    "ID": "Indonesia", "IE": "Ireland", "IL": "Israel", "IN": "India", "IT": "Italy", "JP": "Japan",
    "KE": "Kenya", "KR": "South Korea", "MA": "Morocco", "MX": "Mexico", "MY": "Malaysia", "NG": "Nigeria",
    "NL": "Netherlands", "NO": "Norway", "NZ": "New Zealand", "PE": "Peru", "PH": "Philippines",
    "PK": "Pakistan", "PL": "Poland", "PT": "Portugal", "RO": "Romania", "RU": "Russia", "SA": "Saudi Arabia",
    "SE": "Sweden", "SG": "Singapore", "TH": "Thailand", "TR": "Türkiye", "TW": "Taiwan", "UA": "Ukraine",
    "US": "United States", "VN": "Vietnam", "ZA": "South Africa",
}  # fmt: skip
LANGUAGES = {
    "ar": "Arabic", "bn": "Bengali", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "es": "Spanish", "fa": "Persian", "fi": "Finnish", "fr": "French", "he": "Hebrew",
    "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ko": "Korean",
    "ms": "Malay", "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian",
    "ru": "Russian", "sv": "Swedish", "sw": "Swahili", "th": "Thai", "tr": "Turkish", "uk": "Ukrainian",
    "ur": "Urdu", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip
_BY_PANEL = {"sources": SOURCES, "devices": DEVICES, "countries": COUNTRIES, "languages": LANGUAGES}


def short_url(url: str) -> str:
    """A link as people read it: no scheme, no "www.", no trailing slash."""
    text = re.sub(r"^https?://(www\.)?", "", url.strip(), flags=re.IGNORECASE)
    return text.rstrip("/") or url


def readable(panel: str, code: str) -> str:
    """The name shown for a stored value of a top list ("linkedin" -> "LinkedIn", "DE" -> "Germany")."""
    if not code:
        return "Unknown"
    if panel == "links":
        return short_url(code)
    names = _BY_PANEL.get(panel)
    if names is None:
        return code
    key = code.upper() if panel == "countries" else code.lower()
    return names.get(key, code)


def relabel(panel: str, rows: list[dict]) -> list[dict]:
    """A top list with readable labels."""
    return [{**row, "label": readable(panel, str(row.get("label") or ""))} for row in rows]
