"""The owner's takedown notice and appeal page: its fixed words in MetaIC's languages.

The page speaks the owner's account language (`User.language`, set on the account page), the language
their takedown notification was written in. The shared words (footer, 403) are in strings_moderation.
"""

from __future__ import annotations

from metaic.web import strings

EN = {
    "appeal_tab": "Your card was taken down",
    "back_online": "Back online",
    "online_again": "“{name}” is online again",
    "restored_lead": "An admin restored your card. Visitors can open it as before.",
    "offline": "Offline",
    "taken_down": "Your card “{name}” was taken down",
    "offline_lead": "Visitors of {url} see a notice that the card was removed. Your draft and versions are kept.",
    "reason_given": "Reason given by MetaIC",
    "your_appeal": "Your appeal",
    "waiting": "Waiting for review",
    "thanks_short": "Thank you.",
    "appeal_pending": "An admin will review your appeal, and you will get a notification with the answer.",
    "answer": "Answer",
    "upheld_text": "The decision stands and the card stays offline. You can edit the card and publish a version "
    "that follows the rules; it stays offline until an admin restores it.",
    "appeal_label": "Appeal this decision",
    "appeal_placeholder": "Explain why the card follows MetaIC's rules, or what you changed.",
    "appeal_hint": "An admin reads every appeal. You can appeal once.",
    "send_appeal": "Send appeal",
    "your_cards": "Your cards",
    "open_card": "Open the card",
    "err_appeal_short": "Write why the card should come back (at least {min} characters).",
    "err_online_again": "This card is back online already.",
    "err_appealed": "You have appealed this decision already.",
}

ZH = {
    "appeal_tab": "你的名片已被下架",
    "back_online": "已恢复上线",
    "online_again": "“{name}”已重新上线",
    "restored_lead": "管理员已恢复你的名片。访客可以像以前一样打开它。",
    "offline": "已下线",
    "taken_down": "你的名片“{name}”已被下架",
    "offline_lead": "访问 {url} 的访客会看到名片已被移除的提示。你的草稿和各个版本都会保留。",
    "reason_given": "MetaIC 给出的原因",
    "your_appeal": "你的申诉",
    "waiting": "等待审核",
    "thanks_short": "谢谢。",
    "appeal_pending": "管理员会审核你的申诉，你会收到一条附有答复的通知。",
    "answer": "答复",
    "upheld_text": "原决定维持不变，名片仍保持下线。你可以编辑名片并发布一个符合规则的版本；在管理员恢复之前，"
    "它会一直保持下线。",
    "appeal_label": "对此决定提出申诉",
    "appeal_placeholder": "请说明此名片为何符合 MetaIC 的规则，或你做了哪些修改。",
    "appeal_hint": "管理员会阅读每一份申诉。你只能申诉一次。",
    "send_appeal": "发送申诉",
    "your_cards": "我的名片",
    "open_card": "打开名片",
    "err_appeal_short": "请写明名片应当恢复的理由（至少 {min} 个字符）。",
    "err_online_again": "此名片已重新上线。",
    "err_appealed": "你已经对此决定提出过申诉。",
}

ES = {
    "appeal_tab": "Tu tarjeta ha sido retirada",
    "back_online": "De nuevo en línea",
    "online_again": "«{name}» vuelve a estar en línea",
    "restored_lead": "Un administrador ha restaurado tu tarjeta. Los visitantes pueden abrirla como antes.",
    "offline": "Fuera de línea",
    "taken_down": "Tu tarjeta «{name}» ha sido retirada",
    "offline_lead": "Quienes visitan {url} ven un aviso de que la tarjeta se retiró. Tu borrador y tus versiones "
    "se conservan.",
    "reason_given": "Motivo indicado por MetaIC",
    "your_appeal": "Tu apelación",
    "waiting": "Pendiente de revisión",
    "thanks_short": "Gracias.",
    "appeal_pending": "Un administrador revisará tu apelación y recibirás una notificación con la respuesta.",
    "answer": "Respuesta",
    "upheld_text": "La decisión se mantiene y la tarjeta sigue fuera de línea. Puedes editar la tarjeta y publicar "
    "una versión que cumpla las normas; seguirá fuera de línea hasta que un administrador la restaure.",
    "appeal_label": "Apelar esta decisión",
    "appeal_placeholder": "Explica por qué la tarjeta cumple las normas de MetaIC o qué has cambiado.",
    "appeal_hint": "Un administrador lee cada apelación. Solo puedes apelar una vez.",
    "send_appeal": "Enviar apelación",
    "your_cards": "Tus tarjetas",
    "open_card": "Abrir la tarjeta",
    "err_appeal_short": "Explica por qué la tarjeta debería volver (al menos {min} caracteres).",
    "err_online_again": "Esta tarjeta ya vuelve a estar en línea.",
    "err_appealed": "Ya has apelado esta decisión.",
}

