"""Text tools of the offline engine: tokens, sentences, extractive picks and BM25 over small corpora."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)
SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
_STOPWORD_TEXT = """
    a an and are as at be by for from has have i in is it its me my of on or our so that the this to us we
    with you your who what will can about into more also not just very all any some than then them they their
    y el la los las de del en un una con por para que es soy mi mis tu su sus al lo se o
    et le les des du un une avec pour par que est je suis mon ma mes ton sa ses au aux dans sur ou
    und der die das den dem des ein eine mit für von zu ist ich bin mein meine dein sein im am auf oder"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def fold(text: str) -> str:
    """Lower-case without accents, for matching ("Café" -> "cafe")."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stem(word: str) -> str:
    """A light suffix strip so "investors", "investing" and "investment" meet."""
    for suffix in ("ments", "ment", "ings", "ing", "ers", "er", "ors", "or", "ies", "es", "s", "ed"):
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def tokens(text: str) -> list[str]:
    """Folded, stemmed content words of a text."""
    return list(_tokens(text or ""))


@lru_cache(maxsize=20_000)
def _tokens(text: str) -> tuple[str, ...]:
    """tokens(), remembered: an owner's contacts are tokenised again on every ranking."""
    return tuple(stem(w) for w in WORD.findall(fold(text)) if w not in STOPWORDS and len(w) > 1)


def sentences(text: str) -> list[str]:
    """The text's sentences, trimmed, empty ones dropped."""
    return [s.strip() for s in SENTENCE.split(text or "") if s and s.strip()]


def shorten(text: str, limit: int) -> str:
    """The text cut at a word boundary to at most `limit` characters, with an ellipsis when cut."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-–—")
    return cut + "…"


def central_sentences(text: str, count: int = 1) -> list[str]:
    """The `count` sentences sharing most words with the whole text (extractive summary), in text order."""
    found = list({fold(s): s for s in reversed(sentences(text))}.values())[::-1]
    if len(found) <= count:
        return found
    weights = Counter(tokens(text))
    scored = []
    for index, sentence in enumerate(found):
        words = tokens(sentence)
        score = sum(weights[w] for w in set(words)) / math.sqrt(len(words) + 1)
        scored.append((score, -index, sentence))
    best = sorted(scored, reverse=True)[:count]
    return [s for _, _, s in sorted(best, key=lambda item: -item[1])]


class BM25:
    """Okapi BM25 over a small in-memory corpus (one owner's contacts: no index needed)."""

    def __init__(self, documents: Sequence[list[str]], k1: float = 1.2, b: float = 0.75):
        """Index already tokenised documents."""
        self.documents = [Counter(doc) for doc in documents]
        self.lengths = [len(doc) for doc in documents]
        self.average = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0
        self.k1, self.b = k1, b
        self.postings: dict[str, list[tuple[int, int]]] = {}
        for index, doc in enumerate(self.documents):
            for term, tf in doc.items():
                self.postings.setdefault(term, []).append((index, tf))
        n = len(self.documents)
        self.idf = {term: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for term, p in self.postings.items()}

    def scores(self, query: list[str]) -> dict[int, float]:
        """BM25 score of every document sharing a term with the query (the others score 0)."""
        totals: dict[int, float] = {}
        average = self.average or 1
        for term in set(query):
            idf = self.idf.get(term, 0.0)
            for index, tf in self.postings.get(term, ()):
                norm = tf + self.k1 * (1 - self.b + self.b * self.lengths[index] / average)
                totals[index] = totals.get(index, 0.0) + idf * tf * (self.k1 + 1) / norm
        return totals

    def scores_with(self, query: list[str], extra: Sequence[list[str]]) -> tuple[dict[int, float], dict[int, float]]:
        """BM25 over this corpus plus `extra` documents, without re-indexing the corpus: (corpus scores, extra scores).

        Exactly the scores a BM25 built over both would give, so cached contacts and a request's directory
        cards rank on one scale.
        """
        counted = [Counter(doc) for doc in extra]
        n = len(self.documents) + len(counted)
        total = sum(self.lengths) + sum(len(doc) for doc in extra)
        average = (total / n) if n else 1.0
        mine: dict[int, float] = {}
        theirs: dict[int, float] = {}
        for term in set(query):
            postings = self.postings.get(term, ())
            hits = [(i, doc[term]) for i, doc in enumerate(counted) if term in doc]
            if not postings and not hits:
                continue
            df = len(postings) + len(hits)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            for lengths, found, out in ((self.lengths, postings, mine), (None, hits, theirs)):
                for index, tf in found:
                    length = lengths[index] if lengths is not None else len(extra[index])
                    norm = tf + self.k1 * (1 - self.b + self.b * length / (average or 1))
                    out[index] = out.get(index, 0.0) + idf * tf * (self.k1 + 1) / norm
        return mine, theirs

    def score(self, query: list[str], index: int) -> float:
        """BM25 score of document `index` for the query terms."""
        doc, length = self.documents[index], self.lengths[index]
        total = 0.0
        for term in set(query):
            tf = doc.get(term, 0)
            if tf:
                norm = tf + self.k1 * (1 - self.b + self.b * length / (self.average or 1))
                total += self.idf.get(term, 0.0) * tf * (self.k1 + 1) / norm
        return total

    def matched(self, query: list[str], index: int) -> list[str]:
        """The query terms document `index` contains."""
        return [term for term in dict.fromkeys(query) if term in self.documents[index]]
