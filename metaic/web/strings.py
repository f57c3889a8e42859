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
    "share_back": "Share your details", "share_back_intro": "Leave your details and {name} can get back to you.",
    "f_name": "Name", "f_email": "Email", "f_phone": "Phone", "f_company": "Company", "f_note": "Message",
    "f_optional": "optional", "f_send": "Send my details",
    "share_consent": "I agree that {name} may store the details above and contact me about them.",
    "shared_title": "Thank you!", "shared_text": "Your details are on their way to {name}.",
    "save_mine": "Save to my contacts", "saved_mine": "Saved to your contacts", "sign_in_save": "Sign in to save",
    "form_fix": "Some fields need attention.", "forbidden": "Not allowed",
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
    "share_back": "留下你的联系方式", "share_back_intro": "留下联系方式，{name}会与你联系。", "f_name": "姓名",
    "f_email": "邮箱", "f_phone": "电话", "f_company": "公司", "f_note": "留言", "f_optional": "选填",
    "f_send": "发送我的联系方式", "share_consent": "我同意{name}保存以上信息并就此与我联系。",
    "shared_title": "谢谢！", "shared_text": "你的联系方式已发送给{name}。", "save_mine": "保存到我的联系人",
    "saved_mine": "已保存到你的联系人", "sign_in_save": "登录后保存", "form_fix": "请检查标出的字段。",
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
    "share_back": "Comparte tus datos", "share_back_intro": "Deja tus datos y {name} podrá contactarte.",
    "f_name": "Nombre", "f_email": "Correo", "f_phone": "Teléfono", "f_company": "Empresa", "f_note": "Mensaje",
    "f_optional": "opcional", "f_send": "Enviar mis datos",
    "share_consent": "Acepto que {name} guarde los datos anteriores y me contacte sobre ellos.",
    "shared_title": "¡Gracias!", "shared_text": "Tus datos se han enviado a {name}.",
    "save_mine": "Guardar en mis contactos", "saved_mine": "Guardado en tus contactos",
    "sign_in_save": "Inicia sesión para guardar", "form_fix": "Revisa los campos marcados.",
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
    "share_back": "Partagez vos coordonnées",
    "share_back_intro": "Laissez vos coordonnées et {name} vous recontactera.",
    "f_name": "Nom", "f_email": "E-mail", "f_phone": "Téléphone", "f_company": "Entreprise", "f_note": "Message",
    "f_optional": "facultatif", "f_send": "Envoyer mes coordonnées",
    "share_consent": "J'accepte que {name} conserve les informations ci-dessus et me contacte à leur sujet.",
    "shared_title": "Merci !", "shared_text": "Vos coordonnées ont été envoyées à {name}.",
    "save_mine": "Enregistrer dans mes contacts", "saved_mine": "Enregistré dans vos contacts",
    "sign_in_save": "Connectez-vous pour enregistrer", "form_fix": "Vérifiez les champs indiqués.",
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
    "share_back": "Ihre Kontaktdaten teilen",
    "share_back_intro": "Hinterlassen Sie Ihre Daten, dann meldet sich {name} bei Ihnen.", "f_name": "Name",
    "f_email": "E-Mail", "f_phone": "Telefon", "f_company": "Unternehmen", "f_note": "Nachricht",
    "f_optional": "optional", "f_send": "Meine Daten senden",
    "share_consent": "Ich bin einverstanden, dass {name} die obigen Angaben speichert und mich dazu kontaktiert.",
    "shared_title": "Vielen Dank!", "shared_text": "Ihre Daten wurden an {name} gesendet.",
    "save_mine": "In meinen Kontakten speichern", "saved_mine": "In Ihren Kontakten gespeichert",
    "sign_in_save": "Anmelden zum Speichern", "form_fix": "Bitte prüfen Sie die markierten Felder.",
}

LANGUAGES = {"en": EN, "zh": ZH, "es": ES, "fr": FR, "de": DE}


def for_language(code: str) -> dict[str, str]:
    """The words for a language code such as `zh-cn` (English when not available)."""
    return LANGUAGES.get((code or "en").split("-")[0].lower(), EN)
