"""The rows of the job outbox that this process holds: write, keep alive, release.

When REDIS_URL is set but Redis cannot be reached, `enqueue` runs the job on this process's in-process
worker and first writes a row here, so a deploy, crash or OOM before the job ran loses nothing: another
process takes the row over once this one stops refreshing it (metaic/jobs/outbox.py). The in-process
worker deletes the row when the job finished or finally failed.

Arguments are stored as a pickle of `(args, kwargs)`, the way RQ stores them, not as JSON: the job goes
to RQ (which pickles) or back to a local run, and either must see the very values it was given (a UUID
stays a UUID, a tuple a tuple, a datetime keeps its zone). Any job that can go to RQ can go through the
outbox unchanged, and the data is our own, written by our processes into our database (whoever can write
this table could also write RQ's queue in Redis). The function is stored by import path, as RQ does.
"""

from __future__ import annotations

import logging
import os
import pickle
import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from rq.utils import import_attribute

from metaic.db import session_scope
from metaic.jobs.models import JobOutbox

log = logging.getLogger(__name__)

LEASE_SECONDS = 120  # a holder that has not refreshed its rows for this long is taken for gone
HEARTBEAT_SECONDS = 30  # how often a holder refreshes its rows (a quarter of the lease)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_lock = threading.Lock()
_holder = ""
_unreleased: set[str] = set()  # finished jobs whose row could not be deleted yet (the database was down)
_beat: threading.Thread | None = None
_kept = 0  # rows this process started keeping alive, so the heartbeat does not end while one is new


def now() -> datetime:
    """Wall-clock UTC: leases are about real processes, never the test-shiftable app clock."""
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands timestamps back without a zone: they are stored in UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def holder_id() -> str:
    """This process, as named in `holder`: host, pid and a random token (pids repeat across containers)."""
    global _holder
    if not _holder:
        _holder = f"{socket.gethostname()[:120]}:{os.getpid()}:{os.urandom(4).hex()}"
    return _holder


def func_path(func) -> str | None:
    """The import path RQ would store for `func`, or None when importing it would not give it back."""
    path = f"{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', '')}"
    if "<" in path or path.startswith("."):
        return None
    try:
        return path if import_attribute(path) is func else None
    except Exception:
        return None


def hold(job, *, delay: float, job_timeout: int | None) -> bool:
    """Write the durable copy of a LocalJob about to be queued here; False (logged) when it cannot be kept."""
    path = func_path(job.func)
    try:
        if path is None:
            raise TypeError("the function cannot be imported by name")
        payload = pickle.dumps((tuple(job.args), dict(job.kwargs)), protocol=pickle.HIGHEST_PROTOCOL)
        claimed = now()
        row = JobOutbox(
            id=job.id,
            func=path,
            payload=payload,
            title=job.title,
            queue=job.queue,
            ids=list(job.ids),
            intervals=list(job.intervals),
            retries_left=job.retries_left,
            job_timeout=job_timeout,
            run_at=claimed + timedelta(seconds=delay) if delay > 0 else None,
            request_id=job.request_id,
            holder=holder_id(),
            claimed_at=claimed,
        )
        with session_scope() as session:
            session.add(row)
    except Exception as exc:
        log.warning(
            "background job %r is not kept in the job outbox (%s): it lives in this process only",
            job.title,
            exc,
        )
        return False
    job.outbox_id = job.id
    _keep_alive()
    return True


def still_held(row_id: str) -> bool:
    """Refresh one row just before its job runs; False when another process has taken it over."""
    try:
        return _touch(JobOutbox.id == row_id) == 1
    except Exception as exc:  # the database is away: the job most likely needs it too, run it (it retries)
        log.warning("could not confirm the outbox row of job %s (%s); running it", row_id, type(exc).__name__)
        return True


