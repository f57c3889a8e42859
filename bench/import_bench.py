"""Contact import benchmark: seconds to import N contacts (email, phone, note each), then to import them again.

    .venv/bin/python bench/import_bench.py [--contacts 10000] [--database-url URL]

The first pass creates every contact; the second matches each row to the contact it made by email
(the dedupe path: `contact_identities`) and merges. The CPU column counts this process only (the app's
work, and on SQLite the database's too), which a busy machine disturbs less than the wall time. Without
--database-url it uses a throwaway SQLite file; with a PostgreSQL server URL it creates a throwaway
database there and drops it at the end.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: make `bench` importable
from bench.common import postgres_database, private_environment

_FOLDER = private_environment("metaic-import-bench-")


def _rows(count: int) -> list:
    """Parsed import rows: a name, a company, an email, a phone and a note each."""
    from metaic.contacts.schemas import ContactDraft, LabeledValue, ParsedRow

    return [
        ParsedRow(
            row=i + 1,
            draft=ContactDraft(
                full_name=f"Person {i:06d}",
                company=f"Company {i % 97}",
                emails=[LabeledValue(label="work", value=f"person{i}@example.com")],
                phones=[LabeledValue(label="mobile", value=f"+4420794{i:05d}")],
                note=f"Met at event {i % 10}; follow up about project {i}.",
            ),
        )
        for i in range(count)
    ]


def run(url: str, contacts: int) -> list[tuple[str, float, float]]:
    """Import the rows twice; returns (label, wall seconds, CPU seconds of this process) rows."""
    import os

    os.environ["DATABASE_URL"] = url
    from metaic import migrations
    from metaic.auth import service as user_service
    from metaic.config import get_settings
    from metaic.contacts import imports
    from metaic.db import session_scope
    from metaic.wiring import wire

    get_settings.cache_clear()
    wire()
    migrations.upgrade(url)
    with session_scope() as session:
        owner_id = user_service.create(session=session, email="bench@example.com", password=None, verified=True).id
    rows = _rows(contacts)
    results = []
    for label, status in (("first import (creates)", "created"), ("second import (merges by email)", "merged")):
        started, cpu = time.perf_counter(), time.process_time()
        with session_scope() as session:
            owner = user_service.get(session=session, user_id=owner_id)
            report = imports.import_drafts(session=session, owner=owner, rows=rows)
        results.append((label, time.perf_counter() - started, time.process_time() - cpu))
        assert getattr(report, status) == contacts, report.model_dump(exclude={"rows"})
    return results


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--database-url", default="", help="a PostgreSQL server URL (default: SQLite file)")
    args = parser.parse_args(argv)
    drop = None
    url = f"sqlite:///{_FOLDER}/bench.db"
    if args.database_url:
        url, drop = postgres_database(args.database_url)
    try:
        results = run(url, args.contacts)
    finally:
        if drop:
            drop()
    print(f"contact import: {args.contacts:,} rows ({url.split(':')[0]})")
    for label, seconds, cpu in results:
        print(f"  {label:<34} {seconds:7.2f} s  {args.contacts / seconds:8,.0f} rows/s  (CPU here {cpu:6.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
