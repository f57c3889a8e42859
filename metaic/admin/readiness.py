"""Readiness of this process: the database answers and is at the migration head, Redis answers when configured.

Behind `/readyz` (a load balancer or Kubernetes asks every few seconds), so it uses the app's pooled
engine and reads the migration heads of this build once.
"""

from __future__ import annotations

from functools import lru_cache

from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from metaic.admin.checks import head_revisions, known_revisions
from metaic.config import get_settings
from metaic.core import kv
from metaic.db import get_engine


@lru_cache(maxsize=1)
def _expected_heads() -> frozenset[str]:
    """The migration heads of this build (the scripts do not change while the process runs)."""
    return frozenset(head_revisions())


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    """Every revision this build has a script for."""
    return frozenset(known_revisions())


def schema_state(current: set[str]) -> str:
    """`ok` at this build's head or ahead of it (a rolling update's newer release migrated first), else why not."""
    if current and current - _known():
        return "ok"  # revisions this build does not know: a newer release already migrated, old pods keep serving
    missing = _expected_heads() - current
    return "ok" if not missing else f"not at head (missing {', '.join(sorted(missing))})"


def readiness() -> dict[str, str]:
    """Each dependency's state: `ok`, or what is wrong with it (never a secret or an address)."""
    checks: dict[str, str] = {}
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
        checks["database"] = "ok"
        checks["migrations"] = schema_state(current)
    except Exception as exc:  # any failure means "not ready"; the name says which
        checks["database"] = f"unreachable: {type(exc).__name__}"
        checks["migrations"] = "unknown"
    if get_settings().redis_url:
        try:
            kv.get_redis().ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"unreachable: {type(exc).__name__}"
    return checks
