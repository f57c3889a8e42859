"""Tiny job functions for tests that run a real worker (importable as `tests.support_jobs`).

Each one records its attempts in a folder, so a test can count how often a job ran and
in which process, even when that process was killed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from metaic.core.errors import NotFound


def write_file(path: str, text: str) -> None:
    """Write `text` to `path` atomically, so a test that sees the file also sees its content."""
    target = Path(path)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)


def _attempt(folder: str) -> int:
    """Record one attempt (this process's pid) in `folder/attempts`; returns the attempt number."""
    attempts = Path(folder) / "attempts"
    with attempts.open("a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()}\n")
    return len(attempts.read_text(encoding="utf-8").splitlines())


def attempts(folder: str | Path) -> list[int]:
    """The pid of every recorded attempt, oldest first."""
    path = Path(folder) / "attempts"
    return [int(line) for line in path.read_text(encoding="utf-8").split()] if path.exists() else []


def slow_first_time(folder: str, seconds: float) -> str:
    """Sleep `seconds` on the first attempt only (a test kills it meanwhile), then write `done`."""
    if _attempt(folder) == 1:
        time.sleep(seconds)
    # Idempotent: writing the same marker twice leaves the same result.
    (Path(folder) / "done").write_text("done", encoding="utf-8")
    return "done"


def fail_times(folder: str, times: int) -> str:
    """Fail with a transient error (ConnectionError) on the first `times` attempts, then write `done`."""
    attempt = _attempt(folder)
    if attempt <= times:
        raise ConnectionError(f"provider unreachable (attempt {attempt})")
    (Path(folder) / "done").write_text("done", encoding="utf-8")
    return "done"


def refuse(folder: str, *ids) -> None:
    """Fail with a domain refusal (about `ids`), which no retry would change."""
    _attempt(folder)
    raise NotFound("That card no longer exists.")


def exit_job(folder: str) -> None:
    """Raise something that is not an Exception."""
    _attempt(folder)
    raise SystemExit(3)
