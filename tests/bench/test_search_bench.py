"""The search benchmark still runs (tiny N, on the test PostgreSQL server) and prints every row; numbers not judged."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def test_search_bench_prints_every_row():
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "search_bench.py"),
            *("--cards", "300", "--contacts", "60", "--queries", "10", "--database-url", PG),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    classes = re.findall(r"^(.+?) +[\d.]+ms +[\d.]+ms +[\d.]+ms +[\d.]+ms +[\d.]+x$", result.stdout, flags=re.M)
    assert classes == ["one word", "two words AND", "phrase", "typo", "prefix (3 letters)", "faceted"], result.stdout
    for row in ("full reindex of 300 cards", "directory page", "autocomplete", "contacts search", "edit visible"):
        assert row in result.stdout, result.stdout