def note_retry(row_id: str, *, retries_left: int, delay: float) -> None:
    """Record on the row that the job waits for a retry, so a takeover keeps the retries left and the wait."""
    try:
        with session_scope() as session:
            session.execute(
                sa.update(JobOutbox)
                .where(JobOutbox.id == row_id, JobOutbox.holder == holder_id())
                .values(retries_left=retries_left, run_at=now() + timedelta(seconds=delay), claimed_at=now())
                .execution_options(synchronize_session=False)
            )
    except Exception as exc:
        log.warning("could not record the retry of job %s in the outbox: %s", row_id, type(exc).__name__)


def release(row_id: str) -> None:
    """Delete the row of a job that finished or finally failed (kept for the heartbeat to retry if that fails)."""
    try:
        _delete(row_id)
    except Exception as exc:
        log.warning("could not delete the outbox row of job %s (%s); retried shortly", row_id, type(exc).__name__)
        with _lock:
            _unreleased.add(row_id)


def refresh() -> int:
    """Delete rows left from finished jobs, then refresh the claim on every row this process holds."""
    with _lock:
        pending = list(_unreleased)
    for row_id in pending:
        _delete(row_id)
        with _lock:
            _unreleased.discard(row_id)
    return _touch(JobOutbox.holder == holder_id())


def give_up(row_id: str) -> bool:
    """Stop holding one row and leave it as a stopped process would, for a takeover; False when it was not ours.

    The holder is renamed (not just the claim aged) so this process's heartbeat does not claim it again.
    """
    with session_scope() as session:
        result = session.execute(
            sa.update(JobOutbox)
            .where(JobOutbox.id == row_id, JobOutbox.holder == holder_id())
            .values(holder=f"given-up:{holder_id()}"[:200], claimed_at=_EPOCH)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1


def let_go() -> int:
    """On a clean exit: make this process's rows look abandoned, so another process takes them over at once."""
    with session_scope() as session:
        result = session.execute(
            sa.update(JobOutbox)
            .where(JobOutbox.holder == holder_id())
            .values(claimed_at=_EPOCH)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount


def depth() -> int:
    """How many jobs the outbox holds (all processes)."""
    with session_scope() as session:
        return int(session.execute(sa.select(sa.func.count()).select_from(JobOutbox)).scalar_one())


def adopted() -> None:
    """This process has just taken rows over to run them here: keep them alive."""
    _keep_alive()


def _touch(condition) -> int:
    """Set claimed_at to now on this process's rows matching `condition`; returns how many."""
    with session_scope() as session:
        result = session.execute(
            sa.update(JobOutbox)
            .where(condition, JobOutbox.holder == holder_id())
            .values(claimed_at=now())
            .execution_options(synchronize_session=False)
        )
        return result.rowcount


def _delete(row_id: str) -> None:
    """Delete one of this process's rows."""
    with session_scope() as session:
        session.execute(
            sa.delete(JobOutbox)
            .where(JobOutbox.id == row_id, JobOutbox.holder == holder_id())
            .execution_options(synchronize_session=False)
        )


def _keep_alive() -> None:
    """Start the heartbeat thread once this process holds a row (and note a new row for a running one)."""
    global _beat, _kept
    with _lock:
        _kept += 1
        if _beat is None or not _beat.is_alive():
            _beat = threading.Thread(target=_heartbeat, name="metaic-outbox-heartbeat", daemon=True)
            _beat.start()


def _heartbeat() -> None:
    """Refresh this process's rows every HEARTBEAT_SECONDS while it holds any; then the thread ends.

    A process that held rows during an outage does not go on writing to the database every 30 s for the rest
    of its life (a job worker would also count that connection as one a job left out).
    """
    global _beat
    while True:
        with _lock:
            kept = _kept
        time.sleep(HEARTBEAT_SECONDS)
        try:
            touched = refresh()
        except Exception as exc:
            log.warning("could not refresh the job outbox claims: %s", type(exc).__name__)
            continue
        with _lock:
            if touched == 0 and not _unreleased and _kept == kept:  # nothing held and no row written meanwhile
                _beat = None
                return


def _after_fork() -> None:
    """A forked child is another holder: a new name, no rows, no heartbeat."""
    global _holder, _beat, _lock, _unreleased
    _holder, _beat, _lock, _unreleased = "", None, threading.Lock(), set()


os.register_at_fork(after_in_child=_after_fork)
