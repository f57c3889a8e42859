"""Search benchmark: Whoosh (our backend) beside PostgreSQL full-text search on the same data, same run.

    .venv/bin/python bench/search_bench.py [--cards 100000] [--contacts 10000] [--queries 200] [--database-url URL]

Builds a throwaway PostgreSQL database with N published, listed cards (names from many languages) and
10,000 contacts of one owner, rebuilds the search indexes from it (the full-reindex time), and adds a
`tsvector` column with a GIN index over the same text. Per query class it prints p50/p95 of the index
search (ids of the best 20) beside PostgreSQL (`websearch_to_tsquery`, ranked, LIMIT 20) and the ratio;
then the directory page as the app serves it (ids, facet counts, rows from the database), the contacts'
autocomplete, and how long an edit takes to become visible to search.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: make `bench` importable
from bench.common import postgres_database, private_environment
from bench.search_data import OPEN_TO, WORDS, card_content, contact_row

_FOLDER = private_environment("metaic-search-bench-")
CARDS_PER_OWNER = 100


def _insert(session, cards: int, contacts: int, rng: random.Random):
    """Owners, published listed cards with their versions, and one owner's contacts, in bulk; returns the owner."""
    from sqlalchemy import insert

    from metaic.auth.models import User
    from metaic.cards.models import Card, CardVersion
    from metaic.contacts.models import SavedContact
    from metaic.core import clock

    now = clock.now()
    owners = [uuid.uuid4() for _ in range(max(1, cards // CARDS_PER_OWNER))]
    session.execute(
        insert(User),
        [
            {"id": o, "email": f"o{i}@bench.example", "name": f"Owner {i}", "created_at": now}
            for i, o in enumerate(owners)
        ],
    )
    for start in range(0, cards, 5000):
        card_rows, version_rows = [], []
        for i in range(start, min(cards, start + 5000)):
            card_id, version_id, content = uuid.uuid4(), uuid.uuid4(), card_content(rng)
            card_rows.append(
                {
                    "id": card_id,
                    "owner_id": owners[i % len(owners)],
                    "slug": f"p{i}",
                    "name": content["name"],
                    "visibility": "public",
                    "directory_listing": "public" if i % 5 else "members",
                    "published_version_id": version_id,
                    "published_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            version_rows.append(
                {"id": version_id, "card_id": card_id, "number": 1, "content": content, "content_hash": "x"}
                | {"published_at": now}
            )
        session.execute(insert(Card), card_rows)
        session.execute(insert(CardVersion), version_rows)
        session.commit()
    owner = session.get(User, owners[0])
    session.execute(insert(SavedContact), [contact_row(rng, owner.id, now) for _ in range(contacts)])
    session.commit()
    return owner


def _fts_setup(session) -> None:
    """A GIN-indexed tsvector over the same text the directory index holds (simple configuration: no stemming)."""
    from sqlalchemy import text

    session.execute(
        text(
            "CREATE TABLE fts_cards AS SELECT c.id, "
            "(v.content->'business'->>'industry') AS industry, "
            "to_tsvector('simple', concat_ws(' ', v.content->>'name', v.content->>'headline', v.content->>'bio', "
            "v.content->'business'->>'name', v.content->'business'->>'industry', v.content->'business'->>'address', "
            "v.content->'networking'->>'offer', v.content->'networking'->>'looking_for', "
            "v.content->>'services', v.content->>'interests')) AS doc "
            "FROM business_cards c JOIN card_versions v ON v.id = c.published_version_id"
        )
    )
    session.execute(text("CREATE INDEX fts_cards_doc ON fts_cards USING GIN (doc)"))
    session.execute(text("CREATE INDEX fts_cards_industry ON fts_cards (industry)"))
    session.execute(text("ANALYZE fts_cards"))
    session.commit()


def _typo(word: str, rng: random.Random) -> str:
    """`word` with one letter changed (not the first)."""
    i = rng.randrange(1, len(word))
    return word[:i] + rng.choice("aeiourstn".replace(word[i], "")) + word[i + 1 :]


def _query_sets(rng: random.Random, n: int) -> dict[str, list[tuple[str, dict]]]:
    """Queries per class: (text, facet filter)."""
    from bench.search_data import FIRST, INDUSTRIES, LAST

    long_words = [w for w in WORDS if len(w) >= 5]
    return {
        "one word": [(rng.choice(WORDS), {}) for _ in range(n)],
        "two words AND": [(f"{rng.choice(WORDS)} {rng.choice(WORDS)}", {}) for _ in range(n)],
        "phrase": [(f'"{rng.choice(FIRST)} {rng.choice(LAST)}"', {}) for _ in range(n)],
        "typo": [(_typo(rng.choice(long_words), rng), {}) for _ in range(n)],
        "prefix (3 letters)": [(rng.choice(LAST)[:3], {}) for _ in range(n)],
        "faceted": [(rng.choice(WORDS), {"industry": rng.choice(INDUSTRIES)}) for _ in range(n)],
    }


def _percentiles(samples: list[float]) -> tuple[float, float]:
    """(p50, p95) in ms."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def _time(func, items) -> tuple[float, float]:
    """p50/p95 of `func(item)` over `items` (after warming up on the first five)."""
    for item in items[:5]:
        func(item)
    samples = []
    for item in items:
        start = time.perf_counter()
        func(item)
        samples.append((time.perf_counter() - start) * 1000)
    return _percentiles(samples)


def _whoosh(item) -> None:
    """The directory index's best 20 ids for a query (exact words, then typo-tolerant when nothing matched)."""
    from metaic.search.analyzers import parse
    from metaic.search.backend import Shape
    from metaic.search.engine import get_backend

    text, facets = item
    parsed, backend = parse(text), get_backend()
    if text.isalpha() and len(text) == 3:  # the autocomplete class: a prefix
        backend.search("cards", parsed, filters=facets, limit=20, shape=Shape())
        return
    found = backend.search("cards", parsed, filters=facets, limit=20, shape=Shape(prefix=False))
    if not found:
        backend.search("cards", parsed, filters=facets, limit=20, shape=Shape(fuzzy=True, prefix=False))


def _postgres(session):
    """A function running the PostgreSQL FTS counterpart of a query (ranked, LIMIT 20)."""
    from sqlalchemy import text

    ranked = "SELECT id FROM fts_cards, q WHERE doc @@ q.t {extra} ORDER BY ts_rank(doc, q.t) DESC LIMIT 20"

    def run(item) -> None:
        query, facets = item
        if query.isalpha() and len(query) == 3:
            sql = "WITH q AS (SELECT to_tsquery('simple', :q || ':*') AS t) " + ranked.format(extra="")
        else:
            sql = "WITH q AS (SELECT websearch_to_tsquery('simple', :q) AS t) " + ranked.format(
                extra="AND industry = :industry" if facets else ""
            )
        session.execute(text(sql), {"q": query, **facets}).all()

    return run


def _visibility_latency(session, rounds: int = 10) -> tuple[float, float]:
    """Commit an edit that lists a new name, run the index job as a worker would, poll search until it shows."""
    from sqlmodel import select

    from metaic.cards.models import Card, CardVersion
    from metaic.search import jobs
    from metaic.search.analyzers import parse
    from metaic.search.backend import Shape
    from metaic.search.engine import get_backend

    samples = []
    cards = session.exec(select(Card).where(Card.directory_listing == "public").limit(rounds)).all()
    for n, card in enumerate(cards):
        marker = f"zqx{n}marker"
        version = session.get(CardVersion, card.published_version_id)
        version.content = {**version.content, "name": f"{version.content['name']} {marker}"}
        session.add(version)
        session.commit()
        start = time.perf_counter()
        jobs.index_cards([str(card.id)])
        while not get_backend().search("cards", parse(marker), filters={}, limit=1, shape=Shape()):
            time.sleep(0.005)
        samples.append((time.perf_counter() - start) * 1000)
    return _percentiles(samples)


def run(database_url: str, cards: int, contacts: int, queries: int) -> None:
    """Build the data and indexes, then print every figure."""
    url, drop = postgres_database(database_url)
    os.environ["DATABASE_URL"] = url
    from metaic import migrations
    from metaic.config import get_settings
    from metaic.db import session_scope
    from metaic.search import repair, service

    get_settings.cache_clear()
    migrations.upgrade(url)
    rng = random.Random(12)
    try:
        with session_scope() as session:
            started = time.perf_counter()
            owner = _insert(session, cards, contacts, rng)
            print(f"data: {cards:,} cards, {contacts:,} contacts in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        repair.rebuild("cards")
        build = time.perf_counter() - started
        repair.rebuild("contacts")
        repair.rebuild("messages")
        print(f"full reindex of {cards:,} cards: {build:.1f} s (goal <= 60 s at 100k)")
        with session_scope() as session:
            _fts_setup(session)
            pg = _postgres(session)
            print(f"\n{'class':<20} {'whoosh p50':>10} {'p95':>8} {'pg fts p50':>11} {'p95':>8} {'p95 ratio':>10}")
            for name, items in _query_sets(rng, queries).items():
                w50, w95 = _time(_whoosh, items)
                p50, p95 = _time(pg, items)
                print(f"{name:<20} {w50:8.1f}ms {w95:6.1f}ms {p50:9.1f}ms {p95:6.1f}ms {w95 / p95:9.2f}x")
            words = [(f"{rng.choice(WORDS)} {rng.choice(WORDS)}", {}) for _ in range(queries // 2)]
            page = _time(
                lambda i: service.directory(session=session, query=i[0], facets=i[1], page=1, viewer=owner), words
            )
            print(f"\ndirectory page (2 words: ids, facet counts, 20 rows): p50 {page[0]:.1f} ms, p95 {page[1]:.1f} ms")
            facet = _time(
                lambda i: service.directory(session=session, query="", facets=i, page=1),
                [{"open_to": o} for o in OPEN_TO] * 10,
            )
            print(f"directory page (facet only, no words): p50 {facet[0]:.1f} ms, p95 {facet[1]:.1f} ms")
            prefixes = [(rng.choice([*WORDS, "mar", "jur", "ana", "kim", "sch"]))[:3] for _ in range(queries)]
            auto = _time(lambda p: service.autocomplete(session=session, owner=owner, field="name", prefix=p), prefixes)
            print(
                f"autocomplete (3 letters, {contacts:,} contacts): p50 {auto[0]:.1f} ms, p95 {auto[1]:.1f} ms"
                " (goal <= 20)"
            )
            names = [rng.choice(WORDS) for _ in range(queries // 2)]
            found = _time(
                lambda q: service.find_contacts(
                    session=session, owner=owner, query=q, filters={}, sort="", limit=50, offset=0
                ),
                names,
            )
            print(f"contacts search (page of 50 + facets): p50 {found[0]:.1f} ms, p95 {found[1]:.1f} ms")
            latency = _visibility_latency(session)
            print(f"edit visible to search: p50 {latency[0]:.0f} ms, p95 {latency[1]:.0f} ms (goal <= 2000)")
    finally:
        drop()


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200, help="queries per class")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
        help="a PostgreSQL server (a throwaway database is created on it and dropped at the end)",
    )
    args = parser.parse_args()
    from metaic.wiring import wire

    wire()
    run(args.database_url, args.cards, args.contacts, args.queries)


if __name__ == "__main__":
    main()
