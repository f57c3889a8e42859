"""Field rules for a card document: clean text, phones to E.164, emails, http(s) URLs, social handles."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import quote, urlsplit, urlunsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from metaic.cards import themes
from metaic.cards.schemas import (
    INDUSTRY_CHARS,
    INTEREST_CHARS,
    MAX_INDUSTRIES,
    MAX_INTERESTS,
    CardContent,
    parse_content,
)
from metaic.core.errors import ValidationError

_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8}){0,2}$")
_HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9\u00a1-\uffff]([a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.)+"
    r"[a-z\u00a1-\uffff][a-z0-9\u00a1-\uffff-]{1,62}$"
)
_WECHAT_ID = re.compile(r"^[a-zA-Z][-_a-zA-Z0-9]{5,19}$")
_HANDLE = re.compile(r"^@?([A-Za-z0-9_.-]{1,60})$")
# Where a bare handle (`@ada`, `ada`) points for each network.
_PROFILE_BASE = {
    "linkedin": "https://www.linkedin.com/in/",
    "x": "https://x.com/",
    "instagram": "https://www.instagram.com/",
    "github": "https://github.com/",
    "telegram": "https://t.me/",
}
# Longest tag, most tags and the word for one, per tag list.
_TAG_LIMITS = {
    "interests": (INTEREST_CHARS, MAX_INTERESTS, "interest"),
    "industries": (INDUSTRY_CHARS, MAX_INDUSTRIES, "industry"),
}


class _Errors(dict):
    """Collects every problem so the builder can show them all at once."""

    def add(self, key: str, message: str) -> None:
        """Remember the first message for a field."""
        self.setdefault(key, message)


def clean_line(value: str) -> str:
    """One line of text: control characters dropped, whitespace runs collapsed."""
    value = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in value or "")
    return " ".join(value.split())


def clean_text(value: str) -> str:
    """Multi-line text: CRLF to LF, other control characters dropped, at most one blank line in a row."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(ch for ch in value if ch == "\n" or unicodedata.category(ch) != "Cc")
    lines = [" ".join(line.split()) for line in value.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def normalize_phone(raw: str) -> str:
    """An international phone number as E.164; raises ValueError with a message to show."""
    value = clean_line(raw)
    if value.startswith("00"):
        value = "+" + value[2:]
    if not value.startswith("+"):
        raise ValueError("Include the country code, starting with + (for example +44 20 7946 0958).")
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("That is not a phone number.") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("That phone number is not valid for its country.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(raw: str) -> str:
    """A syntactically valid email address, domain lower-cased; raises ValueError."""
    value = clean_line(raw)
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"That is not a valid email address: {exc}") from exc
    return result.normalized


def _is_ip(host: str) -> bool:
    """True for an IPv4 or IPv6 literal (a self-hosted server without a domain serves its images so)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def normalize_url(raw: str, *, allow_relative: bool = False) -> str:
    """An http(s) URL (https:// added when the scheme is missing); raises ValueError.

    `allow_relative` also accepts a same-site path such as `/files/abc.jpg` (images stored by the files domain).
    """
    value = clean_line(raw)
    if allow_relative and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return quote(value, safe="/:@!$&'()*+,;=-._~%?#")
    if value.startswith("//"):
        value = "https:" + value
    elif not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value) or re.match(r"^[^/]+:\d+(/|$)", value):
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError("Use a web address starting with http:// or https://.")
    host = (parts.hostname or "").lower()
    if not host or " " in value or not (_HOST.match(host) or host == "localhost" or _is_ip(host)):
        raise ValueError("That is not a valid web address.")
    if parts.username or parts.password:
        raise ValueError("Web addresses with a user name or password are not allowed.")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError("That is not a valid web address.") from exc
    netloc = host.encode("idna").decode("ascii") if not host.isascii() else host
    if port:
        netloc = f"{netloc}:{port}"
    path = quote(parts.path or "/", safe="/:@!$&'()*+,;=-._~%")
    query = quote(parts.query, safe="=&/:@!$'()*+,;?-._~%")
    fragment = quote(parts.fragment, safe="=&/:@!$'()*+,;?-._~%")
    if path == "/" and not query and not fragment and not raw.strip().endswith("/"):
        path = ""
    return urlunsplit((parts.scheme.lower(), netloc, path, query, fragment))


def normalize_social(kind: str, raw: str) -> str:
    """A profile URL for a network; bare handles and WhatsApp numbers become links; raises ValueError."""
    value = clean_line(raw)
    if kind == "wechat" and _WECHAT_ID.match(value):
        return value
    if kind == "whatsapp" and re.match(r"^[+0-9][0-9 ()./-]{5,}$", value):
        return "https://wa.me/" + normalize_phone(value).lstrip("+")
    handle = _HANDLE.match(value)
    if kind in _PROFILE_BASE and handle and (value.startswith("@") or "." not in value):
        return _PROFILE_BASE[kind] + handle.group(1)
    return normalize_url(value)


def _check(errors: _Errors, key: str, func, *args, **kwargs) -> str:
    """Run one normaliser and file its complaint under `key`."""
    try:
        return func(*args, **kwargs)
    except ValueError as exc:
        errors.add(key, str(exc))
        return args[-1] if args else ""


def check_content(data: CardContent | dict) -> tuple[CardContent, dict[str, str]]:
    """Clean and normalise a document; returns it with every problem that keeps it from going live.

    A value that fails its rule (a phone without country code, a link that is not a URL) stays as written.
    """
    doc = parse_content(data)
    errors = _Errors()
    doc.name = clean_line(doc.name)
    if not doc.name:
        errors.add("name", "Enter the name to show on the card.")
    doc.headline, doc.bio = clean_line(doc.headline), clean_text(doc.bio)
    for field in ("avatar_url", "cover_url"):
        value = getattr(doc, field)
        if value:
            setattr(doc, field, _check(errors, field, normalize_url, value, allow_relative=True))
    doc.language = clean_line(doc.language).lower().replace("_", "-") or "en"
    if not _LANGUAGE.match(doc.language):
        errors.add("language", "Use a language code such as en, zh or pt-br.")
    _theme(doc, errors)
    _business(doc, errors)
    for i, item in enumerate(doc.services):
        item.title, item.description = clean_line(item.title), clean_text(item.description)
        item.price_range = clean_line(item.price_range)
        if not item.title:
            errors.add(f"services.{i}.title", "Give the service a title, or remove it.")
    _contacts(doc, errors)
    _socials(doc, errors)
    _works(doc, errors)
    _interests(doc, errors)
    _networking(doc, errors)
    return doc, dict(errors)


def normalize_content(data: CardContent | dict) -> CardContent:
    """The rules for going live: validate and normalise a whole document; raises ValidationError listing every
    bad field."""
    doc, errors = check_content(data)
    if errors:
        raise ValidationError("Some fields need attention.", errors=errors)
    # Run the length rules again: normalising can make a value longer (https:// added, E.164).
    return parse_content(doc)


def normalize_draft(data: CardContent | dict) -> CardContent:
    """The rules for saving a draft: shape and lengths only. What can be normalised is; an incomplete item (a work
    without a title) or a value not valid yet is kept as written, for publishing to point at later."""
    doc, _problems = check_content(data)
    return parse_content(doc)


def add_tag(tags: list[str], raw: str, *, kind: str) -> list[str]:
    """`tags` with one more interest (`kind="interests"`) or industry (`"industries"`); raises ValidationError
    when it is empty, too long, already listed or one too many (the same limits the document has)."""
    chars, most, noun = _TAG_LIMITS[kind]
    value = clean_line(raw)
    if not value:
        raise ValidationError(f"Enter an {noun}.", field=kind)
    if len(value) > chars:
        raise ValidationError(f"Use at most {chars} characters.", field=kind)
    if value.casefold() in (t.casefold() for t in tags):
        raise ValidationError(f"This {noun} is already listed.", field=kind)
    if len(tags) >= most:
        raise ValidationError(f"Add at most {most} items.", field=kind)
    return [*tags, value]


def _theme(doc: CardContent, errors: _Errors) -> None:
    """Known template and font, colour as `#rrggbb`."""
    theme = doc.theme
    if theme.template not in themes.TEMPLATE_KEYS:
        errors.add("theme.template", f"Choose one of: {', '.join(themes.TEMPLATE_KEYS)}.")
    if theme.font not in themes.FONT_KEYS:
        errors.add("theme.font", f"Choose one of: {', '.join(themes.FONT_KEYS)}.")
    color = themes.normalize_color(theme.color)
    if color is None:
        errors.add("theme.color", "Use a colour like #4f46e5.")
    else:
        theme.color = color


def _business(doc: CardContent, errors: _Errors) -> None:
    """Company fields."""
    biz = doc.business
    biz.name, biz.industry = clean_line(biz.name), clean_line(biz.industry)
    biz.description, biz.address = clean_text(biz.description), clean_text(biz.address)
    if biz.website:
        biz.website = _check(errors, "business.website", normalize_url, biz.website)
    if biz.logo_url:
        biz.logo_url = _check(errors, "business.logo_url", normalize_url, biz.logo_url, allow_relative=True)


def _contacts(doc: CardContent, errors: _Errors) -> None:
    """Phones to E.164, emails normalised, addresses cleaned; at most one preferred."""
    preferred = 0
    for i, item in enumerate(doc.contacts):
        key = f"contacts.{i}.value"
        item.label = clean_line(item.label)
        if not clean_line(item.value):
            errors.add(key, f"Enter the {'email address' if item.kind == 'email' else item.kind}, or remove it.")
        elif item.kind == "phone":
            item.value = _check(errors, key, normalize_phone, item.value)
        elif item.kind == "email":
            item.value = _check(errors, key, normalize_email, item.value)
        else:
            item.value = clean_text(item.value)
        preferred += item.preferred
        if item.preferred and preferred > 1:
            errors.add(f"contacts.{i}.preferred", "Mark only one contact as preferred.")


def _socials(doc: CardContent, errors: _Errors) -> None:
    """Profile links (handles expanded), labels cleaned."""
    for i, item in enumerate(doc.socials):
        item.label = clean_line(item.label)
        if not clean_line(item.url):
            errors.add(f"socials.{i}.url", "Enter the link, or remove it.")
        else:
            item.url = _check(errors, f"socials.{i}.url", normalize_social, item.kind, item.url)


def _works(doc: CardContent, errors: _Errors) -> None:
    """Portfolio items: a title and valid links."""
    for i, item in enumerate(doc.works):
        item.title, item.description = clean_line(item.title), clean_text(item.description)
        if not item.title:
            errors.add(f"works.{i}.title", "Give the item a title, or remove it.")
        if item.link:
            item.link = _check(errors, f"works.{i}.link", normalize_url, item.link)
        if item.image_url:
            item.image_url = _check(errors, f"works.{i}.image_url", normalize_url, item.image_url, allow_relative=True)


def _interests(doc: CardContent, errors: _Errors) -> None:
    """Short, non-empty, no duplicates."""
    seen: set[str] = set()
    for i, raw in enumerate(doc.interests):
        value = clean_line(raw)
        doc.interests[i] = value
        if not value:
            errors.add(f"interests.{i}", "Enter an interest, or remove it.")
        elif value.casefold() in seen:
            errors.add(f"interests.{i}", "This interest is already listed.")
        seen.add(value.casefold())


def _networking(doc: CardContent, errors: _Errors) -> None:
    """Free text cleaned, industries non-empty and unique, `open_to` without repeats."""
    net = doc.networking
    net.offer, net.looking_for = clean_text(net.offer), clean_text(net.looking_for)
    seen: set[str] = set()
    for i, raw in enumerate(net.industries):
        value = clean_line(raw)
        net.industries[i] = value
        if not value:
            errors.add(f"networking.industries.{i}", "Enter an industry, or remove it.")
        elif value.casefold() in seen:
            errors.add(f"networking.industries.{i}", "This industry is already listed.")
        seen.add(value.casefold())
    net.open_to = list(dict.fromkeys(net.open_to))
