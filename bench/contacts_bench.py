"""Contact book benchmark: ms per page query on N contacts, beside a primary-key fetch and `SELECT 1` (same run).

    .venv/bin/python bench/contacts_bench.py [--contacts 10000] [--repeat 30] [--database-url URL]

Without --database-url it uses a throwaway SQLite file; with a PostgreSQL URL it creates a throwaway
database on that server and drops it at the end. Each page query is `contacts.service.list_` (page +
count + the page's tags); the ratio column divides its median by the primary-key fetch's median.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: make `bench` importable
from bench.common import median_ms, private_environment, run_and_print

_FOLDER = private_environment("metaic-contacts-bench-")


def _prepare(url: str, contacts: int):
    """Migrate, create an owner (and a neighbour with 10% as many contacts), insert contacts in bulk."""
    from sqlalchemy import insert, select

    from metaic import migrations
    from metaic.auth import service as user_service
    from metaic.contacts import reminders
    from metaic.contacts.models import SavedContact
    from metaic.core import clock
    from metaic.db import session_scope

    migrations.upgrade(url)
    with session_scope() as session:
        owner = user_service.create(session=session, email="bench@example.com", password=None, verified=True)
        neighbour = user_service.create(session=session, email="other@example.com", password=None, verified=True)
        now = clock.now()
        for who, count in ((owner, contacts), (neighbour, max(1, contacts // 10))):
            rows = []
            for i in range(count):
                name = f"Person {i:06d}"
                rows.append(
                    SavedContact(
                        owner_id=who.id,
                        full_name=name,
                        company=f"Company {i % 97}",
                        sort_name=name.lower(),
                        search_text=f"{name} company {i % 97} person{i}@example.com".lower(),
                        stage=("new", "warm", "client", "partner")[i % 4],
                        event=f"event {i % 10}",
                        created_at=now,
                        updated_at=now,
                    ).model_dump()
                )
            session.execute(insert(SavedContact), rows)
        first = session.execute(select(SavedContact.id).where(SavedContact.owner_id == owner.id)).scalars().first()
        reminders.set_reminder(session=session, owner=owner, contact_id=first, quick="tomorrow")
    return owner, first


def run(url: str, contacts: int, repeat: int) -> list[tuple[str, float]]:
    """Measure every query; returns (label, median ms) rows, references first."""
    os.environ["DATABASE_URL"] = url
    from sqlalchemy import text

    from metaic.config import get_settings
    from metaic.contacts import service
    from metaic.contacts.models import SavedContact
    from metaic.db import session_scope

    get_settings.cache_clear()
    owner, first = _prepare(url, contacts)
    results = []
    with session_scope() as session:

        def pk_fetch() -> object:
            session.expunge_all()
            return session.get(SavedContact, first)

        cases = [
            ("reference: SELECT 1", lambda: session.execute(text("SELECT 1")).scalar()),
            ("reference: primary-key fetch", pk_fetch),
            ("page 1 by name", lambda: service.list_(session=session, owner=owner)),
            (
                "page 100 by name (offset 4950)",
                lambda: service.list_(session=session, owner=owner, offset=min(4950, contacts - 1)),
            ),
            ("page 1 newest first", lambda: service.list_(session=session, owner=owner, sort="-created")),
            (
                "search 'company 42'",
                lambda: service.list_(session=session, owner=owner, filters={"query": "company 42"}),
            ),
            ("filter stage=warm", lambda: service.list_(session=session, owner=owner, filters={"stage": "warm"})),
            (
                "filter event + reminder due",
                lambda: service.list_(session=session, owner=owner, filters={"event": "event 3", "reminder_due": True}),
            ),
        ]
        for label, func in cases:
            results.append((label, median_ms(func, repeat)))
    return results


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default="", help="a PostgreSQL server URL (default: SQLite file)")
    args = parser.parse_args(argv)
    title = f"contacts: {args.contacts:,} for one owner, median of {args.repeat} runs"
    run_and_print(args.database_url, _FOLDER, title, lambda url: run(url, args.contacts, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
