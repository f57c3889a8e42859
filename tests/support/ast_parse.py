"""`ast.parse` for tests that read our sources, safe beside threads that format tracebacks.

CPython 3.11 keeps the AST constructor's recursion counter per interpreter, not per thread: when
another thread builds an AST at the same moment (3.11's tracebacks parse each source line to place
their ^^^ markers, so any background job that logs an exception does), `ast.parse` can fail with
"SystemError: AST constructor recursion depth mismatch" on perfectly good source (pytest #10763,
CPython gh-106905). It happened once in a full run; the parse is simply tried again.
"""

from __future__ import annotations

import ast
from pathlib import Path

ATTEMPTS = 5


def parse(source: str) -> ast.Module:
    """Parse source, trying again when another thread disturbed CPython's shared AST counter."""
    for attempt in range(ATTEMPTS):
        try:
            return ast.parse(source)
        except SystemError as exc:
            if "recursion depth mismatch" not in str(exc) or attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def parse_file(path: Path) -> ast.Module:
    """Parse a UTF-8 source file (see `parse`)."""
    return parse(Path(path).read_text(encoding="utf-8"))
