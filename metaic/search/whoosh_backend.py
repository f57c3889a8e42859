"""The Whoosh backend: schemas of the three indexes, query shaping, facets from a column, writes under the lock.

Query shaping keeps two-word AND queries cheap at 100k cards: every word must match the one catch-all
`text` field (an intersection of two posting lists), and the name/company/title fields only add score
to those matches (AndMaybe); typo expansion (FuzzyTerm) is only tried when the plain words found too
little (the caller's second Shape), and a prefix only for the last word past a minimum length.
"""

from __future__ import annotations

import heapq
import itertools
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from whoosh import columns
from whoosh import index as whoosh_index
from whoosh.fields import COLUMN, ID, KEYWORD, TEXT, Schema
from whoosh.query import And, AndMaybe, Every, FuzzyTerm, Or, Phrase, Prefix, Query, Term
from whoosh.writing import IndexWriter

from metaic.search import whoosh_journal as journal
from metaic.search import whoosh_store as store
from metaic.search.analyzers import DigitsTokenizer, FoldingTokenizer, ParsedQuery, QueryWord, fold, max_edits
from metaic.search.backend import Found, Shape, Unavailable

FACET_CAP = 500  # facet counts look at this many matches at most
TOTAL_CAP = 1_000  # totals are exact up to here ("1,000+" beyond; the directory pages no further)
BUDGET = 400  # matches of the catch-all field scored at most per search (early termination)
SEP, LIST_SEP = "\x1e", "\x1f"
MAX_BUILD_PROCS = 4  # a full rebuild's sub-processes (Whoosh's MpWriter), at most one per core


def _text(**kwargs) -> TEXT:
    """A text field with the folding analyzer."""
    return TEXT(analyzer=FoldingTokenizer(), **kwargs)


def schemas() -> dict[str, Schema]:
    """The schema of each index."""
    return {
        "cards": Schema(
            id=ID(stored=True, unique=True),
            owner=ID(),
            listing=ID(),
            head=_text(phrase=True),
            text=_text(phrase=False),
            industry=KEYWORD(commas=True),
            industry_ac=KEYWORD(commas=True),
            city=ID(),
            country=ID(),
            open_to=KEYWORD(commas=True),
            facets=COLUMN(columns.VarBytesColumn()),
        ),
        "contacts": Schema(
            id=ID(stored=True, unique=True),
            owner=ID(),
            name=_text(phrase=False),
            company=_text(phrase=False),
            title=_text(phrase=False),
            text=_text(phrase=True),
            digits=TEXT(analyzer=DigitsTokenizer(), phrase=False),
        ),
        "messages": Schema(
            id=ID(stored=True, unique=True),
            kind=ID(stored=True),
            owners=KEYWORD(),
            ref=ID(stored=True),
            text=_text(phrase=True),
        ),
    }


@dataclass(frozen=True)
class Spec:
    """Per index: score boosts of the structured fields, the digits field, the shortest prefix expanded."""

    boosts: tuple[tuple[str, float], ...] = ()
    digits: str = ""
    prefix_min: int = 2


SPECS = {
    "cards": Spec(prefix_min=3),  # name/company/title/industry rank first through the `head` pass instead
    "contacts": Spec(boosts=(("name", 4.0), ("company", 3.0), ("title", 1.5)), digits="digits", prefix_min=1),
    "messages": Spec(),
}


def _clean(value: str) -> str:
    """A keyword value without the list separator."""
    return " ".join(str(value).replace(",", " ").split())


