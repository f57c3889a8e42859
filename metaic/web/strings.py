"""The public page's fixed words in the languages MetaIC speaks (the card's own text is the owner's)."""

from __future__ import annotations

EN = {
    "save_contact": "Save contact", "call": "Call", "email": "Email", "about": "About", "contact": "Contact",
    "connect": "Connect", "company": "Company", "services": "Services", "work": "Work", "interests": "Interests",
    "networking": "Let's connect", "offer": "What I offer", "looking_for": "What I'm looking for",
    "industries": "Industries", "open_to": "Open to", "meeting": "Prefers to meet",
    "open_mentoring": "Mentoring", "open_hiring": "Hiring", "open_investing": "Investing",
    "open_partnering": "Partnering", "meet_in_person": "In person", "meet_video": "Video call",
    "meet_phone": "Phone call", "meet_any": "Any way", "share": "Share this card",
    "share_text": "{name}'s digital business card", "copy_link": "Copy link", "copied": "Link copied",
    "share_more": "More…", "card_of": "{name}'s business card", "scan": "Scan to open this card",
    "made_with": "Made with MetaIC", "get_yours": "Create your free card", "preferred": "Preferred",
    "visit": "Visit", "website": "Website", "directions": "Directions", "private_note":
    "Only you can see this card: it is private.", "not_found": "Card not found",
    "not_found_text": "This card does not exist, is not published yet, or is private.",
    "too_many": "Too many requests", "home": "Go to MetaIC", "view": "View",
}

ZH = {
    **EN, "save_contact": "保存联系人", "call": "电话", "email": "邮件", "about": "简介", "contact": "联系方式",
    "connect": "社交账号", "company": "公司", "services": "服务", "work": "作品", "interests": "兴趣",
    "networking": "交流合作", "offer": "我能提供", "looking_for": "我在寻找", "industries": "行业",
    "open_to": "愿意参与", "meeting": "偏好的见面方式", "open_mentoring": "指导", "open_hiring": "招聘",
    "open_investing": "投资", "open_partnering": "合作", "meet_in_person": "当面", "meet_video": "视频通话",
    "meet_phone": "电话", "meet_any": "均可", "share": "分享名片", "share_text": "{name}的电子名片",
    "copy_link": "复制链接", "copied": "已复制链接", "share_more": "更多…", "card_of": "{name}的名片",
    "scan": "扫码打开名片", "made_with": "由 MetaIC 制作", "get_yours": "免费创建你的名片", "preferred": "首选",
    "visit": "访问", "website": "网站", "directions": "导航",
}

ES = {
    **EN, "save_contact": "Guardar contacto", "call": "Llamar", "email": "Correo", "about": "Sobre mí",
    "contact": "Contacto", "connect": "Redes", "company": "Empresa", "services": "Servicios", "work": "Trabajos",
    "interests": "Intereses", "networking": "Conectemos", "offer": "Lo que ofrezco", "looking_for": "Lo que busco",
    "industries": "Sectores", "open_to": "Abierto a", "meeting": "Prefiere reunirse",
    "open_mentoring": "Mentoría", "open_hiring": "Contratar", "open_investing": "Invertir",
    "open_partnering": "Colaborar", "meet_in_person": "En persona", "meet_video": "Videollamada",
    "meet_phone": "Llamada", "meet_any": "Como sea", "share": "Compartir tarjeta",
    "share_text": "Tarjeta digital de {name}", "copy_link": "Copiar enlace", "copied": "Enlace copiado",
    "card_of": "Tarjeta de {name}", "scan": "Escanea para abrir la tarjeta", "made_with": "Hecho con MetaIC",
    "get_yours": "Crea tu tarjeta gratis", "preferred": "Preferido", "visit": "Visitar",
}

FR = {
    **EN, "save_contact": "Enregistrer le contact", "call": "Appeler", "email": "E-mail", "about": "À propos",
    "contact": "Contact", "connect": "Réseaux", "company": "Entreprise", "services": "Services",
    "work": "Réalisations", "interests": "Centres d'intérêt", "networking": "Échangeons",
    "offer": "Ce que je propose", "looking_for": "Ce que je recherche", "industries": "Secteurs",
    "open_to": "Ouvert à", "meeting": "Préfère se rencontrer", "open_mentoring": "Mentorat",
    "open_hiring": "Recrutement", "open_investing": "Investissement", "open_partnering": "Partenariat",
    "meet_in_person": "En personne", "meet_video": "En visio", "meet_phone": "Par téléphone",
    "meet_any": "Peu importe", "share": "Partager la carte", "share_text": "Carte de visite numérique de {name}",
    "copy_link": "Copier le lien", "copied": "Lien copié", "card_of": "Carte de visite de {name}",
    "scan": "Scannez pour ouvrir la carte", "made_with": "Créé avec MetaIC", "get_yours": "Créez votre carte",
    "preferred": "Préféré", "visit": "Visiter",
}

DE = {
    **EN, "save_contact": "Kontakt speichern", "call": "Anrufen", "email": "E-Mail", "about": "Über mich",
    "contact": "Kontakt", "connect": "Profile", "company": "Unternehmen", "services": "Leistungen",
    "work": "Arbeiten", "interests": "Interessen", "networking": "Vernetzen", "offer": "Was ich biete",
    "looking_for": "Was ich suche", "industries": "Branchen", "open_to": "Offen für",
    "meeting": "Trifft sich am liebsten",
    "open_mentoring": "Mentoring", "open_hiring": "Einstellungen", "open_investing": "Investitionen",
    "open_partnering": "Partnerschaften", "meet_in_person": "Persönlich", "meet_video": "Per Video",
    "meet_phone": "Per Telefon", "meet_any": "Egal wie", "share": "Karte teilen",
    "share_text": "Digitale Visitenkarte von {name}", "copy_link": "Link kopieren", "copied": "Link kopiert",
    "card_of": "Visitenkarte von {name}", "scan": "Scannen, um die Karte zu öffnen",
    "made_with": "Erstellt mit MetaIC", "get_yours": "Eigene Karte erstellen", "preferred": "Bevorzugt",
    "visit": "Besuchen",
}

LANGUAGES = {"en": EN, "zh": ZH, "es": ES, "fr": FR, "de": DE}


def for_language(code: str) -> dict[str, str]:
    """The words for a language code such as `zh-cn` (English when not available)."""
    return LANGUAGES.get((code or "en").split("-")[0].lower(), EN)
