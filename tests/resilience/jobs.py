"""A job the resilience tests enqueue: it appends its name to a file, so a lost or doubled run shows."""

from __future__ import annotations

from pathlib import Path


def record(path: str, name: str) -> None:
    """Append `name` as one line to the file at `path`."""
    with Path(path).open("a", encoding="utf-8") as out:
        out.write(name + "\n")
