"""Business-card text to contact fields, each with a confidence; uncertain ones are marked for review.

Emails, web addresses and phones are found by pattern anywhere on the card (phones through phonenumbers,
national numbers read in the countries the card's address, script and the account point to, as the
contacts import does). Addresses are lines with street words, postcodes or CJK place parts. Of the rest,
the name is the tallest plausible line (or the one the email address is made of), the title carries a
job word and the company a company form or the email's domain.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from metaic.ai.card_words import PHONE_LABELS, address_score, is_company, is_title
from metaic.auth.service import normalize_email
from metaic.cards.normalize import normalize_url
from metaic.contacts import regions as contact_regions
from metaic.contacts import store
from metaic.contacts.text import fold
from metaic.core.errors import ValidationError

Kind = Literal["name", "title", "company", "email", "phone", "website", "address"]
KINDS: tuple[str, ...] = ("name", "title", "company", "email", "phone", "website", "address")
# Below this confidence a field is marked for the owner to check.
UNCERTAIN_BELOW = 0.75

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,24}")
WEB = re.compile(
    r"(?:(?:https?://|www\.)[\w.-]+\.[a-zA-Z]{2,24}|(?<![\w@.])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,24})"
    r"(?:/[^\s,;]*)?(?![\w@])",
    re.IGNORECASE,
)
PHONE = re.compile(r"(?:\+|\(\+?)?\d[\d\s()./\-–]{5,}\d")
_DIGITISH = {"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1"}
_LETTER = re.compile(r"[^\W\d_]")
# Words printed before a value that say what it is; left alone on a line they are not a name or a title.
_FIELD_WORDS = {n for names in PHONE_LABELS.values() for n in names} | {"email", "e-mail", "mail", "web", "site", "url"}


class ScannedField(BaseModel):
    """One value read from a card: what it is, how sure the reader is, and why it is marked when it is."""

    kind: Kind
    value: str
    label: str = ""
    confidence: float
    uncertain: bool
    note: str = ""


class CardFields(BaseModel):
    """Everything read from one card: the fields, and the lines that went into none of them."""

    fields: list[ScannedField]
    other: list[str] = []

    def first(self, kind: str) -> str:
        """The first value of a kind, or ''."""
        return next((f.value for f in self.fields if f.kind == kind), "")


@dataclass
class Line:
    """A line of card text with the reader's confidence (0-100) and its height in pixels (0 when unknown)."""

    text: str
    confidence: float = 90.0
    height: int = 0


def make_field(kind: str, value: str, confidence: float, *, label: str = "", note: str = "") -> ScannedField:
    """A field with its confidence clamped to 0-1 and marked uncertain below UNCERTAIN_BELOW."""
    confidence = round(max(0.0, min(1.0, confidence)), 2)
    uncertain = confidence < UNCERTAIN_BELOW
    if uncertain and not note:
        note = "Read with low confidence: check it against the photo."
    return ScannedField(kind=kind, value=value, label=label, confidence=confidence, uncertain=uncertain, note=note)


def _joined_emails(text: str) -> str:
    """Text with the spaces OCR puts around '@' and the dots of an address removed."""
    if "@" not in text:
        return text
    text = re.sub(r"\s*@\s*", "@", text)
    return re.sub(r"(?<=[\w@])\s*\.\s*(?=[a-z])", ".", text)


def _emails(line: Line) -> list[tuple[str, ScannedField]]:
    """The email addresses on a line, with the text matched (in `_joined_emails` form)."""
    text = _joined_emails(line.text)
    out = []
    for match in EMAIL.finditer(text):
        raw = match.group(0).strip(".")
        try:
            out.append((raw, make_field("email", normalize_email(raw), line.confidence / 100, label="work")))
        except ValidationError:
            out.append((raw, make_field("email", raw.lower(), 0.4, note="This does not read as an email address.")))
    return out


def _websites(text: str, confidence: float) -> list[ScannedField]:
    """The web addresses in text that holds no email address any more."""
    out = []
    for match in WEB.finditer(text):
        raw = match.group(0).rstrip(".")
        host = raw.lower().split("//")[-1].split("/")[0]
        if not (raw.lower().startswith(("http", "www.")) or raw == raw.lower()) or host.count(".") > 4:
            continue
        try:
            out.append(make_field("website", normalize_url(raw), confidence / 100, label="work"))
        except ValueError:
            continue
    return out


def _digits_fixed(text: str) -> str:
    """Letters OCR confuses with digits (O, l, I, |) turned back into digits where they sit among digits."""
    return re.sub(r"(?<=[\d\s-])[OoDlI|](?=[\d\s-]*\d)", lambda m: _DIGITISH[m.group(0)], text)


