"""Ask MetaIC's offline answers: deterministic, grounded in the owner's own data, in the question's language.

Each recognised question (chat_phrases.read_intent) has a handler that looks things up through
grounding.py and writes Markdown with links to what it used. The same sources are what the provider
is given, so both engines answer from the same, owner-only, data. Proposed actions come from the
question's shape alone: nothing in a contact, a note or a message can propose or run one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import exists, or_
from sqlmodel import Session, select

from metaic.ai import actions, grounding
from metaic.ai.chat_phrases import Intent, read_intent, say, where
from metaic.ai.grounding import Source
from metaic.ai.language import base, detect, template_language
from metaic.ai.text import shorten
from metaic.auth.models import User
from metaic.contacts.models import CommunicationEntry, Reminder, SavedContact
from metaic.core import clock, links

QUIET_DAYS = 30
LIST_LIMIT = 8
_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|])")


@dataclass
class Answer:
    """The offline text, what it used, what it proposes, and the language it answers in."""

    text: str
    language: str
    intent: Intent
    sources: list[Source] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)


def quote(text: str, limit: int = 240) -> str:
    """User data shown inside an answer: one line, shortened, Markdown and HTML characters escaped."""
    return _MARKDOWN.sub(r"\\\1", shorten(" ".join((text or "").split()), limit))


def link(title: str, url: str) -> str:
    """A Markdown link whose text cannot break out of its brackets."""
    return f"[{quote(title, 120)}]({url})"


def _role(contact: SavedContact) -> str:
    """ " — Title, Company" (whatever is known)."""
    known = ", ".join(quote(p, 100) for p in (contact.title, contact.company) if p)
    return f" — {known}" if known else ""


def _bullet(contact: SavedContact) -> str:
    """A contact as a list line."""
    return f"- {link(contact.full_name or contact.company or '?', links.contact(contact.id))}{_role(contact)}"


def _met(lang: str, contact: SavedContact) -> list[str]:
    """Where and how the owner met a contact (empty when nothing is noted)."""
    day = contact.met_on.isoformat() if contact.met_on else ""
    lines = []
    if contact.event or contact.place or day:
        lines.append(
            say(
                lang,
                "met",
                name=quote(contact.full_name),
                where=where(lang, quote(contact.event, 100), quote(contact.place, 100), day),
            )
        )
    if contact.how_we_met:
        lines.append(say(lang, "how", how=quote(contact.how_we_met)))
    return lines


def describe(session: Session, lang: str, contact: SavedContact) -> list[str]:
    """Everything the owner noted about one contact, as lines."""
    lines = [
        say(
            lang, "who", link=link(contact.full_name or contact.company, links.contact(contact.id)), role=_role(contact)
        )
    ]
    lines += _met(lang, contact)
    tags = grounding.tags_of(session, [contact.id])[contact.id]
    if tags:
        lines.append(say(lang, "tags", tags=", ".join(quote(t, 40) for t in tags)))
    if contact.notes:
        lines.append(say(lang, "notes", notes=quote(contact.notes, 400)))
    return lines


def _named(session: Session, owner: User, name: str) -> SavedContact | None:
    """The owner's best contact for a name."""
    found = grounding.contacts_named(session, owner, name, limit=1)
    if not found:
        found = grounding.contacts_about(session, owner, grounding.key_terms(name), limit=1)
    return found[0] if found else None


def _with_contact(session: Session, owner: User, intent: Intent, lang: str, answer: Answer) -> SavedContact | None:
    """The contact the question names, added to the sources; the "not found" line otherwise."""
    contact = _named(session, owner, intent.subject) if intent.subject else None
    if contact is None:
        answer.text = say(lang, "unknown", name=quote(intent.subject or "?", 80))
        return None
    answer.sources.append(grounding.contact_source(contact, grounding.tags_of(session, [contact.id])[contact.id]))
    return contact


