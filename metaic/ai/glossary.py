"""The offline translator: a phrase table of common card wording in en, es, fr and de.

It is honest about what it is: a text is translated only when every part of it (split at " & ", "|",
"·", ",", " and ", ...) is in the table; anything else is returned unchanged and listed as untranslated,
so the user sees exactly what still needs a human or the AI provider.
"""

from __future__ import annotations

import re

from metaic.ai.text import fold

# One row per phrase: en, es, fr, de.
ROWS: list[tuple[str, str, str, str]] = [
    ("Founder", "Fundador", "Fondateur", "Gründer"),
    ("Co-founder", "Cofundador", "Cofondateur", "Mitgründer"),
    ("CEO", "CEO", "PDG", "Geschäftsführer"),
    ("CTO", "CTO", "CTO", "CTO"),
    ("Owner", "Propietario", "Propriétaire", "Inhaber"),
    ("Director", "Director", "Directeur", "Direktor"),
    ("Manager", "Gerente", "Responsable", "Manager"),
    ("Product Manager", "Gerente de producto", "Chef de produit", "Produktmanager"),
    ("Project Manager", "Gestor de proyectos", "Chef de projet", "Projektmanager"),
    ("Sales Manager", "Gerente de ventas", "Responsable commercial", "Vertriebsleiter"),
    ("Marketing Manager", "Gerente de marketing", "Responsable marketing", "Marketingmanager"),
    ("Software Engineer", "Ingeniero de software", "Ingénieur logiciel", "Softwareentwickler"),
    ("Software Developer", "Desarrollador de software", "Développeur logiciel", "Softwareentwickler"),
    ("Web Developer", "Desarrollador web", "Développeur web", "Webentwickler"),
    ("Engineer", "Ingeniero", "Ingénieur", "Ingenieur"),
    ("Designer", "Diseñador", "Designer", "Designer"),
    ("Graphic Designer", "Diseñador gráfico", "Graphiste", "Grafikdesigner"),
    ("Photographer", "Fotógrafo", "Photographe", "Fotograf"),
    ("Consultant", "Consultor", "Consultant", "Berater"),
    ("Freelancer", "Autónomo", "Indépendant", "Freiberufler"),
    ("Lawyer", "Abogado", "Avocat", "Rechtsanwalt"),
    ("Accountant", "Contable", "Comptable", "Buchhalter"),
    ("Architect", "Arquitecto", "Architecte", "Architekt"),
    ("Teacher", "Profesor", "Enseignant", "Lehrer"),
    ("Doctor", "Médico", "Médecin", "Arzt"),
    ("Real Estate Agent", "Agente inmobiliario", "Agent immobilier", "Immobilienmakler"),
    ("Investor", "Inversor", "Investisseur", "Investor"),
    ("Coach", "Coach", "Coach", "Coach"),
    ("Mentor", "Mentor", "Mentor", "Mentor"),
    ("Student", "Estudiante", "Étudiant", "Student"),
    ("Researcher", "Investigador", "Chercheur", "Forscher"),
    ("Sales", "Ventas", "Ventes", "Vertrieb"),
    ("Marketing", "Marketing", "Marketing", "Marketing"),
    ("Consulting", "Consultoría", "Conseil", "Beratung"),
    ("Web Design", "Diseño web", "Conception web", "Webdesign"),
    ("Photography", "Fotografía", "Photographie", "Fotografie"),
    ("Training", "Formación", "Formation", "Schulung"),
    ("Coaching", "Coaching", "Coaching", "Coaching"),
    ("Software Development", "Desarrollo de software", "Développement logiciel", "Softwareentwicklung"),
    ("Data Analysis", "Análisis de datos", "Analyse de données", "Datenanalyse"),
    ("Branding", "Branding", "Image de marque", "Markenbildung"),
    ("Let's connect!", "¡Conectemos!", "Restons en contact !", "Lass uns vernetzen!"),
    ("Get in touch", "Ponte en contacto", "Contactez-moi", "Kontaktieren Sie mich"),
    (
        "Available for new projects",
        "Disponible para nuevos proyectos",
        "Disponible pour de nouveaux projets",
        "Verfügbar für neue Projekte",
    ),
    (
        "Open to new opportunities",
        "Abierto a nuevas oportunidades",
        "Ouvert à de nouvelles opportunités",
        "Offen für neue Möglichkeiten",
    ),
    ("Mentoring", "Mentoría", "Mentorat", "Mentoring"),
    ("Hiring", "Contratando", "Recrutement", "Wir stellen ein"),
    ("Investing", "Inversión", "Investissement", "Investitionen"),
    ("Partnerships", "Alianzas", "Partenariats", "Partnerschaften"),
]
LANGUAGES = ("en", "es", "fr", "de")
CONNECTORS = {"en": "and", "es": "y", "fr": "et", "de": "und"}
SPLIT = re.compile(r"(\s*(?:&|\||·|/|,|\band\b|\by\b|\bet\b|\bund\b)\s*)")


def _table(source: str) -> dict[str, tuple[str, str, str, str]]:
    """Folded phrase in `source` -> its row."""
    column = LANGUAGES.index(source)
    return {fold(row[column]).rstrip(".!"): row for row in ROWS}


def translate(value: str, source: str, target: str) -> str | None:
    """`value` in `target` when every part is in the table, else None (the caller keeps it unchanged)."""
    if source not in LANGUAGES or target not in LANGUAGES or not value.strip():
        return None
    if source == target:
        return value
    table, column = _table(source), LANGUAGES.index(target)
    out: list[str] = []
    for index, part in enumerate(SPLIT.split(value.strip())):
        if index % 2:  # a separator
            word = part.strip()
            out.append(f" {CONNECTORS[target]} " if fold(word) == CONNECTORS[source] else part)
            continue
        if not part:
            continue
        row = table.get(fold(part).rstrip(".!"))
        if row is None:
            return None
        out.append(row[column])
    return "".join(out)


def supported(source: str, target: str) -> bool:
    """Whether the phrase table covers this pair."""
    return source in LANGUAGES and target in LANGUAGES