def _phone_label(before: str) -> str:
    """The contact-book label for the word printed before a number ("Mob:" is mobile), else work."""
    words = re.findall(r"[^\W\d_]+", before.lower())
    last = words[-1] if words else ""
    for label, names in PHONE_LABELS.items():
        if last in names or any(name in before for name in names if len(name) > 1 and not name.isascii()):
            return label
    return "work"


def phone_field(raw: str, *, regions: Sequence, confidence: float, label: str = "work") -> ScannedField:
    """A phone field in E.164 when the number can be read (in `regions` without a country code), else marked."""
    try:
        number, region = store.read_phone(raw, field="phone", regions=regions)
    except ValidationError:
        note = "This number could not be read as a phone number; check it and add the country code."
        return make_field("phone", raw, min(confidence, 0.5), label=label, note=note)
    found = make_field("phone", number, confidence * (0.9 if region else 1.0), label=label)
    if region:
        found.note = f"Written without a country code; read as a number in {region}."
    return found


def web_field(raw: str, confidence: float) -> ScannedField:
    """A website field (https:// added), marked when it does not read as a web address."""
    try:
        return make_field("website", normalize_url(raw), confidence, label="work")
    except ValueError:
        return make_field("website", raw, min(confidence, 0.5), note="This does not read as a web address.")


def _phones(line: Line, regions: Sequence) -> list[tuple[str, ScannedField]]:
    """The phone numbers on a line, with the text matched."""
    text = _digits_fixed(line.text)
    out = []
    for match in PHONE.finditer(text):
        raw = match.group(0).strip(" ()-–./")
        if sum(ch.isdigit() for ch in raw) >= 7:
            label = _phone_label(text[: match.start()])
            out.append(
                (match.group(0), phone_field(raw, regions=regions, confidence=line.confidence / 100, label=label))
            )
    return out


def _split_contacts(lines: list[Line], regions: Sequence) -> tuple[list[ScannedField], list[Line]]:
    """Emails, sites and phones of every line, and the lines (or what is left of them) still to place."""
    fields: list[ScannedField] = []
    rest: list[Line] = []
    for line in lines:
        text = _joined_emails(line.text)
        for raw, found in _emails(line):
            fields.append(found)
            text = text.replace(raw, " ")
        text = re.sub(r"\S*@\S*", " ", text)
        for found in _websites(text, line.confidence):
            fields.append(found)
        text = WEB.sub(" ", text)
        for raw, found in _phones(Line(text, line.confidence, line.height), regions):
            fields.append(found)
            text = _digits_fixed(text).replace(raw.strip(), " ")
        leftover = " ".join(w for w in text.split() if w.strip(":.·|-–").lower() not in _FIELD_WORDS)
        if _LETTER.search(leftover) and len(leftover.strip()) >= 2:
            rest.append(Line(" ".join(leftover.split()), line.confidence, line.height))
    return fields, rest


def _addresses(lines: list[Line]) -> tuple[list[ScannedField], list[Line]]:
    """Address lines (adjacent ones joined), and the other lines."""
    fields: list[ScannedField] = []
    rest: list[Line] = []
    previous = False
    for line in lines:
        score = address_score(line.text)
        if score and not is_title(line.text) and not (is_company(line.text) and score < 1):
            confidence = line.confidence / 100 * (0.95 if score == 1 else 0.7)
            if previous and fields:
                last = fields.pop()
                fields.append(make_field("address", f"{last.value}\n{line.text}", min(last.confidence, confidence)))
            else:
                fields.append(make_field("address", line.text, confidence, label="work"))
            previous = True
        else:
            rest.append(line)
            previous = False
    return fields, rest


def _name_score(line: Line, tallest: int, hints: list[str]) -> float:
    """How much a line looks like the person's name (negative: it is not one)."""
    text = line.text
    if any(ch.isdigit() for ch in text) or is_title(text) or is_company(text):
        return -1.0
    words = text.split()
    cjk = not text.isascii() and all(not ch.isascii() or ch == " " for ch in text)
    score = 0.0
    capitalised = 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words if _LETTER.match(w))
    if (cjk and 2 <= len(text.replace(" ", "")) <= 5) or capitalised:
        score += 0.4
    elif len(words) == 1:
        score += 0.05
    if tallest and line.height >= tallest * 0.9:
        score += 0.3
    folded = fold(text).replace(" ", "")
    if folded and any(part and part in hint for hint in hints for part in fold(text).split() if len(part) >= 3):
        score += 0.4
    elif folded and any(folded[:3] in hint for hint in hints):
        score += 0.1
    return score