def _who_is(session: Session, owner: User, intent: Intent, lang: str, answer: Answer) -> None:
    """Who a contact is: role, meeting, tags, notes."""
    contact = _with_contact(session, owner, intent, lang, answer)
    if contact is not None:
        answer.text = "\n\n".join(describe(session, lang, contact))
        return
    _search(session, owner, intent, lang, answer)  # "tell me about Acme": not a person, so look everywhere
    if not answer.sources:
        answer.text = say(lang, "unknown", name=quote(intent.subject or "?", 80))


def _where_met(session: Session, owner: User, intent: Intent, lang: str, answer: Answer) -> None:
    """Where and how the owner met a contact."""
    contact = _with_contact(session, owner, intent, lang, answer)
    if contact is not None:
        lines = _met(lang, contact) or [say(lang, "no_meeting", name=quote(contact.full_name))]
        answer.text = "\n\n".join([*lines, link(contact.full_name, links.contact(contact.id))])


def _works_at(session: Session, owner: User, intent: Intent, lang: str, answer: Answer) -> None:
    """The owner's contacts at a company."""
    found = grounding.contacts_at(session, owner, intent.subject)
    if not found:
        answer.text = say(lang, "works_none", company=quote(intent.subject, 80))
        return
    answer.sources += [grounding.contact_source(c) for c in found[:LIST_LIMIT]]
    lines = [_bullet(c) for c in found[:LIST_LIMIT]]
    answer.text = say(lang, "works_at", company=quote(intent.subject, 80)) + "\n\n" + "\n".join(lines)


def _said(session: Session, owner: User, intent: Intent, lang: str, answer: Answer) -> None:
    """What a contact wrote: their direct messages and inbound history entries."""
    contact = _with_contact(session, owner, intent, lang, answer)
    if contact is None:
        return
    said = grounding.messages_from(session, owner, contact)
    history = session.exec(
        select(CommunicationEntry)
        .where(CommunicationEntry.contact_id == contact.id, CommunicationEntry.owner_id == owner.id)
        .where(CommunicationEntry.direction == "inbound")
        .order_by(CommunicationEntry.created_at.desc())
        .limit(5)
    ).all()
    lines = [f"- {link(s.title, s.url)}: “{quote(s.text)}”" for s in said]
    lines += [f"- {quote(h.subject or h.channel, 80)}: “{quote(h.body)}”" for h in history]
    answer.sources += said
    name = quote(contact.full_name)
    answer.text = (
        (say(lang, "said", name=name) + "\n\n" + "\n".join(lines)) if lines else say(lang, "said_none", name=name)
    )


def not_followed(session: Session, owner: User, limit: int = LIST_LIMIT) -> list[SavedContact]:
    """The owner's contacts never contacted (or not for QUIET_DAYS) with no reminder pending, oldest first."""
    pending = exists().where(Reminder.contact_id == SavedContact.id, Reminder.status != "done")
    quiet = clock.now() - timedelta(days=QUIET_DAYS)
    query = select(SavedContact).where(
        SavedContact.owner_id == owner.id,
        or_(SavedContact.last_contacted_at.is_(None), SavedContact.last_contacted_at < quiet),
        ~pending,
    )
    return list(session.exec(query.order_by(SavedContact.created_at, SavedContact.id).limit(limit)))


def _not_followed(session: Session, owner: User, intent: Intent, lang: str, answer: Answer) -> None:
    """Who the owner has not followed up with, and a reminder for the first of them."""
    found = not_followed(session, owner)
    if not found:
        answer.text = say(lang, "all_followed")
        return
    answer.sources += [grounding.contact_source(c) for c in found]
    answer.text = say(lang, "not_followed") + "\n\n" + "\n".join(_bullet(c) for c in found)
    answer.actions.append(actions.reminder(found[0], "tomorrow", lang))


