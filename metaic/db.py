"""Database engine and transactional sessions shared by the UI state, the API and jobs."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from metaic.config import get_settings

log = logging.getLogger(__name__)

_ENGINES: dict[str, Engine] = {}
_HOOKS = "metaic.db.transaction_hooks"


def engine_for(url: str) -> Engine:
    """Return the engine for a URL, creating it once."""
    if url not in _ENGINES:
        _ENGINES[url] = _create(url)
    return _ENGINES[url]


def _create(url: str) -> Engine:
    """Create an engine with per-dialect settings."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Turn on foreign keys and WAL so readers do not block the writer."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def get_engine() -> Engine:
    """Return the engine for the configured database."""
    return engine_for(get_settings().database_url)


@contextmanager
def session_scope() -> Iterator[Session]:
    """Open a session that commits on success and rolls back on any error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _forget_inherited_pools() -> None:
    """In a forked child, drop the pooled connections copied from the parent without closing them.

    Granian forks its workers after metaic.py has used the engine (migrations), and RQ forks per job:
    a child that reused the parent's sockets would talk over them at the same time as the parent
    ("server closed the connection unexpectedly"). `close=False` leaves the parent's connections alone.
    """
    for engine in _ENGINES.values():
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_inherited_pools)


def dispose_engines() -> None:
    """Dispose every pooled connection (before a worker forks, or between tests)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


def checked_out_connections() -> int:
    """How many pooled connections are out of their pool right now, over every engine of this process.

    A job worker checks it between jobs: anything above 0 is a session or connection a job never closed.
    """
    return sum(getattr(engine.pool, "checkedout", lambda: 0)() for engine in _ENGINES.values())


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Run `action` once the session's current transaction commits; drop it if the transaction rolls back.

    Jobs are queued this way, so a job never looks for a row that is not committed yet.
    """
    _hooks(session)["commit"].append(action)


def after_rollback(session: Session, action: Callable[[], None]) -> None:
    """Run `action` if the session's current transaction rolls back (undo work outside the database)."""
    _hooks(session)["rollback"].append(action)


def _hooks(session: Session) -> dict[str, list[Callable[[], None]]]:
    """Pending actions of a session, listening for its commit and rollback on first use."""
    hooks = session.info.get(_HOOKS)
    if hooks is None:
        hooks = session.info[_HOOKS] = {"commit": [], "rollback": []}
        event.listen(session, "after_commit", lambda s: _run_hooks(s, "commit"))
        event.listen(session, "after_rollback", lambda s: _run_hooks(s, "rollback"))
    return hooks


def _run_hooks(session: Session, outcome: str) -> None:
    """Run the actions for how the transaction ended and drop the others (a failing action is logged)."""
    if session.in_nested_transaction():
        # SQLAlchemy also fires after_commit/after_rollback when a SAVEPOINT ends: only the real transaction counts,
        # or a job would look for rows not committed yet (and a refused import row would drop earlier jobs).
        return
    hooks = session.info.get(_HOOKS) or {"commit": [], "rollback": []}
    actions = hooks[outcome]
    hooks["commit"], hooks["rollback"] = [], []
    for action in actions:
        try:
            action()
        except Exception:
            log.exception("after-%s action failed (periodic upkeep catches up on lost jobs)", outcome)
