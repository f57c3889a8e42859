"""Matched words as plain segments (`{"text", "hit"}`), so the UI highlights without HTML; also a Python matcher.

The same rules as the index (folding, CJK parts, digit runs, a typo or two, a prefix for the last word)
decide which words of a title or snippet are marked, and whether a small list (an owner's cards and
templates, the database fallback) matches at all.
"""

from __future__ import annotations

import re

from metaic.search.analyzers import ParsedQuery, QueryWord, max_edits, words

SNIPPET_CHARS = 160


def distance_within(a: str, b: str, limit: int) -> bool:
    """True when the edit distance between `a` and `b` is at most `limit` (banded Levenshtein)."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def word_matches(term: str, word: QueryWord, *, prefix: bool, fuzzy: bool = True) -> bool:
    """Whether one folded text term matches one query word."""
    if word.digits:
        digits = re.sub(r"\D", "", term)
        return len(digits) >= 3 and (word.digits in digits or digits in word.digits)
    if word.cjk or any("\u3040" <= c <= "\ud7af" for c in term):
        return word.term in term
    if term == word.term or (prefix and len(word.term) >= 2 and term.startswith(word.term)):
        return True
    edits = max_edits(word.term) if fuzzy else 0
    return edits > 0 and term[:1] == word.term[:1] and distance_within(term, word.term, edits)


def _hit(term: str, parsed: ParsedQuery) -> bool:
    """Whether a text term matches any word of the query (the last word also as a prefix)."""
    last = len(parsed.words) - 1
    if any(word_matches(term, w, prefix=i == last) for i, w in enumerate(parsed.words)):
        return True
    return any(term in phrase for phrase in parsed.phrases)


def parts(text: str, parsed: ParsedQuery) -> list[dict]:
    """`text` cut into segments, matched words with hit=True (empty list for empty text)."""
    segments: list[dict] = []
    cursor = 0
    digit_words = [w for w in parsed.words if w.digits]
    for term, start, end in words(text):
        if _hit(term, parsed):
            if start > cursor:
                segments.append({"text": text[cursor:start], "hit": False})
            segments.append({"text": text[start:end], "hit": True})
            cursor = end
    if digit_words and cursor == 0:
        return _digit_parts(text, digit_words[0].digits) or ([{"text": text, "hit": False}] if text else [])
    if cursor < len(text):
        segments.append({"text": text[cursor:], "hit": False})
    return segments


def _digit_parts(text: str, digits: str) -> list[dict]:
    """Mark the span of a phone number whose digits hold `digits` (across spaces and dashes)."""
    positions = [i for i, c in enumerate(text) if c.isdigit()]
    joined = "".join(text[i] for i in positions)
    at = joined.find(digits)
    if at < 0:
        return []
    start, end = positions[at], positions[at + len(digits) - 1] + 1
    found = [{"text": text[:start], "hit": False}, {"text": text[start:end], "hit": True}]
    found.append({"text": text[end:], "hit": False})
    return [p for p in found if p["text"]]


def snippet(text: str, parsed: ParsedQuery, width: int = SNIPPET_CHARS) -> list[dict]:
    """A window of `text` around its first matched word, as segments (the start when nothing matches)."""
    text = " ".join(text.split())
    if len(text) <= width:
        return parts(text, parsed)
    first = next((s for s, seg in _offsets(parts(text, parsed)) if seg["hit"]), 0)
    start = max(0, first - width // 3)
    window = text[start : start + width]
    if start > 0:
        window = "…" + window.split(" ", 1)[-1]
    if start + width < len(text):
        window = window.rsplit(" ", 1)[0] + "…"
    return parts(window, parsed)


def _offsets(segments: list[dict]) -> list[tuple[int, dict]]:
    """Each segment with its start offset."""
    found, at = [], 0
    for seg in segments:
        found.append((at, seg))
        at += len(seg["text"])
    return found


def has_hit(segments: list[dict]) -> bool:
    """True when a segment is marked."""
    return any(seg["hit"] for seg in segments)


def matches(texts: list[str], parsed: ParsedQuery) -> bool:
    """True when every query word matches a word of `texts` (AND), typo- and prefix-tolerant."""
    terms = [t for text in texts for t, _, _ in words(text)]
    joined_digits = re.sub(r"\D", "", " ".join(texts))
    last = len(parsed.words) - 1
    for i, word in enumerate(parsed.words):
        if word.digits and word.digits in joined_digits:
            continue
        if not any(word_matches(t, word, prefix=i == last) for t in terms):
            return False
    return bool(parsed.words) or bool(parsed.phrases)
