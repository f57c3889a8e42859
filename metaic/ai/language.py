"""Language detection with Lingua (lingua-language-detector: maintained, models inside the wheel, no network).

Only the languages the assistant can answer in are loaded, lazily and once per process (~0.1 s, a few MB
each). A text too short or too mixed to tell returns the caller's fallback instead of a guess.
"""

from __future__ import annotations

import threading
from functools import cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

# Languages we detect; the offline templates cover TEMPLATE_LANGUAGES (others get English templates).
DETECTED = ("en", "es", "fr", "de", "pt", "it")
TEMPLATE_LANGUAGES = ("en", "es", "fr", "de")
NAMES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "pt": "Portuguese",
    "it": "Italian",
}
MIN_CHARS = 12
_lock = threading.Lock()


@cache
def _detector() -> LanguageDetector:
    """The process's detector over DETECTED (built on first use)."""
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in DETECTED]
    return LanguageDetectorBuilder.from_languages(*languages).with_minimum_relative_distance(0.1).build()


def base(code: str) -> str:
    """The two-letter part of a language tag ("pt-BR" -> "pt"), lower-case."""
    return (code or "").strip().lower().replace("_", "-").split("-")[0][:8]


def detect(text: str, fallback: str = "en") -> str:
    """The ISO 639-1 code of `text`'s language, or `fallback` when the text cannot tell."""
    text = (text or "").strip()
    if len(text) < MIN_CHARS:
        return fallback
    with _lock:
        found = _detector().detect_language_of(text)
    return found.iso_code_639_1.name.lower() if found is not None else fallback


def template_language(code: str) -> str:
    """The language the offline templates answer in for `code` (English where there are none)."""
    code = base(code)
    return code if code in TEMPLATE_LANGUAGES else "en"


def name_of(code: str) -> str:
    """A language's English name for prompts ("de" -> "German"); the code itself when unknown."""
    return NAMES.get(base(code), base(code) or "English")
