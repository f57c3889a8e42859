"""The contacts benchmark still runs (tiny N) and prints every row; its numbers are not judged here."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_contacts_bench_prints_every_row():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "contacts_bench.py"), "--contacts", "50", "--repeat", "2"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rows = re.findall(r"^  (.+?) +[\d.]+ ms +[\d.]+x pk fetch$", result.stdout, flags=re.M)
    assert len(rows) == 8 and rows[0] == "reference: SELECT 1", result.stdout
    assert "Warning" not in result.stderr, result.stderr
