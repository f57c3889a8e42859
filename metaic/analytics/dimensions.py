"""What a raw request tells analytics, reduced to dimensions: source, device, browser, country, language.

All of it runs at flush time (off the request); answers are cached per distinct input, because a batch
of thousands of views shares a few hundred user agents and languages.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from ua_parser import parse_user_agent

# Referring hosts by source; a host matches when it is, or ends with ".", one of these.
_REFERRER_SOURCES = {
    "linkedin": ("linkedin.com", "lnkd.in"),
    "whatsapp": ("whatsapp.com", "wa.me", "whatsapp.net"),
    "email": (
        "mail.google.com",
        "outlook.live.com",
        "outlook.office.com",
        "outlook.office365.com",
        "mail.yahoo.com",
        "mail.proton.me",
        "webmail",
        "mail.aol.com",
        "icloud.com",
        "fastmail.com",
    ),
    "search": ("google.com", "bing.com", "duckduckgo.com", "yahoo.com", "ecosia.org", "qwant.com"),
    "social": ("facebook.com", "t.co", "twitter.com", "x.com", "instagram.com", "threads.net", "reddit.com"),
}
_EXPLICIT_SOURCES = {"linkedin", "whatsapp", "email", "qr"}
_EMAIL_MEDIUMS = {"email", "e-mail", "newsletter", "mail"}
_LANGUAGE_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:-([a-zA-Z]{4}))?(?:-([a-zA-Z]{2}|\d{3}))?")


def _host_matches(host: str, suffixes: tuple[str, ...]) -> bool:
    """True when `host` is one of `suffixes` or a subdomain of one (or starts with 'webmail')."""
    return any(host == s or host.endswith("." + s) or host.startswith(s + ".") for s in suffixes)


def query_params(query: str) -> dict[str, str]:
    """The first value of each query parameter, lowercased names."""
    params: dict[str, str] = {}
    for name, value in parse_qsl(query or "", keep_blank_values=True):
        params.setdefault(name.lower(), value)
    return params


def source_of(*, params: dict[str, str], referrer_host: str, own_host: str = "") -> tuple[str, str]:
    """(source, QR variant): `?src=qr` / `?src=qr-badge` first, then `?src=`/UTM, then the referring host."""
    src = params.get("src", "").strip().lower()
    if src == "qr" or src.startswith("qr-"):
        return "qr", _clean(src[3:], 32)
    if src in _EXPLICIT_SOURCES:
        return src, ""
    if params.get("utm_medium", "").strip().lower() in _EMAIL_MEDIUMS:
        return "email", ""
    utm = params.get("utm_source", "").strip().lower()
    for source, hosts in _REFERRER_SOURCES.items():
        if utm and (utm == source or _host_matches(utm, hosts)):
            return source, ""
    if not referrer_host or (own_host and referrer_host == own_host):
        return ("other", "") if utm else ("direct", "")
    for source, hosts in _REFERRER_SOURCES.items():
        if _host_matches(referrer_host, hosts):
            return source, ""
    return "other", ""


def utm_of(params: dict[str, str]) -> tuple[str, str, str]:
    """utm_source, utm_medium and utm_campaign, cleaned and cut to the stored length."""
    return tuple(_clean(params.get(f"utm_{name}", ""), 64) for name in ("source", "medium", "campaign"))  # type: ignore[return-value]


def _clean(value: str, length: int) -> str:
    """Printable, trimmed, lowercased and cut short (these values come from anyone's query string)."""
    return "".join(ch for ch in value.strip().lower() if ch.isprintable())[:length]


@lru_cache(maxsize=8192)
def browser_family(user_agent: str) -> str:
    """The browser family from the user agent (ua-parser's regexes), "Chrome Mobile" folded into "Chrome"."""
    parsed = parse_user_agent(user_agent or "")
    family = parsed.family if parsed else "Other"
    for suffix in (" Mobile iOS", " Mobile WebView", " Mobile"):
        if family.endswith(suffix) and family != "Mobile Safari":
            family = family[: -len(suffix)]
    if family == "Mobile Safari":
        family = "Safari"
    return family[:32] or "Other"


@lru_cache(maxsize=4096)
def language_and_region(accept_language: str) -> tuple[str, str]:
    """(language, country) of the first tag of an Accept-Language header: "de-CH,de;q=0.9" -> ("de", "CH")."""
    first = (accept_language or "").split(",")[0].split(";")[0].strip()
    match = _LANGUAGE_TAG.match(first)
    if not match:
        return "", ""
    region = match.group(3) or ""
    return match.group(1).lower()[:8], region.upper() if region.isalpha() else ""


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    """IANA time zone -> ISO country, from the tz database's zone.tab (tzdata package, else the system's)."""
    try:
        text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        path = Path("/usr/share/zoneinfo/zone.tab")
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    zones: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            parts = line.split("\t")
            if len(parts) >= 3:
                zones[parts[2]] = parts[0]
    return zones


def country_of_zone(time_zone: str) -> str:
    """The country of an IANA time zone ("Europe/Paris" -> "FR"), "" when it names none (UTC, Etc/...)."""
    return _zone_countries().get((time_zone or "").strip(), "")


def host_of(url: str | None) -> str:
    """Only the host of a URL (no path or query, which may carry personal data)."""
    try:
        host = urlsplit((url or "").strip()).hostname or ""
    except ValueError:
        return ""
    return host.lower()[:255]