def to_whoosh(index: str, doc: dict) -> dict:
    """A plain document as Whoosh field values (lists joined, the facet column packed)."""
    fields = dict(doc)
    if index == "cards":
        industries = [_clean(v) for v in doc.get("industry", [])]
        open_to = [_clean(v) for v in doc.get("open_to", [])]
        fields["industry"] = ",".join(industries)
        fields["industry_ac"] = ",".join(f"{fold(v)}|{v}" for v in industries)
        fields["open_to"] = ",".join(open_to)
        place = [doc.get("city", ""), doc.get("country", "")]
        packed = SEP.join([LIST_SEP.join(industries), *place, LIST_SEP.join(open_to)])
        fields["facets"] = packed.encode()
        fields["head"] = "\n".join([doc.get("name", ""), doc.get("company", ""), doc.get("title", ""), *industries])
        for key in ("name", "company", "title"):
            fields.pop(key, None)
        for key in ("city", "country"):
            fields[key] = doc.get(key) or ""
    if index == "messages":
        fields["owners"] = " ".join(doc.get("owners", []))
    return {k: v for k, v in fields.items() if v not in ("", None)}


def _word(spec: Spec, word: QueryWord, *, last: bool, shape: Shape) -> Query:
    """The alternatives one query word may match in the catch-all field."""
    if word.digits and spec.digits:
        return Or([Term(spec.digits, word.digits), Term("text", word.term)])
    if word.cjk:
        grams = [word.term] if len(word.term) == 1 else [word.term[i : i + 2] for i in range(len(word.term) - 1)]
        return And([Term(shape.field, g) for g in grams])
    alternatives: list[Query] = [Term(shape.field, word.term)]
    if shape.prefix and last and len(word.term) >= spec.prefix_min:
        alternatives.append(Prefix(shape.field, word.term))
    if shape.fuzzy and max_edits(word.term):
        alternatives.append(FuzzyTerm(shape.field, word.term, maxdist=max_edits(word.term), prefixlength=1))
    return alternatives[0] if len(alternatives) == 1 else Or(alternatives)


def build_query(index: str, parsed: ParsedQuery, filters: dict[str, str], shape: Shape) -> tuple[Query, Query]:
    """(matching query, scored query): every word AND the filters; name/company/title matches score higher."""
    spec = SPECS[index]
    last = len(parsed.words) - 1
    required: list[Query] = [_word(spec, w, last=i == last, shape=shape) for i, w in enumerate(parsed.words)]
    if index != "cards" or shape.field == "head":  # the directory's catch-all field keeps no positions
        required += [Phrase(shape.field, list(p)) for p in parsed.phrases]
    required += [Term(k, v) for k, v in filters.items()]
    matching = required[0] if len(required) == 1 else And(required)
    boosts: list[Query] = []
    for i, w in enumerate(parsed.words):
        if w.cjk or w.digits:
            continue
        for name, boost in spec.boosts:
            boosts.append(Term(name, w.term, boost=boost))
            if shape.fuzzy and max_edits(w.term):
                boosts.append(FuzzyTerm(name, w.term, boost=boost / 2, maxdist=max_edits(w.term), prefixlength=1))
            if i == last and shape.prefix and len(w.term) >= max(spec.prefix_min, 2):
                boosts.append(Prefix(name, w.term, boost=boost / 2))
    return matching, (AndMaybe(matching, Or(boosts)) if boosts else matching)


def _match_all(filters: dict[str, str]) -> Query:
    """Every document matching the filters (an empty query with filters)."""
    terms = [Term(k, v) for k, v in filters.items()]
    if not terms:
        return Every()
    return terms[0] if len(terms) == 1 else And(terms)


def _budgeted(searcher, query: Query, limit: int, skip: set[int]) -> list[tuple[float, int]]:
    """The best `limit` (score, docnum) among the first BUDGET matches of `query`, leaving out `skip`."""
    context = searcher.context()
    best: list[tuple[float, int]] = []
    seen = 0
    for subsearcher, offset in searcher.leaf_searchers():
        matcher = query.matcher(subsearcher, context)
        while matcher.is_active() and seen < BUDGET:
            docnum = offset + matcher.id()
            if docnum not in skip:
                entry = (matcher.score(), -docnum)
                if len(best) < limit:
                    heapq.heappush(best, entry)
                elif entry > best[0]:
                    heapq.heapreplace(best, entry)
            seen += 1
            matcher.next()
    return [(score, -negative) for score, negative in sorted(best, reverse=True)]


