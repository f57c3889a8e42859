"""Periodic upkeep every app process runs: due notifications, reminders and messages, lost image jobs.

This is composition, not plumbing: it names the domains' job functions, so it sits above them
(beside metaic.py), while the loop that runs the tasks stays in metaic/jobs/periodic.py.
"""

from __future__ import annotations

import asyncio
import logging
import random

from metaic.ai import digest as insights_digest
from metaic.analytics import buffer as analytics_buffer
from metaic.analytics import jobs as analytics_jobs
from metaic.analytics import weekly as weekly_reports
from metaic.auth import sessions
from metaic.communication import jobs as communication_jobs
from metaic.contacts import jobs as contacts_jobs
from metaic.db import get_engine, session_scope
from metaic.files import service as file_service
from metaic.idempotency import service as idempotency_service
from metaic.jobs import outbox as job_outbox
from metaic.jobs.periodic import Periodic, periodic_loop
from metaic.notifications import jobs as notification_jobs
from metaic.search import repair as search_repair
from metaic.webhooks import jobs as webhook_jobs

log = logging.getLogger(__name__)

# Every app process writes its buffered visitor events this often, give or take half of it at random: at times
# of their own, processes do not all stall their requests at once. On PostgreSQL (several processes, COPY)
# half-second batches beat two-second ones in step (public card p99 40-108 -> 30-43 ms); SQLite (one process,
# one writer) served fewer pages with them (7,102 req/s against 8,931-10,065 at 2 s), so it keeps two seconds.
ANALYTICS_FLUSH_SECONDS = {"postgresql": 0.5, "sqlite": 2.0}


def _requeue_stuck_images() -> int:
    """Queue image variants again for uploads whose job was lost."""
    with session_scope() as session:
        return file_service.requeue_stuck(session=session)


def _scan_held_uploads() -> int:
    """Queue the virus scan of held uploads whose next try is due (the scanner was down, or a job was lost)."""
    with session_scope() as session:
        return file_service.scan_due(session=session)


def _purge_ended_sessions() -> int:
    """Delete sign-in sessions that expired or were revoked (they live in the database)."""
    with session_scope() as session:
        return sessions.purge_ended(session=session)


def _purge_idempotency_keys() -> int:
    """Delete stored answers of Idempotency-Keys older than a day."""
    with session_scope() as session:
        return idempotency_service.purge_expired(session=session)


def tasks() -> list[Periodic]:
    """A fresh schedule of the upkeep tasks (each loop keeps its own next-run times)."""
    return [
        # First, so a restart picks up at once what a stopped process left in the job outbox during a Redis outage.
        Periodic("take over outbox jobs of stopped processes", job_outbox.take_over, every=30),
        # Jobs waiting in this process since Redis went down go to the workers once it answers again.
        Periodic("hand jobs held here back to RQ", job_outbox.hand_back, every=15),
        Periodic("deliver due notifications", notification_jobs.deliver_due, every=60),
        Periodic("fire contact reminders", contacts_jobs.fire_due, every=60),
        # A restart loses in-process timers: scheduled messages are found again here.
        Periodic("deliver due messages", communication_jobs.deliver_due, every=60),
        Periodic("requeue stuck image jobs", _requeue_stuck_images, every=900),
        Periodic("scan held uploads", _scan_held_uploads, every=30),
        # A missing or unreadable search index is rebuilt in the background (searches use the database meanwhile).
        Periodic("repair search indexes", search_repair.check, every=300),
        Periodic("retry due webhook deliveries", webhook_jobs.deliver_due, every=60),
        Periodic("send card views to webhooks", webhook_jobs.batch_card_views, every=300),
        Periodic("send weekly analytics reports", weekly_reports.send_due, every=900),
        Periodic("make weekly insights digests", insights_digest.send_due, every=900),
        # Finished days into daily rollups; partitions ahead, raw-event retention and old salts.
        Periodic("roll up analytics", analytics_jobs.roll_up, every=600),
        Periodic("analytics upkeep", analytics_jobs.maintain, every=3600),
        Periodic("purge ended sign-in sessions", _purge_ended_sessions, every=3600),
        Periodic("purge expired idempotency keys", _purge_idempotency_keys, every=3600),
    ]


def analytics_flush_seconds() -> float:
    """How often this process writes its buffered visitor events, for its database."""
    return ANALYTICS_FLUSH_SECONDS.get(get_engine().dialect.name, 2.0)


async def analytics_flush_loop(every: float | None = None) -> None:
    """Lifespan task: write the visitor events buffered by the public pages every `every` seconds (+-50%;
    default: analytics_flush_seconds()).

    A crash loses at most the last seconds of counts; a clean shutdown flushes once more.
    """
    every = every or analytics_flush_seconds()
    try:
        while True:
            await asyncio.sleep(every * random.uniform(0.5, 1.5))
            await asyncio.to_thread(_flush_analytics)
    finally:
        _flush_analytics()


def _flush_analytics() -> None:
    """Flush the event buffer; a failure is logged and the events stay buffered for the next try."""
    try:
        analytics_buffer.flush()
    except Exception:
        log.exception("analytics flush failed; the events stay buffered and are retried")


async def upkeep_loop() -> None:
    """Lifespan task of the app: run the upkeep tasks on their schedule for as long as the process lives."""
    await periodic_loop(tasks())
