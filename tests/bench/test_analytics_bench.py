"""The analytics benchmark still runs (tiny N, PostgreSQL) and prints every row; its numbers are not judged here."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import PG_SERVER_URL

ROOT = Path(__file__).resolve().parents[2]


def test_analytics_bench_prints_every_row():
    command = [sys.executable, str(ROOT / "bench" / "analytics_bench.py"), "--events", "20000", "--ingest", "2000"]
    command += ["--repeat", "2", "--database-url", PG_SERVER_URL]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"ingest 2,000 events: track\(\) [\d,]+/s, flush\(\) [\d,]+/s", result.stdout), result.stdout
    assert "rollup of one day" in result.stdout
    assert re.search(r"today right after the ingest, before the upkeep.s ANALYZE: p50 [\d.]+ ms", result.stdout)
    rows = re.findall(r"^    (.+?) +[\d.]+ ms +[\d.]+ ms ", result.stdout, flags=re.M)
    assert len(rows) == 14 and rows[0] == "series 30d (chart, totals)", result.stdout
    assert {"owner_dashboard 30d, one card", "ALL owner_dashboard 30d", "ALL sparkline 30d (dashboard)"} <= set(rows)
