"""The messaging benchmark still runs (tiny N) and prints every row; its numbers are not judged here."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_messaging_bench_prints_every_row():
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "messaging_bench.py"),
            "--conversations",
            "5",
            "--messages",
            "2",
            "--repeat",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rows = re.findall(r"^  (.+?) +[\d.]+ ms +[\d.]+x pk fetch$", result.stdout, flags=re.M)
    assert rows == [
        "reference: SELECT 1",
        "reference: primary-key fetch",
        "live poll (bell + marker)",
        "unread total",
        "conversation list (50)",
        "open thread (100 messages)",
    ], result.stdout
