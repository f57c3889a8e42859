"""Tiny job functions for tests that run a real worker process (importable as `tests.support_jobs`)."""

from __future__ import annotations

from pathlib import Path


def write_file(path: str, text: str) -> None:
    """Write `text` to `path`, so a test can see that the job ran."""
    Path(path).write_text(text, encoding="utf-8")