class WhooshBackend:
    """SearchBackend over local Whoosh indexes (metaic/search/whoosh_store.py)."""

    def _searcher(self, index: str):
        """This thread's warm searcher, or Unavailable."""
        try:
            return store.searcher(index)
        except store.IndexUnavailable as exc:
            raise Unavailable(index, str(exc)) from exc

    def search(self, index, parsed, *, filters, limit, shape) -> list[Found]:
        """The best `limit` matches (scored; no full count)."""
        searcher = self._searcher(index)
        try:
            if index == "cards" and not parsed.empty and shape.field == "text":
                return self._shaped(searcher, parsed, filters, limit, shape)
            if index == "cards" and parsed.empty:  # a browse: no relevance to compute, the first `limit` will do
                docs = itertools.islice(searcher.docs_for_query(_match_all(filters)), limit)
                return [Found(id=searcher.stored_fields(docnum)["id"], score=0.0) for docnum in docs]
            query = _match_all(filters) if parsed.empty else build_query(index, parsed, filters, shape)[1]
            results = searcher.search(query, limit=limit, terms=False)
            return [Found(id=hit["id"], score=hit.score or 0.0, stored=dict(hit.fields())) for hit in results]
        except Exception as exc:  # a segment file vanished under us: repair, fall back
            raise Unavailable(index, f"search index {index!r} failed: {exc}") from exc

    def _shaped(self, searcher, parsed, filters, limit, shape) -> list[Found]:
        """Directory search in two steps: every word in the name/company/title/industry (fully ranked), then
        every word anywhere, scoring at most BUDGET matches (early termination keeps common words cheap)."""
        head = searcher.search(
            build_query("cards", parsed, filters, replace(shape, field="head"))[0], limit=limit, terms=False
        )
        found = [Found(id=hit["id"], score=1000.0 + (hit.score or 0.0)) for hit in head]
        if len(found) < limit:
            skip = {hit.docnum for hit in head}
            query = build_query("cards", parsed, filters, shape)[0]
            for score, docnum in _budgeted(searcher, query, limit - len(found), skip):
                found.append(Found(id=searcher.stored_fields(docnum)["id"], score=score))
        return found

    def facets(self, index, parsed, *, filters, fields, shape) -> tuple[int, dict[str, dict[str, int]]]:
        """Exact number of matches, and counts per facet value over the first FACET_CAP of them."""
        searcher = self._searcher(index)
        if parsed.empty and not filters:
            return self._all_facets(searcher, fields)
        query = _match_all(filters) if parsed.empty else build_query(index, parsed, filters, shape)[0]
        try:
            docs = searcher.docs_for_query(query)
            column = searcher.reader().column_reader("facets")
        except Exception as exc:
            raise Unavailable(index, f"search index {index!r} failed: {exc}") from exc
        positions = {"industry": 0, "city": 1, "country": 2, "open_to": 3}
        counts: dict[str, Counter] = {name: Counter() for name in fields}
        total = 0
        for docnum in docs:
            total += 1
            if total >= TOTAL_CAP:
                break
            if total > FACET_CAP:
                continue
            parts = column[docnum].decode().split(SEP)
            for name in fields:
                for value in parts[positions[name]].split(LIST_SEP):
                    if value:
                        counts[name][value] += 1
        return total, {name: dict(c) for name, c in counts.items()}

    def _all_facets(self, searcher, fields) -> tuple[int, dict[str, dict[str, int]]]:
        """Counts over the whole index from the term statistics, or the postings while deletions are unmerged."""
        reader = searcher.reader()
        deletions = reader.has_deletions()  # term statistics still count deleted documents until a merge
        counts = {}
        for name in fields:
            counts[name] = {}
            for raw in reader.lexicon(name):
                term = raw.decode() if isinstance(raw, bytes) else raw
                if deletions:
                    frequency = sum(1 for _ in reader.postings(name, term).all_ids())
                else:
                    frequency = reader.doc_frequency(name, term)
                if frequency:
                    counts[name][term] = frequency
        return searcher.doc_count(), counts

    def complete(self, index, field_name, prefix, *, limit) -> list[str]:
        """Keyword values starting with `prefix` (from the `<field>_ac` lexicon), most documents first."""
        reader = self._searcher(index).reader()
        found: dict[str, int] = {}
        for raw in reader.expand_prefix(f"{field_name}_ac", fold(prefix)):
            term = raw.decode() if isinstance(raw, bytes) else raw
            label = term.split("|", 1)[-1]
            found[label] = found.get(label, 0) + reader.doc_frequency(f"{field_name}_ac", term)
            if len(found) >= 200:
                break
        return [label for label, _ in sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]

    def upsert(self, index, docs) -> bool:
        """Add or replace documents under the writer lock (journaled too while a rebuild runs)."""
        docs = list(docs)
        with store.writer(index) as writer:
            journal.record(index, "update", docs)
            if writer is None:
                return False
            for doc in docs:
                writer.update_document(**to_whoosh(index, doc))
        return True

    def remove(self, index, ids, *, field_name="id") -> bool:
        """Delete documents by a field's value under the writer lock (journaled too while a rebuild runs)."""
        ids = list(ids)
        with store.writer(index) as writer:
            journal.record(index, "remove", ids, field_name)
            if writer is None:
                return False
            for value in ids:
                writer.delete_by_term(field_name, value)
        return True

    def rebuild(self, index, docs: Iterable[dict], progress: Callable[[int], None] | None = None) -> int:
        """Write every document into a new generation, then replay what was written meanwhile and swap it in.

        Incremental writes never wait for the build (see whoosh_journal); one rebuild per index at a time.
        """
        with store.write_lock(f"{index}.rebuild", timeout=store.LOCK_TIMEOUT * 30):
            with store.write_lock(index):
                path = store.new_generation(index, schemas()[index])
                journal.start(index)
            try:
                written = _fill(index, path, docs, progress)
                with store.write_lock(index):
                    writer = whoosh_index.open_dir(str(path)).writer()
                    journal.replay(index, writer, lambda doc: to_whoosh(index, doc))
                    writer.commit()
                    store.swap(index, path)
                    journal.stop(index)
            except BaseException:
                with store.write_lock(index):
                    journal.stop(index)
                raise
        if progress is not None:
            progress(written)
        return written

    def status(self, index) -> dict:
        """Whether the index exists and reads, its document count and last write."""
        found = {"exists": store.current_generation(index) is not None, "documents": 0, "readable": False}
        found["last_change"] = store.last_change(index)
        try:
            found["documents"] = self._searcher(index).doc_count()
            found["readable"] = True
        except Unavailable:
            pass
        found["checked_at"] = time.time()
        return found


def _bulk_writer(path) -> IndexWriter:
    """A writer for a full build: one sub-process per core when forking is safe (no other thread runs), else one."""
    procs = min(os.cpu_count() or 1, MAX_BUILD_PROCS)
    ix = whoosh_index.open_dir(str(path))
    if procs > 1 and threading.active_count() == 1:
        return ix.writer(procs=procs, limitmb=128, multisegment=True, batchsize=500)
    return ix.writer(limitmb=256)


def _fill(index: str, path, docs: Iterable[dict], progress: Callable[[int], None] | None) -> int:
    """Write `docs` into the new generation at `path`; returns how many were written."""
    writer = _bulk_writer(path)
    written = 0
    try:
        for doc in docs:
            writer.add_document(**to_whoosh(index, doc))
            written += 1
            if progress is not None and written % 500 == 0:
                progress(written)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return written
