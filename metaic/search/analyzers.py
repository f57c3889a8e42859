"""How text becomes search terms: accent folding, CJK n-grams, phone digit runs (index and query alike).

Words are folded (NFKD without marks, case-folded, a few letters spelled out) so "Jürgen" and "jurgen"
are one term. A run of CJK characters has no spaces between words, so it is indexed as its single
characters and every pair of neighbours; a query matches by any part. Phone numbers are indexed as every
run of three or more of their digits, so "7946" finds +44 20 7946 0958.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer

# Letters that NFKD does not split into a base letter and a mark.
_SPELLED = str.maketrans({"ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"})
_CJK = (
    "\u3040-\u30ff"  # kana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ideographs
    "\uac00-\ud7af\u1100-\u11ff"  # hangul
)
_CJK_RUN = re.compile(f"[{_CJK}]+")
# A word: letters and digits (and marks inside them); CJK runs are cut out of it below.
_WORD = re.compile(r"[^\W_]+")
MIN_DIGITS = 3
MAX_DIGITS = 16


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower-case, accent-free form of `text` ("Jürgen MÜLLER" -> "jurgen muller"); cached, words repeat a lot."""
    lowered = text.casefold().translate(_SPELLED)
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_cjk(text: str) -> bool:
    """True when `text` is one run of CJK characters."""
    return bool(text) and _CJK_RUN.fullmatch(text) is not None


def words(text: str) -> Iterator[tuple[str, int, int]]:
    """Each word of `text` as (folded term, start, end); CJK runs come out whole, punctuation splits."""
    cjk = _CJK_RUN.search(text) is not None
    for match in _WORD.finditer(text):
        word = match.group()
        if cjk and _CJK_RUN.search(word):
            yield from _cut_cjk(word, match.start())
        else:
            yield fold(word), match.start(), match.end()


def _cut_cjk(word: str, offset: int) -> Iterator[tuple[str, int, int]]:
    """`word` split into its CJK runs and the rest, each folded, with offsets."""
    last = 0
    for run in _CJK_RUN.finditer(word):
        if run.start() > last:
            yield fold(word[last : run.start()]), offset + last, offset + run.start()
        yield run.group(), offset + run.start(), offset + run.end()
        last = run.end()
    if last < len(word):
        yield fold(word[last:]), offset + last, offset + len(word)


def cjk_grams(run: str) -> list[str]:
    """Every character and every pair of neighbours of a CJK run."""
    return list(run) + [run[i : i + 2] for i in range(len(run) - 1)]


def index_terms(text: str) -> Iterator[tuple[str, int, int]]:
    """The terms stored for `text`: folded words, and CJK runs as characters and pairs."""
    for term, start, end in words(text):
        if is_cjk(term):
            for gram in cjk_grams(term):
                yield gram, start, end
        else:
            yield term, start, end


def digit_runs(phone: str) -> set[str]:
    """Every run of 3+ consecutive digits of a phone number (capped at 16 digits)."""
    digits = re.sub(r"\D", "", phone)[:MAX_DIGITS]
    return {digits[i:j] for i in range(len(digits)) for j in range(i + MIN_DIGITS, len(digits) + 1)}


class FoldingTokenizer(Tokenizer):
    """Whoosh tokenizer yielding `index_terms` (the one analyzer of every text field)."""

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        """Yield one token per term (Whoosh's tokenizer protocol)."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, (term, start, end) in enumerate(index_terms(value), start=start_pos):
            token.text, token.boost, token.stopped = term, 1.0, False
            if keeporiginal:
                token.original = term
            if positions:
                token.pos = pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


class DigitsTokenizer(Tokenizer):
    """Whoosh tokenizer for phone numbers: each value (one per line) as all its digit runs."""

    def __call__(self, value, positions=False, chars=False, removestops=True, start_pos=0, mode="", **kwargs):
        """Yield one token per digit run (Whoosh's tokenizer protocol)."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        runs = set()
        for line in value.splitlines():
            runs |= digit_runs(line)
        for pos, run in enumerate(sorted(runs), start=start_pos):
            token.text, token.boost, token.stopped = run, 1.0, False
            if positions:
                token.pos = pos
            yield token


@dataclass(frozen=True)
class QueryWord:
    """One word of a query: its folded term, and whether it is a CJK run or a number."""

    term: str
    cjk: bool = False
    digits: str = ""


@dataclass(frozen=True)
class ParsedQuery:
    """A query split into words (the last one may be a prefix) and quoted phrases."""

    words: tuple[QueryWord, ...]
    phrases: tuple[tuple[str, ...], ...] = ()

    @property
    def empty(self) -> bool:
        """True when there is nothing to search for."""
        return not self.words and not self.phrases


MAX_QUERY_WORDS = 8


def parse(query: str) -> ParsedQuery:
    """Words and "quoted phrases" of a query; a query of only digits and phone punctuation is one number."""
    text = (query or "").strip()[:200]
    if re.fullmatch(r"[\d\s+().\-/]+", text) and len(re.sub(r"\D", "", text)) >= MIN_DIGITS:
        digits = re.sub(r"\D", "", text)[:MAX_DIGITS]
        return ParsedQuery(words=(QueryWord(term=digits, digits=digits),))
    phrases = []
    for quoted in re.findall(r'"([^"]+)"', text):
        terms = tuple(t for t, _, _ in words(quoted))
        if len(terms) > 1:
            phrases.append(terms)
    found = []
    for term, _, _ in words(text.replace('"', " ")):
        digits = term if term.isdigit() and len(term) >= MIN_DIGITS else ""
        found.append(QueryWord(term=term, cjk=is_cjk(term), digits=digits))
    return ParsedQuery(words=tuple(found[:MAX_QUERY_WORDS]), phrases=tuple(phrases[:2]))


def max_edits(term: str) -> int:
    """Typos forgiven in a word: none up to 3 letters, one up to 7, two beyond."""
    if len(term) <= 3:
        return 0
    return 1 if len(term) <= 7 else 2
