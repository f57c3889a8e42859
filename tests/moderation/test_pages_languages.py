"""The report form speaks the card's language and the appeal page its owner's, refusals included."""

from __future__ import annotations

import re
import string
import time

import pytest

from metaic.auth.models import User
from metaic.db import session_scope
from metaic.moderation import flows, reports
from metaic.web import moderation_words, strings_appeal, strings_moderation
from tests.cards.fixtures import client  # noqa: F401 - the phone-browser client
from tests.moderation.helpers import people, published
from tests.moderation.test_pages import ORIGIN, _form, _no_redirects, _sign_in, _take_down  # noqa: F401

# Words each page must show, written out here (not read from the modules under test).
REPORT = {
    "en": ("Report this card", "What is wrong?", "Spam or scam", "Send report", "Your email"),
    "zh": ("举报此名片", "有什么问题？", "垃圾信息或诈骗", "发送举报", "你的邮箱"),
    "es": ("Denunciar esta tarjeta", "¿Qué está mal?", "Spam o estafa", "Enviar denuncia", "Tu correo"),
    "fr": (
        "Signaler cette carte",
        "Quel est le problème ?",
        "Spam ou arnaque",
        "Envoyer le signalement",
        "Votre e-mail",
    ),
    "de": ("Diese Karte melden", "Was stimmt nicht?", "Spam oder Betrug", "Meldung senden", "Ihre E-Mail"),
}
THANKS = {
    "en": "Thank you for your report",
    "zh": "感谢你的举报",
    "es": "Gracias por tu denuncia",
    "fr": "Merci pour votre signalement",
    "de": "Vielen Dank für Ihre Meldung",
}
QUICK = {
    "en": "That was quick!",
    "zh": "太快了！",
    "es": "¡Qué rapidez!",
    "fr": "C'était rapide !",
    "de": "Das ging schnell!",
}
NO_REASON = {
    "en": "Choose what is wrong with this card.",
    "zh": "请选择此名片存在的问题。",
    "es": "Elige qué está mal en esta tarjeta.",
    "fr": "Choisissez le problème de cette carte.",
    "de": "Wählen Sie, was mit dieser Karte nicht stimmt.",
}
FORGED = {
    "en": "This form is not valid.",
    "zh": "此表单无效。",
    "es": "Este formulario no es válido.",
    "fr": "Ce formulaire n'est pas valide.",
    "de": "Dieses Formular ist ungültig.",
}
TOO_SHORT = {
    "en": "at least 10 characters",
    "zh": "至少 10 个字符",
    "es": "al menos 10 caracteres",
    "fr": "au moins 10 caractères",
    "de": "mindestens 10 Zeichen",
}
APPEAL = {
    "en": ("Your card “Ada Lovelace” was taken down", "Appeal this decision", "Send appeal", "Your cards"),
    "zh": ("你的名片“Ada Lovelace”已被下架", "对此决定提出申诉", "发送申诉", "我的名片"),
    "es": ("Tu tarjeta «Ada Lovelace» ha sido retirada", "Apelar esta decisión", "Enviar apelación", "Tus tarjetas"),
    "fr": (
        "Votre carte « Ada Lovelace » a été retirée",
        "Contester cette décision",
        "Envoyer le recours",
        "Vos cartes",
    ),
    "de": (
        "Ihre Karte „Ada Lovelace“ wurde entfernt",
        "Einspruch gegen diese Entscheidung",
        "Einspruch senden",
        "Ihre Karten",
    ),
}
WAITING = {"en": "Waiting for review", "zh": "等待审核", "es": "Pendiente de revisión", "fr": "En attente d'examen"}
WAITING["de"] = "Wird geprüft"
LANGUAGES = list(REPORT)


def _html_lang(page) -> str:
    """The page's <html lang> attribute."""
    return re.search(r'<html lang="([^"]*)"', page.text).group(1)


def _text(page) -> str:
    """The page's HTML with entities for quotes undone (Jinja escapes ' and ")."""
    return page.text.replace("&#39;", "'").replace("&#34;", '"')


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_report_form_speaks_the_cards_language(client, lang):  # noqa: F811
    _admin, owner = people()
    _card_id, slug = published(owner, language=lang)
    page = client.get(f"/c/{slug}/report")
    assert page.status_code == 200 and _html_lang(page) == lang
    for word in REPORT[lang]:
        assert word in _text(page)
    if lang != "en":
        assert "What is wrong?" not in page.text and "Send report" not in page.text
    assert 'name="form_token"' in page.text and page.text.count('type="radio" name="reason"') == 7
    thanks = client.get(f"/c/{slug}/report?sent=1")
    assert _html_lang(thanks) == lang and THANKS[lang] in thanks.text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_refused_report_answers_in_the_cards_language(client, lang):  # noqa: F811
    _admin, owner = people()
    _card_id, slug = published(owner, language=lang)
    forged = client.post(f"/c/{slug}/report", data=_form(slug, form_token="forged"), headers=ORIGIN)
    assert forged.status_code == 422 and _html_lang(forged) == lang and FORGED[lang] in _text(forged)
    fresh = reports.issue_token(slug, now=time.time() + 60)  # "just shown", however slow the run
    quick = client.post(f"/c/{slug}/report", data=_form(slug, form_token=fresh), headers=ORIGIN)
    assert quick.status_code == 422 and QUICK[lang] in _text(quick)
    bad = client.post(f"/c/{slug}/report", data=_form(slug, reason="other", details="bad"), headers=ORIGIN)
    assert bad.status_code == 422 and TOO_SHORT[lang] in bad.text
    none = client.post(f"/c/{slug}/report", data=_form(slug, reason=""), headers=ORIGIN)
    assert re.search(rf'id="r-reason-err">{re.escape(NO_REASON[lang])}<', none.text)
    if lang != "en":
        for english in ("That was quick!", "at least 10 characters", "Choose what is wrong", "highlighted fields"):
            assert english not in _text(quick) + bad.text + none.text