def _card(session: Session, owner: User, intent: Intent, lang: str, answer: Answer) -> None:
    """The owner's own cards."""
    cards = grounding.own_cards(session, owner)
    answer.sources += cards
    lines = []
    for card in cards:
        headline = next((v for k, v in (ln.split(": ", 1) for ln in card.text.splitlines()) if k == "Headline"), "")
        lines.append(
            say(lang, "card", name=link(card.title, card.url), headline=f" — {quote(headline)}" if headline else "")
        )
    answer.text = "\n\n".join(lines) or say(lang, "nothing")


def _remind(session: Session, owner: User, intent: Intent, lang: str, answer: Answer) -> None:
    """Propose a reminder for the contact named."""
    contact = _with_contact(session, owner, intent, lang, answer)
    if contact is not None:
        answer.actions.append(actions.reminder(contact, intent.when, lang))
        answer.text = "\n\n".join([describe(session, lang, contact)[0], say(lang, "propose")])


def _draft(session: Session, owner: User, intent: Intent, lang: str, answer: Answer) -> None:
    """Propose drafting a message to the contact named."""
    contact = _with_contact(session, owner, intent, lang, answer)
    if contact is not None:
        answer.actions.append(actions.draft(contact, owner, lang))
        answer.text = "\n\n".join([describe(session, lang, contact)[0], say(lang, "propose")])


_GROUP = re.compile(
    r"^(?:everyone|everybody|all|all my contacts|my contacts|contacts|people) (?:at|from|who work at)\s+", re.I
)


def _tag(session: Session, owner: User, intent: Intent, lang: str, answer: Answer) -> None:
    """Propose a tag on the contacts named, or on everyone at a company."""
    group = _GROUP.sub("", intent.subject)
    if group != intent.subject:
        found = grounding.contacts_at(session, owner, group) or grounding.contacts_about(
            session, owner, grounding.key_terms(group), limit=actions.MAX_TAGGED
        )
    else:
        names = [n for n in re.split(r",|\band\b|&", intent.subject) if n.strip()]
        found = list({c.id: c for n in names if (c := _named(session, owner, n)) is not None}.values())
    if not found or not intent.tag:
        answer.text = say(lang, "unknown", name=quote(intent.subject or "?", 80))
        return
    answer.sources += [grounding.contact_source(c) for c in found[:LIST_LIMIT]]
    answer.actions.append(actions.tag(found, intent.tag, lang))
    answer.text = "\n".join(_bullet(c) for c in found[:LIST_LIMIT]) + "\n\n" + say(lang, "propose")


def _search(session: Session, owner: User, intent: Intent, lang: str, answer: Answer) -> None:
    """Anything else: the best matching contacts, notes and messages."""
    terms = grounding.key_terms(intent.subject)
    contacts = grounding.contacts_about(session, owner, terms, limit=5)
    found = grounding.notes_and_messages(session, owner, terms)
    answer.sources += [grounding.contact_source(c) for c in contacts]
    answer.sources += [s for s in found if not (s.kind == "note" and s.id in {str(c.id) for c in contacts})]
    lines = [_bullet(c) for c in contacts]
    lines += [f"- {link(s.title, s.url)}: “{quote(s.text, 160)}”" for s in answer.sources if s.kind != "contact"]
    answer.text = (say(lang, "found") + "\n\n" + "\n".join(lines)) if lines else say(lang, "nothing")


HANDLERS = {
    "who_is": _who_is,
    "where_met": _where_met,
    "works_at": _works_at,
    "said": _said,
    "not_followed": _not_followed,
    "card": _card,
    "remind": _remind,
    "draft": _draft,
    "tag": _tag,
    "search": _search,
}


def language_of(question: str, intent: Intent, owner: User) -> str:
    """The answer's language: the recognised question's, else the detected one, else the owner's."""
    return template_language(intent.language or detect(question, fallback=base(owner.language) or "en"))


def answer(*, session: Session, owner: User, question: str) -> Answer:
    """The offline answer to one question of the owner, with its sources and proposed actions."""
    intent = read_intent(question)
    lang = language_of(question, intent, owner)
    found = Answer(text="", language=lang, intent=intent)
    HANDLERS[intent.kind](session, owner, intent, lang, found)
    return found
