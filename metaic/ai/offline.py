"""The offline engine's drafting: headlines, "about" texts and card summaries from the user's own fields.

Deterministic (the same card gives the same proposals), fast, and honest: it only recombines what the
user wrote with fixed templates in the card's language (see phrases.py); it never invents facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from metaic.ai import text
from metaic.ai.language import template_language
from metaic.ai.phrases import join_list, phrase
from metaic.cards.schemas import CardContent

TONES = ("friendly", "professional", "bold")
LENGTHS = ("short", "medium", "long")
HEADLINE_LIMIT = 160
ABOUT_LIMITS = {"short": 280, "medium": 600, "long": 1000}


@dataclass
class CardFacts:
    """The fields of a card the engine writes from."""

    name: str = ""
    headline: str = ""
    bio: str = ""
    company: str = ""
    industry: str = ""
    description: str = ""
    services: list[str] = field(default_factory=list)
    works: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    offer: str = ""
    looking_for: str = ""
    language: str = "en"

    @property
    def first(self) -> str:
        """The first name."""
        return (self.name.split() or [""])[0]

    def role(self, lang: str) -> str:
        """The role: the headline before any " at "/"|", else the first service, else the industry."""
        head = self.headline
        for cut in (" | ", " · ", " - ", " at ", " en ", " chez ", " bei ", ","):
            head = head.split(cut)[0]
        return (
            head.strip() or (self.services[0] if self.services else "") or self.industry or phrase(lang, "default_role")
        )


def facts_from(content: CardContent) -> CardFacts:
    """The engine's view of a card document."""
    return CardFacts(
        name=content.name.strip(),
        headline=content.headline.strip(),
        bio=content.bio.strip(),
        company=content.business.name.strip(),
        industry=content.business.industry.strip(),
        description=content.business.description.strip(),
        services=[s.title.strip() for s in content.services if s.title.strip()],
        works=[w.title.strip() for w in content.works if w.title.strip()],
        interests=[i.strip() for i in content.interests if i.strip()],
        offer=content.networking.offer.strip().rstrip("."),
        looking_for=content.networking.looking_for.strip().rstrip("."),
        language=content.language or "en",
    )


def _lower_first(value: str, lang: str = "en") -> str:
    """A title or service as a common noun mid-sentence ("Software Engineer" -> "software engineer").

    Acronyms ("CTO") stay, and German keeps its capitalised nouns.
    """
    if lang == "de":
        return value
    words = value.split(" ")
    return " ".join(w if len(w) > 1 and w[:2].isupper() else w[:1].lower() + w[1:] for w in words)


def headlines(facts: CardFacts, *, tone: str, length: str, language: str | None = None) -> list[str]:
    """Up to three headline proposals, best first, none longer than the card allows."""
    lang = template_language(language or facts.language)
    role, company = facts.role(lang), facts.company
    service = facts.services[0] if facts.services else facts.industry
    services = join_list(lang, [_lower_first(s, lang) for s in facts.services[:2]]) or service
    options: list[str] = []
    if tone == "bold" and services:
        options.append(phrase(lang, "bold_headline", role=role, service=services[:1].upper() + services[1:]))
    if tone == "friendly" and company and service:
        options.append(
            phrase(lang, "friendly_headline", role=role, company=company, service=_lower_first(service, lang))
        )
    if company:
        options.append(phrase(lang, "at", role=role, company=company))
    if service and service != role:
        options.append(phrase(lang, "helping", role=role, service=services))
    options.append(role)
    if length == "short":
        options.sort(key=len)
    elif length == "long":
        options.sort(key=len, reverse=True)
    seen = dict.fromkeys(text.shorten(o, HEADLINE_LIMIT) for o in options if o)
    return list(seen)[:3]


