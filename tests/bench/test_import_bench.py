"""The import benchmark still runs (tiny N): both passes, every row created then merged by email."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_bench_creates_then_merges_every_row():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "import_bench.py"), "--contacts", "20"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rows = re.findall(r"^  (first|second) import .+ s +[\d,]+ rows/s +\(CPU here +[\d.]+ s\)$", result.stdout, re.M)
    assert rows == ["first", "second"], result.stdout