FR = {
    "appeal_tab": "Votre carte a été retirée",
    "back_online": "De nouveau en ligne",
    "online_again": "« {name} » est de nouveau en ligne",
    "restored_lead": "Un administrateur a rétabli votre carte. Les visiteurs peuvent l'ouvrir comme avant.",
    "offline": "Hors ligne",
    "taken_down": "Votre carte « {name} » a été retirée",
    "offline_lead": "Les visiteurs de {url} voient un avis indiquant que la carte a été retirée. Votre brouillon "
    "et vos versions sont conservés.",
    "reason_given": "Motif donné par MetaIC",
    "your_appeal": "Votre recours",
    "waiting": "En attente d'examen",
    "thanks_short": "Merci.",
    "appeal_pending": "Un administrateur examinera votre recours, et vous recevrez une notification avec la réponse.",
    "answer": "Réponse",
    "upheld_text": "La décision est maintenue et la carte reste hors ligne. Vous pouvez modifier la carte et publier "
    "une version conforme aux règles ; elle reste hors ligne jusqu'à ce qu'un administrateur la rétablisse.",
    "appeal_label": "Contester cette décision",
    "appeal_placeholder": "Expliquez pourquoi la carte respecte les règles de MetaIC, ou ce que vous avez changé.",
    "appeal_hint": "Un administrateur lit chaque recours. Vous ne pouvez contester qu'une seule fois.",
    "send_appeal": "Envoyer le recours",
    "your_cards": "Vos cartes",
    "open_card": "Ouvrir la carte",
    "err_appeal_short": "Expliquez pourquoi la carte devrait revenir (au moins {min} caractères).",
    "err_online_again": "Cette carte est déjà de nouveau en ligne.",
    "err_appealed": "Vous avez déjà contesté cette décision.",
}

DE = {
    "appeal_tab": "Ihre Karte wurde entfernt",
    "back_online": "Wieder online",
    "online_again": "„{name}“ ist wieder online",
    "restored_lead": "Ein Administrator hat Ihre Karte wiederhergestellt. Besucher können sie wie zuvor öffnen.",
    "offline": "Offline",
    "taken_down": "Ihre Karte „{name}“ wurde entfernt",
    "offline_lead": "Besucher von {url} sehen einen Hinweis, dass die Karte entfernt wurde. Ihr Entwurf und Ihre "
    "Versionen bleiben erhalten.",
    "reason_given": "Begründung von MetaIC",
    "your_appeal": "Ihr Einspruch",
    "waiting": "Wird geprüft",
    "thanks_short": "Vielen Dank.",
    "appeal_pending": "Ein Administrator prüft Ihren Einspruch, und Sie erhalten eine Benachrichtigung mit der "
    "Antwort.",
    "answer": "Antwort",
    "upheld_text": "Die Entscheidung bleibt bestehen, und die Karte bleibt offline. Sie können die Karte bearbeiten "
    "und eine Version veröffentlichen, die den Regeln entspricht; sie bleibt offline, bis ein Administrator sie "
    "wiederherstellt.",
    "appeal_label": "Einspruch gegen diese Entscheidung",
    "appeal_placeholder": "Erklären Sie, warum die Karte den Regeln von MetaIC entspricht, oder was Sie "
    "geändert haben.",
    "appeal_hint": "Ein Administrator liest jeden Einspruch. Sie können nur einmal Einspruch einlegen.",
    "send_appeal": "Einspruch senden",
    "your_cards": "Ihre Karten",
    "open_card": "Karte öffnen",
    "err_appeal_short": "Schreiben Sie, warum die Karte zurückkommen sollte (mindestens {min} Zeichen).",
    "err_online_again": "Diese Karte ist bereits wieder online.",
    "err_appealed": "Sie haben gegen diese Entscheidung bereits Einspruch eingelegt.",
}

LANGUAGES = {"en": EN, "zh": ZH, "es": ES, "fr": FR, "de": DE}


def for_language(code: str) -> dict[str, str]:
    """The words for a language code such as `de-at` (English when not available), as the card page picks."""
    return LANGUAGES[strings.language_code(code)]
