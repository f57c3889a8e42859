"""Database engine and transactional sessions shared by the UI state, the API and jobs."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

from metaic.config import get_settings

log = logging.getLogger(__name__)

_ENGINES: dict[str, Engine] = {}
_HOOKS = "metaic.db.transaction_hooks"
_HOLDER = "metaic.db.checked_out_by"
_held_by_thread: dict[int, int] = {}
_held_lock = threading.Lock()


def engine_for(url: str) -> Engine:
    """Return the engine for a URL, creating it once."""
    if url not in _ENGINES:
        engine = _ENGINES[url] = _create(url)
        event.listen(engine, "checkout", _note_checkout)
        event.listen(engine, "checkin", _note_checkin)
    return _ENGINES[url]


def _note_checkout(_dbapi_connection, record, _proxy) -> None:
    """Remember which thread took a connection out of its pool."""
    thread = record.info[_HOLDER] = threading.get_ident()
    with _held_lock:
        _held_by_thread[thread] = _held_by_thread.get(thread, 0) + 1


def _note_checkin(_dbapi_connection, record) -> None:
    """Forget the thread that held a connection once it is back in its pool."""
    thread = record.info.pop(_HOLDER, None) if record is not None else None
    if thread is None:
        return
    with _held_lock:
        left = _held_by_thread.get(thread, 0) - 1
        if left > 0:
            _held_by_thread[thread] = left
        else:
            _held_by_thread.pop(thread, None)


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


@contextmanager
def read_session_scope() -> Iterator[Session]:
    """A session for read-only work (dashboards, exports): on DATABASE_REPLICA_URL when set, never committed.

    A replica that cannot be reached falls back to the primary (logged), so a dashboard still answers.
    """
    engine = _read_engine()
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.rollback()


def _read_engine() -> Engine:
    """The replica's engine when configured and reachable, else the primary's."""
    replica = get_settings().database_replica_url
    if not replica:
        return get_engine()
    engine = engine_for(replica)
    try:
        with engine.connect():
            return engine
    except OperationalError as exc:
        log.warning("the read replica is unreachable, reading from the primary: %s", type(exc).__name__)
        return get_engine()


def _forget_inherited_pools() -> None:
    """In a forked child, drop the pooled connections copied from the parent without closing them.

    Granian forks its workers after metaic.py has used the engine (migrations), and RQ forks per job:
    a child that reused the parent's sockets would talk over them at the same time as the parent
    ("server closed the connection unexpectedly"). `close=False` leaves the parent's connections alone.
    """
    global _held_lock
    for engine in _ENGINES.values():
        engine.dispose(close=False)
    _held_by_thread.clear()  # the parent's threads' connections are not this process's
    _held_lock = threading.Lock()  # it may have been held by a parent thread at the fork


os.register_at_fork(after_in_child=_forget_inherited_pools)


def dispose_engines() -> None:
    """Dispose every pooled connection (before a worker forks, or between tests)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


def checked_out_connections() -> int:
    """How many pooled connections are out of their pool right now, over every engine of this process."""
    return sum(getattr(engine.pool, "checkedout", lambda: 0)() for engine in _ENGINES.values())


def connections_held_by_this_thread() -> int:
    """How many pooled connections the calling thread took out and has not given back.

    A job worker checks it between jobs: anything above 0 is a session or connection the job (run
    on this thread) never closed. Background threads (the outbox heartbeat, metrics) are not counted:
    one of them querying at that moment is not a leak.
    """
    with _held_lock:
        return _held_by_thread.get(threading.get_ident(), 0)


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
