"""The offline engine's sentence templates, per language (en, es, fr, de); other languages use English.

Placeholders are filled from the user's own card or contact fields only. A template whose placeholder
has no value is skipped, so a sparse card gets fewer, still correct, sentences.
"""

from __future__ import annotations

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "at": "{role} at {company}",
        "helping": "{role} helping clients with {service}",
        "bold_headline": "{role}. {service}, done right.",
        "friendly_headline": "{role} at {company}, happy to help with {service}",
        "intro_friendly": "Hi, I'm {first}, {role_lower} at {company}.",
        "intro_professional": "I am {name}, {role_lower} at {company}.",
        "intro_bold": "{name}. {role}.",
        "intro_friendly_nocompany": "Hi, I'm {first}, {role_lower}.",
        "intro_professional_nocompany": "I am {name}, {role_lower}.",
        "services": "I help with {services}.",
        "industry": "I work in {industry}.",
        "offer": "What I offer: {offer}.",
        "looking": "Currently looking for {looking}.",
        "works": "Recent work includes {works}.",
        "interests": "Outside work: {interests}.",
        "close_friendly": "Let's connect!",
        "close_professional": "Get in touch to discuss how I can help.",
        "close_bold": "Let's build something great.",
        "and": "and",
        "summary_offers": "Offers {services}.",
        "summary_looking": "Looking for {looking}.",
        "fu_subject": "Great to meet you{where_short}",
        "fu_email": (
            "Hi {first},\n\nIt was great to meet you{where}. {context}I'd be glad to stay in touch"
            " and continue our conversation.\n\nWould you have time for a short call next week?\n\nBest regards,\n{me}"
        ),
        "fu_whatsapp": (
            "Hi {first}, {me} here. Great to meet you{where}! {context}Shall we find a time to talk next week?"
        ),
        "fu_context": "I enjoyed talking about {topic}. ",
        "fu_at": " at {event}",
        "fu_in": " in {place}",
        "fu_on": " on {day}",
        "default_role": "Professional",
    },
    "es": {
        "at": "{role} en {company}",
        "helping": "{role} que ayuda a sus clientes con {service}",
        "bold_headline": "{role}. {service}, bien hecho.",
        "friendly_headline": "{role} en {company}, encantado de ayudar con {service}",
        "intro_friendly": "¡Hola, soy {first}! Trabajo como {role_lower} en {company}.",
        "intro_professional": "Soy {name}, {role_lower} en {company}.",
        "intro_bold": "{name}. {role}.",
        "intro_friendly_nocompany": "¡Hola, soy {first}! Trabajo como {role_lower}.",
        "intro_professional_nocompany": "Soy {name}, {role_lower}.",
        "services": "Ayudo con {services}.",
        "industry": "Trabajo en el sector de {industry}.",
        "offer": "Lo que ofrezco: {offer}.",
        "looking": "Actualmente busco {looking}.",
        "works": "Trabajos recientes: {works}.",
        "interests": "Fuera del trabajo: {interests}.",
        "close_friendly": "¡Conectemos!",
        "close_professional": "Contácteme para hablar de cómo puedo ayudarle.",
        "close_bold": "Construyamos algo grande.",
        "and": "y",
        "summary_offers": "Ofrece {services}.",
        "summary_looking": "Busca {looking}.",
        "fu_subject": "Encantado de conocerte{where_short}",
        "fu_email": (
            "Hola {first}:\n\nFue un placer conocerte{where}. {context}Me encantaría seguir en contacto"
            " y continuar nuestra conversación.\n\n¿Tendrías tiempo para una breve llamada la próxima semana?"
            "\n\nUn saludo,\n{me}"
        ),
        "fu_whatsapp": (
            "Hola {first}, soy {me}. ¡Un placer conocerte{where}! {context}"
            "¿Buscamos un momento para hablar la próxima semana?"
        ),
        "fu_context": "Me gustó hablar de {topic}. ",
        "fu_at": " en {event}",
        "fu_in": " en {place}",
        "fu_on": " el {day}",
        "default_role": "Profesional",
    },
    "fr": {
        "at": "{role} chez {company}",
        "helping": "{role} au service de ses clients pour {service}",
        "bold_headline": "{role}. {service}, bien fait.",
        "friendly_headline": "{role} chez {company}, ravi d'aider pour {service}",
        "intro_friendly": "Bonjour, je suis {first} ! Je travaille comme {role_lower} chez {company}.",
        "intro_professional": "Je suis {name}, {role_lower} chez {company}.",
        "intro_bold": "{name}. {role}.",
        "intro_friendly_nocompany": "Bonjour, je suis {first} ! Je travaille comme {role_lower}.",
        "intro_professional_nocompany": "Je suis {name}, {role_lower}.",
        "services": "J'accompagne mes clients pour {services}.",
        "industry": "Je travaille dans le secteur {industry}.",
        "offer": "Ce que je propose : {offer}.",
        "looking": "Je recherche actuellement {looking}.",
        "works": "Travaux récents : {works}.",
        "interests": "En dehors du travail : {interests}.",
        "close_friendly": "Restons en contact !",
        "close_professional": "Contactez-moi pour voir comment je peux vous aider.",
        "close_bold": "Construisons quelque chose de grand.",
        "and": "et",
        "summary_offers": "Propose {services}.",
        "summary_looking": "Recherche {looking}.",
        "fu_subject": "Ravi de vous avoir rencontré{where_short}",
        "fu_email": (
            "Bonjour {first},\n\nJ'ai été ravi de vous rencontrer{where}. {context}Je serais heureux de rester en"
            " contact et de poursuivre notre échange.\n\nAuriez-vous un moment pour un court appel la semaine"
            " prochaine ?\n\nBien cordialement,\n{me}"
        ),
        "fu_whatsapp": (
            "Bonjour {first}, c'est {me}. Ravi de vous avoir rencontré{where} ! {context}"
            "On se parle la semaine prochaine ?"
        ),
        "fu_context": "J'ai apprécié notre échange sur {topic}. ",
        "fu_at": " à {event}",
        "fu_in": " à {place}",
        "fu_on": " le {day}",
        "default_role": "Professionnel",
    },
    "de": {
        "at": "{role} bei {company}",
        "helping": "{role} – ich unterstütze Kunden bei {service}",
        "bold_headline": "{role}. {service}, richtig gemacht.",
        "friendly_headline": "{role} bei {company}, helfe gern bei {service}",
        "intro_friendly": "Hallo, ich bin {first}! Ich arbeite als {role} bei {company}.",
        "intro_professional": "Ich bin {name}, {role} bei {company}.",
        "intro_bold": "{name}. {role}.",
        "intro_friendly_nocompany": "Hallo, ich bin {first}! Ich arbeite als {role}.",
        "intro_professional_nocompany": "Ich bin {name}, {role}.",
        "services": "Ich unterstütze bei {services}.",
        "industry": "Meine Branche: {industry}.",
        "offer": "Was ich biete: {offer}.",
        "looking": "Derzeit suche ich {looking}.",
        "works": "Aktuelle Arbeiten: {works}.",
        "interests": "Außerhalb der Arbeit: {interests}.",
        "close_friendly": "Lass uns vernetzen!",
        "close_professional": "Sprechen Sie mich gern an, wie ich Ihnen helfen kann.",
        "close_bold": "Lassen Sie uns etwas Großes bauen.",
        "and": "und",
        "summary_offers": "Bietet {services}.",
        "summary_looking": "Sucht {looking}.",
        "fu_subject": "Schön, Sie kennengelernt zu haben{where_short}",
        "fu_email": (
            "Hallo {first},\n\nes hat mich sehr gefreut, Sie{where} kennenzulernen. {context}Ich würde gern in"
            " Kontakt bleiben und unser Gespräch fortsetzen.\n\nHätten Sie nächste Woche Zeit für ein kurzes"
            " Telefonat?\n\nViele Grüße\n{me}"
        ),
        "fu_whatsapp": (
            "Hallo {first}, hier ist {me}. Schön, Sie{where} kennengelernt zu haben! {context}"
            "Sollen wir nächste Woche telefonieren?"
        ),
        "fu_context": "Das Gespräch über {topic} hat mir gefallen. ",
        "fu_at": " auf der {event}",
        "fu_in": " in {place}",
        "fu_on": " am {day}",
        "default_role": "Fachkraft",
    },
}


def phrase(language: str, key: str, **values: str) -> str:
    """The template `key` in `language` (English when missing) filled with `values`."""
    table = PHRASES.get(language) or PHRASES["en"]
    return (table.get(key) or PHRASES["en"][key]).format(**values)


def join_list(language: str, items: list[str]) -> str:
    """Items as prose: "a, b and c" in the language."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {phrase(language, 'and')} {items[-1]}"
