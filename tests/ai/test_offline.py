"""The offline engine: drafting in four languages, summaries, the phrase-table translator, BM25, language detection."""

from __future__ import annotations

import pytest

from metaic.ai import glossary, language, offline, safety, text
from metaic.cards.schemas import CardContent
from tests.ai.helpers import CARD


def facts(**changes) -> offline.CardFacts:
    """The engine's view of the test card."""
    return offline.facts_from(CardContent.model_validate({**CARD, **changes}))


@pytest.mark.parametrize("tone", offline.TONES)
@pytest.mark.parametrize("length", offline.LENGTHS)
def test_headlines_use_only_the_cards_own_facts_and_fit(tone, length):
    """Every proposal fits the headline field and is built from the role, company or services."""
    found = offline.headlines(facts(), tone=tone, length=length)
    assert 1 <= len(found) <= 3 and len(set(found)) == len(found)
    assert all(len(h) <= offline.HEADLINE_LIMIT for h in found)
    assert all("Software Engineer" in h for h in found)
    assert any("Analytical Co" in h or "data pipelines" in h.lower() for h in found)


def test_length_orders_headlines_and_about_texts():
    """Short proposals come first for "short", the longest first for "long"; "about" grows with the length."""
    short = offline.headlines(facts(), tone="professional", length="short")
    long = offline.headlines(facts(), tone="professional", length="long")
    assert len(short[0]) < len(long[0])
    sizes = [len(offline.about(facts(), tone="friendly", length=n)[0]) for n in offline.LENGTHS]
    assert sizes[0] < sizes[1] < sizes[2] and sizes[2] <= offline.ABOUT_LIMITS["long"]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "Let's connect!"), ("es", "¡Conectemos!"), ("fr", "Restons en contact !"), ("de", "Lass uns vernetzen!")],
)
def test_about_is_written_in_the_cards_language(lang, expected):
    """Templates exist in en, es, fr and de: the friendly closing is the language's own."""
    written = offline.about(facts(language=lang), tone="friendly", length="medium")[0]
    assert written.startswith(("Hi, I'm Ada", "¡Hola, soy Ada", "Bonjour, je suis Ada", "Hallo, ich bin Ada"))
    assert written.endswith(expected)


def test_a_language_without_templates_gets_english_and_tones_differ():
    """Japanese has no templates (English is used); the three tones give three different texts."""
    assert offline.about(facts(language="ja"), tone="friendly", length="short")[0].startswith("Hi, I'm Ada")
    texts = {offline.about(facts(), tone=t, length="medium")[0] for t in offline.TONES}
    assert len(texts) == 3


def test_improve_tidies_the_users_text_without_inventing():
    """Repeated sentences go, capitals and full stops are fixed, and the words are the user's."""
    current = "i build engines. i build engines. love numbers"
    first = offline.improve(current, facts(), tone="professional", length="medium")[0]
    assert first.startswith("I build engines. Love numbers.") and first.count("I build engines") == 1


def test_summary_is_two_lines_from_the_card():
    """Who (name, role, company), then the card's most central sentence."""
    lines = offline.summary(facts()).split("\n")
    assert lines[0] == "Ada Lovelace — Software Engineer at Analytical Co"
    assert len(lines) == 2 and lines[1] in CARD["bio"]
    assert offline.summary(offline.CardFacts(name="Solo")) == "Solo"


def test_phrase_table_translates_only_what_it_knows():
    """Known phrases and their connectors translate; an unknown text is refused rather than guessed."""
    assert glossary.translate("Founder & CEO", "en", "es") == "Fundador & CEO"
    assert glossary.translate("Software Engineer and Designer", "en", "de") == "Softwareentwickler und Designer"
    assert glossary.translate("Fundador y CEO", "es", "en") == "Founder and CEO"
    assert glossary.translate("Founder of a bakery", "en", "fr") is None
    assert glossary.translate("Founder", "en", "ja") is None


def test_language_detection_and_its_fallback():
    """Lingua tells es, fr, de and en apart; a text too short to tell gives the fallback."""
    assert language.detect("Encantado de conocerte en la feria de Madrid") == "es"
    assert language.detect("Ravi de vous avoir rencontré au salon") == "fr"
    assert language.detect("Schön, Sie auf der Messe kennengelernt zu haben") == "de"
    assert language.detect("Great to meet you at the conference in Lisbon") == "en"
    assert language.detect("CEO", fallback="fr") == "fr"


def test_bm25_prefers_the_document_with_rare_matching_terms():
    """The document sharing the rare term ranks first; documents sharing nothing score zero."""
    docs = [text.tokens(t) for t in ("seed funding for startups", "web design for startups", "cooking classes")]
    model = text.BM25(docs)
    query = text.tokens("funding for startups")
    scores = [model.score(query, i) for i in range(3)]
    assert scores[0] > scores[1] > scores[2] == 0
    assert model.matched(query, 0) == ["fund", "startup"]


def test_redaction_strips_emails_and_phone_numbers_only():
    """Emails and phone numbers become placeholders; years and prices stay."""
    assert safety.redact("Call +1 202 555 0143 or ada@x.example.com since 2019 for 1,500") == (
        "Call [phone] or [email] since 2019 for 1,500"
    )
