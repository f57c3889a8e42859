"""Whoosh index folders: generations behind a pointer file, one waiting writer lock, warm searchers per thread.

Layout under SETTINGS.search_dir: `<name>/CURRENT` names the live generation folder `<name>/<gen>/`;
a full rebuild writes a new generation and swaps the pointer with os.replace (atomic), so readers see
the old index or the new one, never half of one. Whoosh allows one writer per index: every write takes
`<name>.lock` (fcntl, waits for the holder, works across processes). Readers never take it: each thread
keeps an open searcher and refreshes it when the index changed (checked at most every REFRESH_SECONDS),
so a search never waits for a write. A changed index is opened afresh: Searcher.refresh() reuses segment
readers by segment id and so misses deletions committed to a segment it already had open.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import Schema
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from metaic.config import get_settings

log = logging.getLogger(__name__)
REFRESH_SECONDS = 0.25
LOCK_TIMEOUT = 120.0
POINTER = "CURRENT"


class IndexUnavailable(RuntimeError):
    """The index folder is missing or cannot be read: search falls back to the database meanwhile."""


def root() -> Path:
    """The folder holding every index."""
    return get_settings().search_dir


def folder(name: str) -> Path:
    """The folder of one index (its generations and pointer)."""
    return root() / name


def current_generation(name: str) -> Path | None:
    """The live generation folder of an index, None when there is none."""
    try:
        gen = (folder(name) / POINTER).read_text().strip()
    except OSError:
        return None
    path = folder(name) / gen
    return path if gen and path.is_dir() else None


@contextlib.contextmanager
def write_lock(name: str, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the index's writer lock (waits for another thread or process holding it; TimeoutError after `timeout`)."""
    root().mkdir(parents=True, exist_ok=True)
    with _thread_locks.setdefault(name, threading.Lock()), open(root() / f"{name}.lock", "a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"search index {name!r} stayed locked for {timeout:.0f} s") from None
                time.sleep(0.01)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_thread_locks: dict[str, threading.Lock] = {}


@contextlib.contextmanager
def writer(name: str) -> Iterator[IndexWriter | None]:
    """A Whoosh writer on the live generation under the lock, committed on exit; None when there is no index."""
    with write_lock(name):
        path = current_generation(name)
        if path is None:
            yield None
            return
        w = whoosh_index.open_dir(str(path)).writer()
        try:
            yield w
        except BaseException:
            w.cancel()
            raise
        w.commit()


def new_generation(name: str, schema: Schema) -> Path:
    """A fresh, empty generation folder (not live until `swap`)."""
    path = folder(name) / f"g{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
    path.mkdir(parents=True)
    whoosh_index.create_in(str(path), schema)
    return path


def swap(name: str, path: Path) -> None:
    """Make `path` the live generation (atomic) and remove all but it and the one before."""
    previous = current_generation(name)
    tmp = folder(name) / f"{POINTER}.{uuid.uuid4().hex[:6]}"
    tmp.write_text(path.name)
    os.replace(tmp, folder(name) / POINTER)
    keep = {path.name, previous.name if previous else ""}
    for child in folder(name).iterdir():
        if child.is_dir() and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)


class _Cached:
    """One thread's open searcher of one index and when it was last checked for changes."""

    def __init__(self, generation: Path, searcher: Searcher):
        self.generation, self.searcher, self.checked = generation, searcher, time.monotonic()


_local = threading.local()


def searcher(name: str) -> Searcher:
    """This thread's warm searcher of an index, refreshed when the index changed; IndexUnavailable if missing."""
    cache: dict[str, _Cached] = _local.__dict__.setdefault("cache", {})
    cached = cache.get(name)
    now = time.monotonic()
    if cached is not None and now - cached.checked < REFRESH_SECONDS:
        return cached.searcher
    generation = current_generation(name)
    if generation is None:
        _drop(cache, name)
        raise IndexUnavailable(f"search index {name!r} is missing")
    try:
        if cached is not None and cached.generation == generation and cached.searcher.up_to_date():
            cached.checked = now
            return cached.searcher
        _drop(cache, name)
        opened = whoosh_index.open_dir(str(generation)).searcher()
    except Exception as exc:  # a corrupt or half-deleted folder: the caller falls back and repairs
        _drop(cache, name)
        raise IndexUnavailable(f"search index {name!r} cannot be read: {exc}") from exc
    cache[name] = _Cached(generation, opened)
    return opened


def _drop(cache: dict[str, _Cached], name: str) -> None:
    """Close and forget a thread's cached searcher."""
    cached = cache.pop(name, None)
    if cached is not None:
        with contextlib.suppress(Exception):
            cached.searcher.close()


def forget_searchers() -> None:
    """Close this thread's searchers (tests that delete index folders, process shutdown)."""
    cache: dict[str, _Cached] = _local.__dict__.setdefault("cache", {})
    for name in list(cache):
        _drop(cache, name)


def last_change(name: str) -> float | None:
    """When the live generation was last written (its newest file's mtime), None without an index."""
    path = current_generation(name)
    if path is None:
        return None
    return max((p.stat().st_mtime for p in path.iterdir()), default=path.stat().st_mtime)
