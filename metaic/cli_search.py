"""`python -m metaic search reindex|status`: rebuild the search indexes from the database, or show how they stand."""

from __future__ import annotations

import argparse
import sys
import time

from metaic.cli_base import EXIT_ERROR, EXIT_OK, load_settings

BAR_WIDTH = 30


def _bar(index: str, total: int, started: float):
    """A progress callback drawing `index [#####.....] done/total` on standard error."""

    def draw(done: int) -> None:
        share = min(1.0, done / total) if total else 1.0
        filled = int(share * BAR_WIDTH)
        rate = done / max(time.monotonic() - started, 1e-6)
        line = f"\r{index:<9}[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} ({rate:,.0f}/s)"
        print(line, end="", file=sys.stderr, flush=True)

    return draw


def cmd_search_reindex(args: argparse.Namespace) -> int:
    """Rebuild the chosen indexes from the database into a new folder and swap each in atomically."""
    load_settings()
    from metaic.db import session_scope
    from metaic.search import indexer, repair

    names = {"cards": ["cards"], "contacts": ["contacts"], "messages": ["messages"]}.get(
        args.what, ["cards", "contacts", "messages"]
    )
    for index in names:
        with session_scope() as session:
            total = indexer.expected_count(session, index)
        started = time.monotonic()
        written = repair.rebuild(index, progress=_bar(index, total, started))
        print(f"\n{index}: {written} documents in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return EXIT_OK


def cmd_search_status(args: argparse.Namespace) -> int:
    """Print each index's document count against the database's, and when it was last written."""
    load_settings()
    from metaic.config import get_settings
    from metaic.db import session_scope
    from metaic.search import indexer
    from metaic.search.backend import INDEXES
    from metaic.search.engine import get_backend

    backend, healthy = get_backend(), True
    print(f"Backend: {get_settings().search_backend} ({get_settings().search_dir})")
    for index in INDEXES:
        status = backend.status(index)
        with session_scope() as session:
            expected = indexer.expected_count(session, index)
        changed = status["last_change"]
        age = f"written {time.time() - changed:,.0f} s ago" if changed else "never written"
        if not status["readable"]:
            state = "MISSING" if not status["exists"] else "UNREADABLE"
        else:
            state = "ok" if status["documents"] == expected else "STALE"
        healthy = healthy and state == "ok"
        print(f"{index:<9} {state:<10} {status['documents']:>8} indexed / {expected:>8} in the database, {age}")
    return EXIT_OK if healthy else EXIT_ERROR


def add_search_commands(commands) -> None:
    """Register the `search` command group on the main parser's subcommands."""
    search = commands.add_parser(
        "search",
        help="rebuild or check the search indexes",
        description="The search indexes (Whoosh, in METAIC_DATA_DIR/search) follow the database through jobs; "
        "these commands rebuild them from scratch or show how far they are behind.",
    )
    search_commands = search.add_subparsers(dest="search_command", metavar="SEARCH_COMMAND", required=True)
    reindex = search_commands.add_parser(
        "reindex",
        help="rebuild indexes from the database",
        description="Build each index afresh from the database into a new folder (with a progress bar) and swap "
        "it in atomically: searches keep using the old one until the new one is complete. Index updates made "
        "meanwhile wait for the rebuild and then apply.",
    )
    reindex.add_argument(
        "--what", choices=["cards", "contacts", "messages", "all"], default="all", help="which index (default: all)"
    )
    reindex.set_defaults(handler=cmd_search_reindex)
    status = search_commands.add_parser(
        "status",
        help="document counts and staleness of each index",
        description="For each index: ok, STALE (its count differs from the database's), MISSING or UNREADABLE, "
        "with counts and the time of its last write. Exits 1 unless every index is ok.",
    )
    status.set_defaults(handler=cmd_search_status)
