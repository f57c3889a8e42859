"""The public card benchmark still runs and prints its table (tiny N; the numbers are not judged here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_public_card_bench_prints_every_row():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "public_card_bench.py"), "--requests", "3"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [line for line in result.stdout.splitlines() if line.startswith("/")]
    assert [line.split()[0] for line in lines] == ["/healthz", "/c/demo", "/c/demo", "/c/demo.vcf", "/c/demo/qr.svg"]
    assert all(float(line.split()[-1]) > 0 for line in lines)
