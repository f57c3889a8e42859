"""What the database benchmarks share: a private environment, a median timer, a throwaway PostgreSQL database."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def private_environment(prefix: str) -> str:
    """Point the app at a fresh data folder with no Redis (call before importing `metaic`); returns the folder."""
    if str(ROOT) not in sys.path:  # run as a script: make `metaic` importable
        sys.path.insert(0, str(ROOT))
    folder = tempfile.mkdtemp(prefix=prefix)
    os.environ.update(
        {
            "METAIC_ENV": "test",
            "METAIC_DATA_DIR": folder,
            "REDIS_URL": "",
            "SECRET_KEY": "bench-secret-key-not-for-production-0123456789",
        }
    )
    return folder


def median_ms(func: Callable[[], object], repeat: int) -> float:
    """Median wall time of `func` in milliseconds (after one warm-up call)."""
    func()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def postgres_database(server_url: str) -> tuple[str, Callable[[], None]]:
    """A throwaway database on a PostgreSQL server and the function that drops it."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    name = f"metaic_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        from metaic.db import dispose_engines

        dispose_engines()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server_url).set(database=name).render_as_string(hide_password=False), drop


def run_and_print(database_url: str, folder: str, title: str, run: Callable[[str], list[tuple[str, float]]]) -> None:
    """Run `run(url)` on a SQLite file in `folder` or a throwaway PostgreSQL database, then print the table.

    `run` returns (label, median ms) rows whose second row is the reference the ratio column divides by.
    """
    drop = None
    url = f"sqlite:///{folder}/bench.db"
    if database_url:
        url, drop = postgres_database(database_url)
    try:
        results = run(url)
    finally:
        if drop:
            drop()
    reference = results[1][1]
    print(f"{title} ({url.split(':')[0]})")
    for label, ms in results:
        print(f"  {label:<34} {ms:8.3f} ms  {ms / reference:7.1f}x pk fetch")
