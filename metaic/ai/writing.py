"""Write my card: headline and "about" proposals, and translations of the card's texts. Nothing is saved here."""

from __future__ import annotations

import json
import uuid

from sqlmodel import Session

from metaic.ai import engine, glossary, offline
from metaic.ai.language import base, name_of
from metaic.ai.offline import ABOUT_LIMITS, HEADLINE_LIMIT, CardFacts
from metaic.ai.safety import Prompt
from metaic.ai.schemas import TranslationProposal, WritingProposal
from metaic.auth.models import User
from metaic.cards import service as card_service
from metaic.cards.schemas import CardContent
from metaic.core.errors import ValidationError

TRANSLATABLE = ("headline", "bio", "business.description", "networking.offer", "networking.looking_for")


def _card_prompt(task: str, facts: CardFacts, strip: bool) -> Prompt:
    """A prompt carrying the card's own fields as data."""
    prompt = Prompt(task, strip_contact_details=strip)
    for label, value in (
        ("Name", facts.name),
        ("Current headline", facts.headline),
        ("Current about text", facts.bio),
        ("Company", facts.company),
        ("Industry", facts.industry),
        ("Company description", facts.description),
        ("Services", "; ".join(facts.services)),
        ("Portfolio", "; ".join(facts.works)),
        ("Interests", "; ".join(facts.interests)),
        ("Offers", facts.offer),
        ("Looking for", facts.looking_for),
    ):
        prompt.data(label, value)
    return prompt


def _proposals(raw: str, limit: int) -> list[str]:
    """The provider's JSON {"proposals": [...]} as clean texts within `limit`; ValueError otherwise."""
    data = json.loads(raw)
    items = data.get("proposals") if isinstance(data, dict) else None
    found = [" ".join(str(p).split())[:limit] for p in items or [] if isinstance(p, str) and p.strip()]
    if not found:
        raise ValueError("no proposals")
    return found[:3]


def _check(tone: str, length: str) -> None:
    """Refuse an unknown tone or length."""
    if tone not in offline.TONES:
        raise ValidationError("Choose friendly, professional or bold.", field="tone")
    if length not in offline.LENGTHS:
        raise ValidationError("Choose short, medium or long.", field="length")


def propose(
    *,
    session: Session,
    owner: User,
    card_id: uuid.UUID,
    field: str,
    tone: str = "professional",
    length: str = "medium",
    language: str | None = None,
    improve: bool = False,
) -> WritingProposal:
    """Draft (or, with `improve`, rework the current) headline or "about" text of the owner's card."""
    _check(tone, length)
    if field not in ("headline", "about"):
        raise ValidationError("Choose headline or about.", field="field")
    content = card_service.get_content(session=session, owner=owner, card_id=card_id)
    facts = offline.facts_from(content)
    lang = base(language or facts.language) or "en"
    limit = HEADLINE_LIMIT if field == "headline" else ABOUT_LIMITS[length]
    current = facts.headline if field == "headline" else facts.bio

    def local() -> list[str]:
        """The offline engine's proposals."""
        if field == "headline":
            return offline.headlines(facts, tone=tone, length=length, language=lang)
        if improve and current:
            return offline.improve(current, facts, tone=tone, length=length, language=lang)
        return offline.about(facts, tone=tone, length=length, language=lang)

    verb = "Improve the current" if improve and current else "Write"
    target = "headline (one line)" if field == "headline" else f'"about" text ({length})'
    task = (
        f"{verb} {target} for this person's digital business card. Tone: {tone}. Language: {name_of(lang)}. "
        f"At most {limit} characters each. Use only facts found in the data. "
        'Answer with JSON only: {"proposals": ["first", "second", "third"]}.'
    )
    outcome = engine.run(
        session=session,
        user_id=owner.id,
        feature="write",
        prompt=lambda strip: _card_prompt(task, facts, strip),
        parse=lambda raw: _proposals(raw, limit),
        offline=local,
    )
    return WritingProposal(
        field=field,
        tone=tone,
        length=length,
        language=lang,
        proposals=outcome.value,
        source=outcome.source,
        note=outcome.note,
        retry=outcome.retry,
    )


def card_texts(content: CardContent) -> dict[str, str]:
    """The card's translatable texts keyed by path ("services.0.title"), empty ones left out."""
    texts = {
        "headline": content.headline,
        "bio": content.bio,
        "business.description": content.business.description,
        "networking.offer": content.networking.offer,
        "networking.looking_for": content.networking.looking_for,
    }
    for i, item in enumerate(content.services):
        texts[f"services.{i}.title"] = item.title
        texts[f"services.{i}.description"] = item.description
    return {key: value.strip() for key, value in texts.items() if value and value.strip()}


