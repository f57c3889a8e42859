"""Readiness of this process: the database answers at this build's schema; Redis is reported, not required.

Behind `/readyz` (a load balancer or Kubernetes asks every few seconds), so it uses the app's pooled
engine and reads the migration heads of this build once.

Why Redis does not decide readiness: every app pod shares the one Redis, so when it fails it fails for all
pods at once, and a readiness rule that took each of them out of the Service would turn a degraded site into
no site at all, though the pods still serve. Without Redis a pod still signs people in (sessions live in the
database), serves public cards (from its own cache and the database), keeps every tab working on its own copy
of the tab's state (metaic/ui/resilient_state.py), runs new jobs in-process and counts rate limits in memory.
So ready means "this pod can serve": the database answers and is at (or ahead of) this build's migration head.
Redis is still checked and named in the answer (`"status": "degraded"`, `checks.redis`), on the admin
overview and in alerts, so people fix it; taking pods out would fix nothing.
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


REQUIRED = ("database", "migrations")  # what a pod cannot serve without


def is_ready(checks: dict[str, str]) -> bool:
    """Ready to take traffic: every required dependency is ok (Redis may be down: see the module docstring)."""
    return all(checks.get(name) == "ok" for name in REQUIRED)


def status(checks: dict[str, str]) -> str:
    """`ok`, `degraded` (serving, some optional dependency is down) or `unavailable`."""
    if not is_ready(checks):
        return "unavailable"
    return "ok" if all(value == "ok" for value in checks.values()) else "degraded"


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
