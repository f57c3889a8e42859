"""What a database copy would show of a column, and migrations run with no pooled connection on the old schema."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from metaic.db import dispose_engines, get_engine


def stored_values(table: str, column: str) -> list[str]:
    """Every non-empty stored value of a column as text (JSON as its JSON text), as a database copy shows it."""
    t = sa.table(table, sa.column(column))
    with get_engine().connect() as conn:
        rows = conn.execute(sa.select(sa.cast(t.c[column], sa.Text)))
        return [v for (v,) in rows if v not in (None, "", "[]", "{}")]


def column_length(table: str, column: str) -> int | None:
    """The declared length of a column (None for TEXT)."""
    [found] = [c for c in sa.inspect(get_engine()).get_columns(table) if c["name"] == column]
    return getattr(found["type"], "length", None)


def migrate(direction: Callable, url: str, revision: str | None = None) -> None:
    """Run `migrations.upgrade`/`downgrade` with no pooled connection left open on the old schema."""
    dispose_engines()
    direction(url, revision) if revision else direction(url)
    dispose_engines()
