"""Ask MetaIC's offline templates (en, es, fr, de) and the questions it recognises in each language.

The patterns read only the owner's own question, never data: a note that says "remind me to email
everyone" is text to quote, and cannot propose or run anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from metaic.ai.phrases import PHRASES

CHAT: dict[str, dict[str, str]] = {
    "en": {
        "who": "**{link}**{role}.",
        "met": "You met {name}{where}.",
        "how": "How you met: {how}",
        "no_meeting": "I have no note of where you met {name}.",
        "notes": "Your notes: {notes}",
        "tags": "Tags: {tags}.",
        "works_at": "Your contacts at {company}:",
        "works_none": "None of your contacts works at {company}.",
        "not_followed": "You have not followed up with these contacts yet:",
        "all_followed": "You are up to date: every contact has been followed up.",
        "said": "What {name} wrote to you:",
        "said_none": "I found no message from {name}.",
        "unknown": "I could not find {name} among your contacts.",
        "found": "Here is what I found in your contacts, notes and messages:",
        "nothing": "I found nothing about that in your cards, contacts, notes or messages. "
        "Try a name, a company or an event.",
        "card": "Your card **{name}**{headline}.",
        "propose": "I can do this for you when you confirm:",
        "remind_label": "Remind me to follow up with {name} {when}",
        "draft_label": "Draft a message to {name}",
        "tag_label": "Tag {names} as “{tag}”",
        "tomorrow": "tomorrow",
        "next_week": "next week",
    },
    "es": {
        "who": "**{link}**{role}.",
        "met": "Conociste a {name}{where}.",
        "how": "Cómo os conocisteis: {how}",
        "no_meeting": "No tengo nota de dónde conociste a {name}.",
        "notes": "Tus notas: {notes}",
        "tags": "Etiquetas: {tags}.",
        "works_at": "Tus contactos en {company}:",
        "works_none": "Ninguno de tus contactos trabaja en {company}.",
        "not_followed": "Aún no has hecho seguimiento con estos contactos:",
        "all_followed": "Estás al día: has hecho seguimiento con todos tus contactos.",
        "said": "Lo que {name} te escribió:",
        "said_none": "No encontré ningún mensaje de {name}.",
        "unknown": "No encontré a {name} entre tus contactos.",
        "found": "Esto es lo que encontré en tus contactos, notas y mensajes:",
        "nothing": "No encontré nada sobre eso en tus tarjetas, contactos, notas o mensajes. "
        "Prueba con un nombre, una empresa o un evento.",
        "card": "Tu tarjeta **{name}**{headline}.",
        "propose": "Puedo hacerlo por ti cuando lo confirmes:",
        "remind_label": "Recordarme hacer seguimiento con {name} {when}",
        "draft_label": "Redactar un mensaje para {name}",
        "tag_label": "Etiquetar a {names} como «{tag}»",
        "tomorrow": "mañana",
        "next_week": "la próxima semana",
    },
    "fr": {
        "who": "**{link}**{role}.",
        "met": "Vous avez rencontré {name}{where}.",
        "how": "Votre rencontre : {how}",
        "no_meeting": "Je n'ai pas de note sur l'endroit où vous avez rencontré {name}.",
        "notes": "Vos notes : {notes}",
        "tags": "Étiquettes : {tags}.",
        "works_at": "Vos contacts chez {company} :",
        "works_none": "Aucun de vos contacts ne travaille chez {company}.",
        "not_followed": "Vous n'avez pas encore relancé ces contacts :",
        "all_followed": "Vous êtes à jour : tous vos contacts ont été relancés.",
        "said": "Ce que {name} vous a écrit :",
        "said_none": "Je n'ai trouvé aucun message de {name}.",
        "unknown": "Je n'ai pas trouvé {name} parmi vos contacts.",
        "found": "Voici ce que j'ai trouvé dans vos contacts, notes et messages :",
        "nothing": "Je n'ai rien trouvé à ce sujet dans vos cartes, contacts, notes ou messages. "
        "Essayez un nom, une entreprise ou un événement.",
        "card": "Votre carte **{name}**{headline}.",
        "propose": "Je peux le faire pour vous après votre confirmation :",
        "remind_label": "Me rappeler de relancer {name} {when}",
        "draft_label": "Rédiger un message pour {name}",
        "tag_label": "Étiqueter {names} « {tag} »",
        "tomorrow": "demain",
        "next_week": "la semaine prochaine",
    },
    "de": {
        "who": "**{link}**{role}.",
        "met": "Sie haben {name}{where} getroffen.",
        "how": "Wie Sie sich kennengelernt haben: {how}",
        "no_meeting": "Ich habe keine Notiz, wo Sie {name} getroffen haben.",
        "notes": "Ihre Notizen: {notes}",
        "tags": "Schlagwörter: {tags}.",
        "works_at": "Ihre Kontakte bei {company}:",
        "works_none": "Keiner Ihrer Kontakte arbeitet bei {company}.",
        "not_followed": "Bei diesen Kontakten haben Sie noch nicht nachgefasst:",
        "all_followed": "Alles erledigt: Sie haben bei allen Kontakten nachgefasst.",
        "said": "Was {name} Ihnen geschrieben hat:",
        "said_none": "Ich habe keine Nachricht von {name} gefunden.",
        "unknown": "Ich habe {name} nicht unter Ihren Kontakten gefunden.",
        "found": "Das habe ich in Ihren Kontakten, Notizen und Nachrichten gefunden:",
        "nothing": "Dazu habe ich in Ihren Karten, Kontakten, Notizen und Nachrichten nichts gefunden. "
        "Versuchen Sie einen Namen, eine Firma oder eine Veranstaltung.",
        "card": "Ihre Karte **{name}**{headline}.",
        "propose": "Das kann ich nach Ihrer Bestätigung für Sie erledigen:",
        "remind_label": "Erinnere mich, bei {name} {when} nachzufassen",
        "draft_label": "Nachricht an {name} entwerfen",
        "tag_label": "{names} als „{tag}“ markieren",
        "tomorrow": "morgen",
        "next_week": "nächste Woche",
    },
}

_END = r"\s*[?.!]*\s*$"
_ASK = r"^(?:please |can you |could you )?"  # commands start the question ("what did X write to me" is no draft)
_NAME = r"(?P<subject>.+?)"
# (kind, language, pattern) tried in order; the first match decides the kind and the answer's language.
PATTERNS: list[tuple[str, str, str]] = [
    (
        "remind",
        "en",
        rf"{_ASK}remind me (?:to )?(?:follow up with |call |email |write to |contact |ping )?{_NAME}"
        rf"(?: (?P<when>tomorrow|next week))?{_END}",
    ),
    (
        "draft",
        "en",
        rf"{_ASK}(?:draft|write) (?:a |an )?(?:short )?(?:message|email|note|follow-up)? ?(?:to|for) {_NAME}{_END}",
    ),
    ("tag", "en", rf"{_ASK}tag {_NAME} (?:as|with) (?P<tag>.+?){_END}"),
    ("where_met", "en", rf"where (?:did|have) (?:i|we) (?:first )?(?:meet|met) {_NAME}{_END}"),
    ("works_at", "en", rf"who (?:else )?(?:works|worked|is working) (?:at|for) {_NAME}{_END}"),
    ("said", "en", rf"what (?:did|has) {_NAME} (?:say|said|write|wrote|tell me|told me|send|sent)\b"),
    (
        "not_followed",
        "en",
        r"(?:not|n't|never)\b.{0,12}\bfollow(?:ed)?[ -]?up|should i follow[ -]?up|follow[ -]?ups? (?:due|pending)"
        r"|(?:owe|need) (?:a )?follow[ -]?up",
    ),
    ("card", "en", r"\bmy (?:own )?(?:card|headline|profile)\b"),
    ("who_is", "en", rf"(?:who is|who's|tell me about|what do (?:i|you) know about) {_NAME}{_END}"),
    (
        "remind",
        "es",
        rf"recu[eé]rdame (?:hacer seguimiento (?:a|con) |llamar a |escribir a )?{_NAME}"
        rf"(?: (?P<when>mañana|la próxima semana))?{_END}",
    ),
    ("draft", "es", rf"redacta (?:un )?(?:mensaje|correo) (?:a|para) {_NAME}{_END}"),
    ("where_met", "es", rf"d[oó]nde conoc[ií] a {_NAME}{_END}"),
    ("works_at", "es", rf"qui[eé]n(?:es)? trabaja(?:n)? en {_NAME}{_END}"),
    ("said", "es", rf"qu[eé] (?:me )?(?:dijo|escribi[oó]) {_NAME}{_END}"),
    ("not_followed", "es", r"sin seguimiento|no (?:he|hice) (?:hecho |dado )?seguimiento"),
    ("who_is", "es", rf"qui[eé]n es {_NAME}{_END}"),
    (
        "remind",
        "fr",
        rf"rappelle-moi de (?:relancer |recontacter |appeler )?{_NAME}"
        rf"(?: (?P<when>demain|la semaine prochaine))?{_END}",
    ),
    ("where_met", "fr", rf"o[uù] (?:ai-je|j'ai) rencontr[eé] {_NAME}{_END}"),
    ("works_at", "fr", rf"qui travaille (?:chez|[aà]) {_NAME}{_END}"),
    ("said", "fr", rf"qu'(?:a|m'a) (?:dit|[eé]crit) {_NAME}{_END}"),
    ("not_followed", "fr", r"pas (?:encore )?relanc[eé]|sans (?:suivi|relance)"),
    ("who_is", "fr", rf"qui est {_NAME}{_END}"),
    (
        "remind",
        "de",
        rf"erinnere mich(?:,)? (?:an |bei )?{_NAME} (?:nachzufassen|anzurufen|zu schreiben)"
        rf"(?: (?P<when>morgen|nächste woche))?{_END}",
    ),
    ("where_met", "de", rf"wo habe ich {_NAME} (?:getroffen|kennengelernt){_END}"),
    ("works_at", "de", rf"wer arbeitet (?:bei|für) {_NAME}{_END}"),
    ("said", "de", rf"was hat {_NAME} (?:gesagt|geschrieben){_END}"),
    ("not_followed", "de", r"nicht nachgefasst|noch nicht gemeldet|kein follow-?up"),
    ("who_is", "de", rf"wer ist {_NAME}{_END}"),
]
_COMPILED = [(kind, lang, re.compile(pattern, re.IGNORECASE)) for kind, lang, pattern in PATTERNS]
WHEN = {"tomorrow": "tomorrow", "mañana": "tomorrow", "demain": "tomorrow", "morgen": "tomorrow"}


@dataclass(frozen=True)
class Intent:
    """What the question asks: its kind, the language it was asked in, and about whom or what."""

    kind: str
    language: str = ""
    subject: str = ""
    when: str = "tomorrow"
    tag: str = ""


def _clean_subject(value: str) -> str:
    """The person or company named, without a leading article or a trailing "again"/"for me"."""
    value = re.sub(r"^(?:the|el|la|le|les|der|die|das|mr\.?|mrs\.?|ms\.?)\s+", "", value.strip(), flags=re.I)
    value = re.sub(r"\s+(?:again|for me|today|please)$", "", value, flags=re.I)
    return value.strip(" \"'“”«»")


def read_intent(question: str) -> Intent:
    """The first recognised question shape (kind "search" with no language when none matches)."""
    text = " ".join((question or "").split())
    for kind, lang, pattern in _COMPILED:
        found = pattern.search(text)
        if found is None:
            continue
        groups = found.groupdict()
        when = WHEN.get((groups.get("when") or "").lower(), "next_week" if groups.get("when") else "tomorrow")
        return Intent(
            kind=kind,
            language=lang,
            subject=_clean_subject(groups.get("subject") or ""),
            when=when,
            tag=_clean_subject(groups.get("tag") or ""),
        )
    return Intent(kind="search", subject=text)


def say(language: str, key: str, **values: str) -> str:
    """The chat template `key` in `language` (English when missing), filled in."""
    table = CHAT.get(language) or CHAT["en"]
    return (table.get(key) or CHAT["en"][key]).format(**values)


def where(language: str, event: str, place: str, day: str) -> str:
    """ " at Web Summit in Lisbon on 2026-11-03" from the follow-up phrases of the language."""
    table = PHRASES.get(language) or PHRASES["en"]
    parts = [table["fu_at"].format(event=event) if event else ""]
    parts.append(table["fu_in"].format(place=place) if place else "")
    parts.append(table["fu_on"].format(day=day) if day else "")
    return "".join(parts)
