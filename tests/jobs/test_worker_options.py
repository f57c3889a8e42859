"""`python -m metaic worker` options for the in-process worker: refused combinations say why, before Redis is needed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.jobs.processes import ROOT


def _worker(*args: str) -> subprocess.CompletedProcess:
    """Run `python -m metaic worker *args` with no Redis configured."""
    return subprocess.run(
        [sys.executable, "-m", "metaic", "worker", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "REDIS_URL": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--fork", "--max-jobs", "10"), "apply to the in-process worker, not to --fork"),
        (("--fork", "--max-memory", "512"), "apply to the in-process worker, not to --fork"),
        (("--max-memory", "-1"), "take 0 (no limit) or more"),
        (("--max-jobs", "-5"), "take 0 (no limit) or more"),
    ],
)
def test_refused_options_explain_themselves(args, message):
    """Each refusal is one line on stderr, no traceback, and a usage exit code."""
    result = _worker(*args)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_the_new_options():
    """--fork, --max-jobs and --max-memory are documented in --help."""
    result = _worker("--help")
    assert result.returncode == 0
    assert all(option in result.stdout for option in ("--fork", "--max-jobs", "--max-memory"))
