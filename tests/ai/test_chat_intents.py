"""Which questions Ask MetaIC recognises, in which language, and about whom (no database needed)."""

from __future__ import annotations

import pytest

from metaic.ai.chat_phrases import read_intent


@pytest.mark.parametrize(
    ("question", "kind", "language", "subject"),
    [
        ("Who is Grace Hopper?", "who_is", "en", "Grace Hopper"),
        ("tell me about Dr. Ada", "who_is", "en", "Dr. Ada"),
        ("Where did I meet Grace?", "where_met", "en", "Grace"),
        ("Who works at Navy Labs?", "works_at", "en", "Navy Labs"),
        ("What did Grace write to me?", "said", "en", "Grace"),
        ("Who haven't I followed up with?", "not_followed", "en", ""),
        ("Please remind me to call Marie Curie next week", "remind", "en", "Marie Curie"),
        ("Draft a message to Marie", "draft", "en", "Marie"),
        ("Tag everyone at Acme as Prospects", "tag", "en", "everyone at Acme"),
        ("¿Quién es Grace Hopper?", "who_is", "es", "Grace Hopper"),
        ("Qui travaille chez Airbus ?", "works_at", "fr", "Airbus"),
        ("Was hat Jürgen gesagt?", "said", "de", "Jürgen"),
        ("Anyone who knows COBOL vendors?", "search", "", "Anyone who knows COBOL vendors?"),
    ],
)
def test_questions_are_read_by_their_shape(question, kind, language, subject):
    """Kind, language and subject of each question."""
    found = read_intent(question)
    assert (found.kind, found.language, found.subject) == (kind, language, subject)


def test_reminders_say_when_and_tags_say_which_tag():
    """ "next week" and "mañana" set the time; the tag is what follows "as"."""
    assert read_intent("Remind me to follow up with Ada next week").when == "next_week"
    assert read_intent("Recuérdame llamar a Ada mañana").when == "tomorrow"
    assert read_intent("Tag Ada and Grace as VIP").tag == "VIP"
