"""Answers given before any card is known (unknown card, per-address limit) speak the browser's language."""

from __future__ import annotations

import re

import pytest

from metaic.core import ratelimit
from metaic.web import responses
from metaic.web.strings import preferred_language

# Words written out here, not read from the module under test.
NOT_FOUND = {
    "en": "Card not found",
    "zh": "未找到名片",
    "es": "Tarjeta no encontrada",
    "fr": "Carte introuvable",
    "de": "Karte nicht gefunden",
}
TOO_MANY = {
    "en": "Too many requests",
    "zh": "请求过多",
    "es": "Demasiadas solicitudes",
    "fr": "Trop de requêtes",
    "de": "Zu viele Anfragen",
}


def _html_lang(response) -> str:
    """The page's `<html lang>`."""
    return re.search(r'<html lang="([^"]+)"', response.text).group(1)


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("fr-CH, fr;q=0.9, en;q=0.8", "fr"),
        ("de-AT", "de"),
        ("zh-Hans-CN,zh;q=0.9", "zh"),
        ("ja, es;q=0.5, en;q=0.4", "es"),  # no Japanese words: the next one we have
        ("en;q=0.2, de;q=0.7", "de"),  # ranked by q, not by order
        ("fr;q=0, de;q=0.1", "de"),  # q=0 means "not this one"
        ("ja, ko", "en"),
        ("", "en"),
        ("fr;q=abc, *", "en"),  # a broken weight is passed over, never an error
        ("ES", "es"),
    ],
)
def test_the_language_is_the_best_ranked_one_we_have_words_for(header, language):
    assert preferred_language(header) == language


@pytest.mark.parametrize("language", sorted(NOT_FOUND))
def test_an_unknown_card_says_so_in_the_browsers_language(client, language):
    page = client.get("/c/nobody-here-at-all", headers={"accept-language": f"{language};q=0.9"})
    assert page.status_code == 404 and NOT_FOUND[language] in page.text
    assert _html_lang(page) == language and page.headers["vary"] == "Accept-Language"


def test_a_slug_that_cannot_exist_is_answered_in_the_browsers_language_too(client):
    page = client.get("/c/" + "a" * 100, headers={"accept-language": "de-DE"})
    assert page.status_code == 404 and NOT_FOUND["de"] in page.text and _html_lang(page) == "de"


@pytest.mark.parametrize("language", sorted(TOO_MANY))
def test_the_per_address_limit_speaks_the_browsers_language(client, publish, monkeypatch, language):
    slug = publish()
    monkeypatch.setattr(responses, "PUBLIC_LIMIT", (1, 60))
    ratelimit.reset_all()
    headers = {"accept-language": language}
    assert client.get(f"/c/{slug}", headers=headers).status_code == 200
    page = client.get(f"/c/{slug}/report", headers=headers)
    assert page.status_code == 429 and TOO_MANY[language] in page.text and _html_lang(page) == language
    seconds = page.headers["retry-after"]
    assert int(seconds) > 0 and seconds in page.text and page.headers["cache-control"] == "no-store"
