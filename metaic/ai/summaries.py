"""Card summaries: on publish a job writes two lines about the card; other code reads them back."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlmodel import Session, select

from metaic.ai import engine, offline
from metaic.ai.language import base, name_of
from metaic.ai.models import CardSummaryText
from metaic.ai.safety import Prompt
from metaic.cards.models import Card, CardVersion
from metaic.cards.schemas import CardContent
from metaic.core import clock

LINE_LIMIT = 160


def _lines(raw: str) -> str:
    """The provider's answer as at most two non-empty lines; ValueError when there is none."""
    lines = [" ".join(line.split()).strip("-•* ") for line in raw.splitlines()]
    lines = [line[:LINE_LIMIT] for line in lines if line][:2]
    if not lines:
        raise ValueError("empty summary")
    return "\n".join(lines)


def summarize(*, session: Session, card_id: uuid.UUID) -> CardSummaryText | None:
    """Write (or rewrite) the summary of a card's published version; None when it is not published."""
    card = session.get(Card, card_id)
    if card is None or card.published_version_id is None:
        return None
    existing = session.get(CardSummaryText, card_id)
    if existing is not None and existing.version_id == card.published_version_id:
        return existing
    version = session.get(CardVersion, card.published_version_id)
    content = CardContent.model_validate(version.content)
    facts = offline.facts_from(content)
    lang = base(facts.language) or "en"
    task = (
        f"Summarise this business card in exactly two short lines in {name_of(lang)}: who the person is "
        f"(name, role, company), then what they offer. At most {LINE_LIMIT} characters a line. Plain text only."
    )

    def prompt(strip: bool) -> Prompt:
        """The published card's own fields as data."""
        built = Prompt(task, strip_contact_details=strip)
        for label, value in (
            ("Name", facts.name),
            ("Headline", facts.headline),
            ("About", facts.bio),
            ("Company", facts.company),
            ("Services", "; ".join(facts.services)),
            ("Offers", facts.offer),
        ):
            built.data(label, value)
        return built

    outcome = engine.run(
        session=session,
        user_id=card.owner_id,
        feature="summary",
        prompt=prompt,
        parse=_lines,
        offline=lambda: offline.summary(facts),
        max_tokens=120,
    )
    row = existing or CardSummaryText(card_id=card_id)
    row.version_id, row.text, row.language = card.published_version_id, outcome.value[:400], lang
    row.source, row.updated_at = outcome.source, clock.now()
    session.add(row)
    session.flush()
    return row


def card_summary(*, session: Session, card_id: uuid.UUID) -> str | None:
    """The stored two-line summary of a published card (for og:description, directory, contact view)."""
    found = summaries_for(session=session, card_ids=[card_id])
    return found.get(card_id)


def summaries_for(*, session: Session, card_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Summaries of many published cards' live versions at once (directory pages); cards without one are left out."""
    ids = list(dict.fromkeys(card_ids))
    if not ids:
        return {}
    rows = session.exec(
        select(CardSummaryText.card_id, CardSummaryText.text)
        # Only a summary of the live version: after a republish the old one may describe what was removed.
        .join(Card, (Card.id == CardSummaryText.card_id) & (Card.published_version_id == CardSummaryText.version_id))
        .where(CardSummaryText.card_id.in_(ids))
    ).all()
    return {card_id: text for card_id, text in rows if text}


def attach(*, session: Session, items: list[dict]) -> list[dict]:
    """Directory items (dicts with a card "id") with their card's summary under "summary" ("" when none)."""
    found = summaries_for(session=session, card_ids=[uuid.UUID(str(item["id"])) for item in items])
    for item in items:
        item["summary"] = found.get(uuid.UUID(str(item["id"])), "")
    return items