def test_a_card_in_another_language_or_region_gets_the_closest_words(client):  # noqa: F811
    _admin, owner = people()
    _card_id, chinese = published(owner, language="zh-cn")
    page = client.get(f"/c/{chinese}/report")
    assert _html_lang(page) == "zh" and REPORT["zh"][0] in page.text
    _card_id, japanese = published(owner, language="ja")
    page = client.get(f"/c/{japanese}/report")
    assert _html_lang(page) == "en" and REPORT["en"][1] in page.text


def _speaks(owner: User, lang: str) -> None:
    """Set the account's language (the account page's setting)."""
    with session_scope() as s:
        user = s.get(User, owner.id)
        user.language = lang
        s.add(user)
        s.commit()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_appeal_page_speaks_its_owners_language(client, lang):  # noqa: F811
    admin, owner = people()
    card_id, slug = published(owner)  # an English card: the owner's own setting wins on their page
    _speaks(owner, lang)
    takedown = _take_down(admin, owner, card_id, slug)
    address = f"/appeals/{takedown.id}"
    _sign_in(client, owner)
    notice = client.get(address)
    assert notice.status_code == 200 and _html_lang(notice) == lang
    for word in APPEAL[lang]:
        assert word in _text(notice)
    short = client.post(address, data={"text": "no"}, headers=ORIGIN)
    assert short.status_code == 422 and _html_lang(short) == lang and TOO_SHORT[lang] in short.text
    if lang != "en":
        assert "Write why the card" not in short.text
    sent = client.post(address, data={"text": "They are real watches."}, headers=ORIGIN)
    after = client.get(sent.headers["location"])
    assert WAITING[lang] in _text(after) and "They are real watches." in after.text


@pytest.mark.parametrize("module", [strings_moderation, strings_appeal])
def test_every_language_has_every_word_with_the_same_placeholders(module):
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    assert set(module.LANGUAGES) == set(LANGUAGES)
    for lang, words in module.LANGUAGES.items():
        assert set(words) == set(module.EN), lang
        for key, text in words.items():
            assert fields(text) == fields(module.EN[key]), (lang, key)
    assert module.for_language("de-AT") is module.LANGUAGES["de"]
    assert module.for_language("ja") is module.EN and module.for_language("") is module.EN


def test_every_refusal_of_the_domain_has_words_in_every_language():
    for message in moderation_words.REFUSALS:
        for lang in LANGUAGES:
            words = moderation_words.appeal_words(lang)
            shown = moderation_words.refusal(message, words)
            assert shown and "{" not in shown and (shown == message) == (lang == "en"), (lang, message)


def test_the_other_refusals_of_a_report_speak_the_cards_language(client):  # noqa: F811
    admin, owner = people()
    card_id, slug = published(owner, language="de")
    long = client.post(f"/c/{slug}/report", data=_form(slug, details="x" * 2001, contact_email="vera@"), headers=ORIGIN)
    assert "Höchstens 2000 Zeichen." in long.text and "Geben Sie eine gültige E-Mail-Adresse ein" in long.text
    assert "Bitte prüfen Sie die markierten Felder." in long.text
    foreign = client.post(f"/c/{slug}/report", data=_form(slug), headers={"origin": "https://evil.example"})
    assert foreign.status_code == 403 and _html_lang(foreign) == "de" and "Nicht erlaubt" in foreign.text
    answers = [client.post(f"/c/{slug}/report", data=_form(slug), headers=ORIGIN) for _ in range(6)]
    assert [a.status_code for a in answers] == [303] * 5 + [429]
    assert _html_lang(answers[-1]) == "de" and "Zu viele Versuche." in answers[-1].text
    assert answers[-1].headers["retry-after"] and answers[-1].headers["cache-control"] == "no-store"
    _take_down(admin, owner, card_id, slug)
    gone = client.get(f"/c/{slug}")
    assert gone.status_code == 410 and _html_lang(gone) == "de" and "Karte entfernt" in gone.text


def test_the_appeal_page_answers_and_refuses_in_the_owners_language(client):  # noqa: F811
    admin, owner = people()
    card_id, slug = published(owner, language="de")  # the card's language does not matter on the owner's page
    _speaks(owner, "zh-CN")
    takedown = _take_down(admin, owner, card_id, slug)
    address = f"/appeals/{takedown.id}"
    _sign_in(client, owner)
    foreign = client.post(address, data={"text": "They are real watches."})
    assert foreign.status_code == 403 and _html_lang(foreign) == "zh" and "不允许" in foreign.text
    assert client.post(address, data={"text": "They are real watches."}, headers=ORIGIN).status_code == 303
    again = client.post(address, data={"text": "They are real watches."}, headers=ORIGIN)
    assert again.status_code == 409 and "你已经对此决定提出过申诉。" in again.text
    with session_scope() as s:
        flows.decide_appeal(session=s, actor=s.get(User, admin.id), takedown_id=takedown.id, grant=True, note="")
        s.commit()
    restored = client.get(address)
    assert "已恢复上线" in restored.text and "“Ada Lovelace”已重新上线" in restored.text and "打开名片" in restored.text