def _translated(raw: str, keys: list[str]) -> dict[str, str]:
    """The provider's JSON {"texts": {key: text}} for exactly these keys; ValueError otherwise."""
    data = json.loads(raw)
    texts = data.get("texts") if isinstance(data, dict) else None
    if not isinstance(texts, dict) or set(texts) != set(keys) or not all(isinstance(v, str) for v in texts.values()):
        raise ValueError("keys differ")
    return {key: texts[key].strip() for key in keys}


def translate(*, session: Session, owner: User, card_id: uuid.UUID, target_language: str) -> TranslationProposal:
    """The owner's card texts in `target_language`, as a proposal for a second version (nothing saved)."""
    target = base(target_language)
    if len(target) != 2 or not target.isalpha():
        raise ValidationError("Give a two-letter language code such as es or de.", field="target_language")
    content = card_service.get_content(session=session, owner=owner, card_id=card_id)
    source = base(content.language) or "en"
    texts = card_texts(content)
    keys = list(texts)

    def local() -> tuple[dict[str, str], list[str]]:
        """The phrase table's translation; uncovered texts stay as they are and are listed."""
        out, missing = {}, []
        for key, value in texts.items():
            done = glossary.translate(value, source, target)
            out[key] = done if done is not None else value
            if done is None:
                missing.append(key)
        return out, missing

    task = (
        f"Translate each text of this business card from {name_of(source)} to {name_of(target)}. Keep names, "
        "brands and links as they are. Each data block is labelled with its key. "
        'Answer with JSON only: {"texts": {"<key>": "<translation>", ...}} with exactly the same keys.'
    )

    def prompt(strip: bool) -> Prompt:
        """The texts as labelled data blocks."""
        built = Prompt(task, strip_contact_details=strip)
        for key, value in texts.items():
            built.data(key, value)
        return built

    outcome = engine.run(
        session=session,
        user_id=owner.id,
        feature="translate",
        prompt=prompt,
        parse=lambda raw: (_translated(raw, keys), []),
        offline=local,
        max_tokens=1500,
    )
    out, missing = outcome.value
    note = outcome.note
    if outcome.source == "offline":
        covered = "" if glossary.supported(source, target) else f" It has no phrases for {name_of(target)}."
        note = (
            f"{note} The offline assistant only translates common card phrases from its phrase table "
            f"({len(keys) - len(missing)} of {len(keys)} texts);{covered} the others are unchanged and marked."
        ).strip()
    return TranslationProposal(
        source_language=source,
        target_language=target,
        texts=out,
        untranslated=missing,
        source=outcome.source,
        note=note,
        retry=outcome.retry,
    )


def _service_text(parts: list[str]) -> bool:
    """Whether a key's parts name a service's title or description ("services.0.title")."""
    return (
        len(parts) == 3
        and parts[0] == "services"
        and parts[1].isascii()
        and parts[1].isdigit()
        and parts[2] in ("title", "description")
    )


def _with_texts(document: dict, texts: dict[str, str]) -> dict:
    """The card document with the texts at their keys ("services.0.title"); unknown keys are refused."""
    allowed = set(TRANSLATABLE)
    for key, value in texts.items():
        parts = key.split(".")
        target = document
        if key not in allowed and not _service_text(parts):
            raise ValidationError("This text cannot be translated here.", field=key)
        try:
            for part in parts[:-1]:
                target = target[int(part)] if part.isdigit() else target[part]
        except (IndexError, KeyError, TypeError):
            raise ValidationError("This text is no longer on the card.", field=key) from None
        target[parts[-1]] = value.strip()
    return document


def translated_copy(
    *, session: Session, owner: User, card_id: uuid.UUID, target_language: str, texts: dict[str, str]
) -> uuid.UUID:
    """A second version: a new draft card copied from this one, in `target_language`, with the reviewed texts.

    `texts` are what the owner saw and edited (a translate proposal's keys); the original card is unchanged.
    """
    target = base(target_language)
    if len(target) != 2 or not target.isalpha():
        raise ValidationError("Give a two-letter language code such as es or de.", field="target_language")
    copy = card_service.duplicate(session=session, owner=owner, card_id=card_id)
    document = card_service.get_content(session=session, owner=owner, card_id=copy.id).model_dump()
    document["language"] = target
    card_service.save_draft(session=session, owner=owner, card_id=copy.id, content=_with_texts(document, texts))
    return copy.id
