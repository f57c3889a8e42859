"""Writes made while a full rebuild runs: kept in a journal and replayed into the new generation before the swap.

A full rebuild reads the whole database (minutes at 100k cards) without holding the writer lock, so the
incremental updates of publish, edit and delete go on meanwhile against the live index. While
`<name>.journal` exists they are also appended to it, one JSON line each, under the writer lock. The
rebuild then takes the lock, replays the journal into its new generation, swaps it in and removes the
journal: nothing written during the rebuild is lost, and nothing waits for it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from whoosh.writing import IndexWriter

from metaic.search import whoosh_store as store


def path(name: str) -> Path:
    """The journal file of one index (present only while a rebuild runs)."""
    return store.root() / f"{name}.journal"


def start(name: str) -> None:
    """Begin journaling writes to `name` (call under the writer lock)."""
    store.root().mkdir(parents=True, exist_ok=True)
    path(name).write_text("")


def stop(name: str) -> None:
    """Stop journaling writes to `name` (call under the writer lock)."""
    path(name).unlink(missing_ok=True)


def record(name: str, op: str, values: list, field_name: str = "id") -> None:
    """Append one write ("update" with documents, "remove" with field values) when a rebuild runs (under the lock)."""
    if not path(name).exists():
        return
    with path(name).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"op": op, "field": field_name, "values": values}, ensure_ascii=False) + "\n")


def entries(name: str) -> Iterator[dict]:
    """The journaled writes, oldest first."""
    if not path(name).exists():
        return
    with path(name).open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def replay(name: str, writer: IndexWriter, as_fields: Callable[[dict], dict]) -> int:
    """Apply the journaled writes to `writer` in order; returns how many writes were replayed."""
    count = 0
    for entry in entries(name):
        for value in entry["values"]:
            if entry["op"] == "update":
                writer.update_document(**as_fields(value))
            else:
                writer.delete_by_term(entry["field"], value)
        count += 1
    return count