def _sentences(facts: CardFacts, lang: str, tone: str) -> list[tuple[str, str]]:
    """Candidate "about" sentences with their part (intro, body, extra, close), in reading order."""
    role = facts.role(lang)
    name = facts.name or role
    suffix = "" if facts.company else "_nocompany"
    intro_key = "intro_bold" if tone == "bold" else f"intro_{tone}{suffix}"
    values = {"first": facts.first or name, "name": name, "role": role, "role_lower": _lower_first(role, lang)}
    parts = [("intro", phrase(lang, intro_key, company=facts.company, **values))]
    if facts.services:
        parts.append(
            (
                "body",
                phrase(lang, "services", services=join_list(lang, [_lower_first(s, lang) for s in facts.services[:3]])),
            )
        )
    kept = text.central_sentences(facts.bio or facts.description, count=2)
    parts += [("body", s if s[-1:] in ".!?…" else s + ".") for s in kept]
    if facts.offer:
        parts.append(("extra", phrase(lang, "offer", offer=_lower_first(facts.offer[:1], lang) + facts.offer[1:])))
    if facts.industry and not facts.services:
        parts.append(("extra", phrase(lang, "industry", industry=facts.industry)))
    if facts.looking_for:
        parts.append(("extra", phrase(lang, "looking", looking=facts.looking_for[:1].lower() + facts.looking_for[1:])))
    if facts.works:
        parts.append(("long", phrase(lang, "works", works=join_list(lang, facts.works[:3]))))
    if facts.interests:
        parts.append(("long", phrase(lang, "interests", interests=join_list(lang, facts.interests[:4]))))
    parts.append(("close", phrase(lang, f"close_{tone}")))
    return parts


def about(facts: CardFacts, *, tone: str, length: str, language: str | None = None) -> list[str]:
    """Two "about" proposals in the tone and length: the full arrangement and a tighter one."""
    lang = template_language(language or facts.language)
    keep = {"short": {"intro", "body"}, "medium": {"intro", "body", "extra", "close"}}.get(
        length, {"intro", "body", "extra", "long", "close"}
    )
    parts = _sentences(facts, lang, tone)
    first = " ".join(s for part, s in parts if part in keep)
    tighter = " ".join(s for part, s in parts if part in keep - {"extra", "long"} or part == "intro")
    limit = ABOUT_LIMITS.get(length, 600)
    return list(dict.fromkeys(text.shorten(p, limit) for p in (first, tighter) if p))


def improve(current: str, facts: CardFacts, *, tone: str, length: str, language: str | None = None) -> list[str]:
    """The user's own text tidied (spacing, capitals, repeated sentences) and fitted to the length, then a redraft."""
    lang = template_language(language or facts.language)
    kept = list(dict.fromkeys(s[:1].upper() + s[1:] for s in text.sentences(current)))
    kept = [s if s[-1:] in ".!?…" else s + "." for s in kept]
    if length == "short":
        kept = text.central_sentences(" ".join(kept), count=2) or kept
    tidy = " ".join(kept + ([phrase(lang, f"close_{tone}")] if length != "short" and kept else []))
    proposals = [text.shorten(tidy, ABOUT_LIMITS.get(length, 600))] if tidy else []
    return list(dict.fromkeys(proposals + about(facts, tone=tone, length=length, language=lang)))[:3]


def summary(facts: CardFacts) -> str:
    """Two lines: who (name, role, company), then the most telling sentence or what they offer."""
    lang = template_language(facts.language)
    role = facts.headline or (facts.services[0] if facts.services else facts.industry)
    role = facts.role(lang) if role else ""
    who = (
        phrase(lang, "at", role=role or phrase(lang, "default_role"), company=facts.company) if facts.company else role
    )
    first_line = " — ".join(p for p in (facts.name, who) if p)
    picked = text.central_sentences(facts.bio or facts.description, count=1)
    if picked:
        second = picked[0]
    elif facts.services:
        second = phrase(
            lang, "summary_offers", services=join_list(lang, [_lower_first(s, lang) for s in facts.services[:3]])
        )
    elif facts.offer:
        second = phrase(lang, "offer", offer=_lower_first(facts.offer[:1], lang) + facts.offer[1:])
    elif facts.looking_for:
        second = phrase(lang, "summary_looking", looking=facts.looking_for[:1].lower() + facts.looking_for[1:])
    else:
        second = ""
    lines = [text.shorten(first_line, 120), text.shorten(second, 160)]
    return "\n".join(line for line in lines if line)
