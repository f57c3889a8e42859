"""Taking over the job outbox rows of app processes that are gone (an upkeep task of every process).

A row whose holder has not refreshed it for LEASE_SECONDS belongs to a process that died (deploy, crash,
OOM) before its job ran. With Redis answering, the row is deleted and its job enqueued into RQ in one
step (same options as any job; a delayed one is scheduled at its `run_at`); with Redis still down, this
process claims the row and runs the job on its own in-process worker, holding the lease from then on.

Claims are conditional writes (`DELETE` / `UPDATE ... WHERE claimed_at < cutoff`), so when several
processes look at the same row at once exactly one gets it. The RQ job takes the row's id: should the
row's deletion fail after the enqueue, the next takeover finds that job in Redis and only deletes the row.

A live process hands its own waiting jobs back the same way once Redis answers again (`hand_back`, an
upkeep task): each job not started yet is withdrawn from the in-process worker first (so it cannot start
here any more), its row given up, and the row then taken into RQ like an abandoned one. A job already
running here finishes here; a failure halfway leaves the row to the next takeover, never to two runners.
"""

from __future__ import annotations

import logging
import pickle
from datetime import datetime, timedelta
from functools import partial

import sqlalchemy as sa
from rq.job import Job
from rq.utils import import_attribute

from metaic.config import get_settings
from metaic.core import kv
from metaic.db import session_scope
from metaic.jobs import outbox_store
from metaic.jobs.local import LocalJob, LocalWorker, current_worker, local_worker
from metaic.jobs.models import JobOutbox
from metaic.jobs.queue import rq_connection, submit_rq

log = logging.getLogger(__name__)

TAKE_AT_MOST = 100  # rows per run; the next run (30 s later) takes the rest


def take_over(limit: int = TAKE_AT_MOST) -> int:
    """Take the rows of gone holders: into RQ when Redis answers, else run here. Returns how many this process took."""
    cutoff = outbox_store.now() - timedelta(seconds=outbox_store.LEASE_SECONDS)
    with session_scope() as session:
        row_ids = session.execute(
            sa.select(JobOutbox.id).where(JobOutbox.claimed_at < cutoff).order_by(JobOutbox.created_at).limit(limit)
        ).scalars()
        row_ids = list(row_ids)
    taken = 0
    for row_id in row_ids:
        try:
            taken += _take(row_id, cutoff)
        except Exception:
            log.exception("could not take over outbox job %s; it stays in the outbox for the next try", row_id)
    if taken:
        log.warning("took over %d background job(s) left by a stopped process", taken)
    return taken


def hand_back() -> int:
    """Once Redis answers again, move the jobs waiting on this process's in-process worker into RQ; how many."""
    worker = current_worker()
    if not get_settings().redis_url or worker is None:
        return 0
    waiting = [job.id for job in worker.pending() if job.outbox_id]
    if not waiting or not _redis_answers():
        return 0
    handed = 0
    for job_id in waiting:
        job = worker.withdraw(job_id)  # None: it started meanwhile, and finishes here
        if job is not None:
            handed += _hand_back(worker, job)
    if handed:
        log.warning("Redis is back: handed %d background job(s) waiting in this process over to RQ", handed)
    return handed


def _redis_answers() -> bool:
    """True when Redis answers a PING now (an outage noticed within the last few seconds counts as down)."""
    client = kv.usable_redis()
    if client is None:
        return False
    try:
        client.ping()
    except kv.REDIS_DOWN as exc:
        kv.mark_down(exc)
        return False
    kv.mark_up()
    return True


def _hand_back(worker: LocalWorker, job: LocalJob) -> int:
    """Give up the withdrawn job's row and take it into RQ as an abandoned one; 1 when this process moved it."""
    row_id = job.outbox_id
    try:
        ours = outbox_store.give_up(row_id)
    except Exception as exc:  # the database is away: nothing changed, the job runs here as before
        log.warning("could not hand job %s back to RQ (%s); it runs here", row_id, type(exc).__name__)
        worker.put_back(job)
        return 0
    worker.moved(job)
    if not ours:  # another process took the row over meanwhile: the job is its to run
        return 0
    try:
        return _take(row_id, outbox_store.now())
    except Exception:
        log.exception("could not move job %s into RQ; it stays in the outbox for the next takeover", row_id)
        return 0


def _take(row_id: str, cutoff: datetime) -> int:
    """Take one row: to RQ when Redis is configured and answers, else into this process; 0 if another took it."""
    url = get_settings().redis_url
    if url and kv.usable_redis() is not None:
        try:
            moved = _to_rq(url, row_id, cutoff)
        except kv.REDIS_DOWN as exc:
            kv.mark_down(exc)
        else:
            kv.mark_up()
            return moved
    return _run_here(row_id, cutoff)


def _to_rq(url: str, row_id: str, cutoff: datetime) -> int:
    """Delete the row and enqueue its job into RQ in one transaction (a Redis error rolls the delete back)."""
    table = JobOutbox.__table__
    with session_scope() as session:
        row = session.execute(
            sa.delete(table).where(table.c.id == row_id, table.c.claimed_at < cutoff).returning(*table.c)
        ).first()
        if row is None:
            return 0
        connection = rq_connection(url)
        if Job.exists(row.id, connection=connection):
            return 1  # handed over before, but the row's deletion did not commit then
        args, kwargs = pickle.loads(row.payload)  # noqa: S301 (our own rows, as RQ unpickles its own jobs)
        run_at = outbox_store.aware(row.run_at)
        submit_rq(
            url,
            row.func,
            args,
            kwargs,
            (run_at - outbox_store.now()).total_seconds() if run_at else 0.0,
            row.title,
            row.queue,
            list(row.ids),
            list(row.intervals),
            row.retries_left,
            row.job_timeout,
            job_id=row.id,
            request_id=row.request_id,
        )
        return 1


def _run_here(row_id: str, cutoff: datetime) -> int:
    """Claim the row for this process and queue its job on the in-process worker (at its run_at)."""
    table = JobOutbox.__table__
    claimed = outbox_store.now()
    with session_scope() as session:
        row = session.execute(
            sa.update(table)
            .where(table.c.id == row_id, table.c.claimed_at < cutoff)
            .values(holder=outbox_store.holder_id(), claimed_at=claimed)
            .returning(*table.c)
        ).first()
    if row is None:
        return 0
    outbox_store.adopted()
    func, args, kwargs = _load(row)
    job = LocalJob(
        title=row.title,
        func=func,
        args=args,
        kwargs=kwargs,
        queue=row.queue,
        ids=list(row.ids),
        intervals=list(row.intervals),
        retries_left=row.retries_left,
        id=row.id,
        request_id=row.request_id,
        outbox_id=row.id,
    )
    run_at = outbox_store.aware(row.run_at)
    local_worker().submit(job, (run_at - claimed).total_seconds() if run_at else 0.0)
    return 1


def _load(row) -> tuple:
    """The row's function and arguments; a job that cannot be loaded fails when run (kept in the failed list)."""
    try:
        args, kwargs = pickle.loads(row.payload)  # noqa: S301 (our own rows)
        return import_attribute(row.func), tuple(args), dict(kwargs)
    except Exception as exc:
        return partial(_unloadable, f"{row.func} could not be loaded: {type(exc).__name__}: {exc}"), (), {}


def _unloadable(message: str) -> None:
    """Stands in for a job whose function or arguments no longer load (renamed in a deploy)."""
    raise ImportError(message)