def _people(lines: list[Line], hints: list[str], domains: list[str]) -> tuple[list[ScannedField], list[str]]:
    """Name, title and company among the remaining lines; what fits none is returned as other text."""
    fields: list[ScannedField] = []
    tallest = max((line.height for line in lines), default=0)
    scored = sorted(((_name_score(line, tallest, hints), i) for i, line in enumerate(lines)), reverse=True)
    used: set[int] = set()
    if scored and scored[0][0] > 0:
        score, index = scored[0]
        used.add(index)
        name = lines[index]
        fields.append(make_field("name", name.text, name.confidence / 100 * min(1.0, 0.55 + score * 0.5)))
    titles = [i for i, line in enumerate(lines) if i not in used and is_title(line.text)]
    companies = [i for i, line in enumerate(lines) if i not in used and i not in titles[:1] and is_company(line.text)]
    if not companies:
        companies = [
            i
            for i, line in enumerate(lines)
            if i not in used and i not in titles[:1] and any(d in fold(line.text).replace(" ", "") for d in domains)
        ]
    if titles:
        used.add(titles[0])
        fields.append(make_field("title", lines[titles[0]].text, lines[titles[0]].confidence / 100 * 0.95))
    if companies:
        used.add(companies[0])
        fields.append(make_field("company", lines[companies[0]].text, lines[companies[0]].confidence / 100 * 0.92))
    rest = [i for i in range(len(lines)) if i not in used]
    if not titles and rest and len(rest) > (0 if companies else 1):
        used.add(rest[0])
        fields.append(make_field("title", lines[rest[0]].text, 0.5, note="Guessed from its place on the card."))
    rest = [i for i in range(len(lines)) if i not in used]
    if not companies and rest:
        used.add(rest[0])
        fields.append(make_field("company", lines[rest[0]].text, 0.5, note="Guessed from its place on the card."))
    return fields, [lines[i].text for i in range(len(lines)) if i not in used]


def _hints(fields: list[ScannedField]) -> tuple[list[str], list[str]]:
    """Folded email local parts (to spot the name) and domain names without TLD (to spot the company)."""
    locals_, domains = [], []
    for found in fields:
        if found.kind == "email" and "@" in found.value:
            local, _, domain = found.value.partition("@")
            locals_.append(re.sub(r"[^a-z]", "", local))
            domains.append(domain.split(".")[0].replace("-", ""))
        if found.kind == "website":
            host = found.value.split("//")[-1].split("/")[0].removeprefix("www.")
            domains.append(host.split(".")[0].replace("-", ""))
    return locals_, [d for d in domains if len(d) >= 3]


def regions_for(lines: list[Line], account_region: str | None, language: str = "") -> list:
    """Where national numbers on this card are read: its address, +numbers, language and script, then the account."""
    texts = [line.text for line in lines]
    addresses = [t for t in texts if address_score(t)]
    numbers = [m.group(0) for t in texts for m in PHONE.finditer(t) if m.group(0).startswith("+")]
    found = contact_regions.for_record(addresses=addresses, numbers=numbers, names=texts, language=language)
    if account_region and account_region not in found:
        found.append(account_region)
    return found


def parse_lines(lines: list[Line], *, account_region: str | None = None, language: str = "") -> CardFields:
    """The contact fields of a card's lines (top to bottom), each with a confidence."""
    lines = [Line(" ".join(line.text.split()), line.confidence, line.height) for line in lines if line.text.strip()]
    contact_fields, rest = _split_contacts(lines, regions_for(lines, account_region, language))
    address_fields, rest = _addresses(rest)
    hints, domains = _hints(contact_fields)
    people, other = _people(rest, hints, domains)
    order = {kind: i for i, kind in enumerate(KINDS)}
    fields = sorted([*people, *contact_fields, *address_fields], key=lambda f: order[f.kind])
    return CardFields(fields=_dedupe(fields), other=other)


def parse_text(text: str, *, account_region: str | None = None, language: str = "") -> CardFields:
    """The contact fields of plain card text (one line a line; confidence assumed good)."""
    return parse_lines([Line(t) for t in text.splitlines()], account_region=account_region, language=language)


def _dedupe(fields: list[ScannedField]) -> list[ScannedField]:
    """Drop repeated values of a kind (a number printed twice), keeping the surest reading."""
    best: dict[tuple[str, str], ScannedField] = {}
    for found in fields:
        key = (found.kind, found.value.lower())
        if key not in best or found.confidence > best[key].confidence:
            best[key] = found
    return [f for f in fields if best[(f.kind, f.value.lower())] is f]
