"""The admin overview: account figures, delivery counts and the health of every dependency (admins only).

Each health line says what is wrong and what to do about it, so whoever is on call can act from the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, func, select

from metaic.adapters.clamd import get_scanner
from metaic.admin.readiness import readiness
from metaic.auth.models import ROLE_ADMIN, User
from metaic.auth.service import require_admin
from metaic.config import get_settings
from metaic.core import clock
from metaic.files.models import SCAN_PENDING, File
from metaic.jobs import monitor
from metaic.jobs.models import JobOutbox
from metaic.notifications.models import FAILED, NotificationDelivery
from metaic.search.backend import INDEXES
from metaic.search.engine import get_backend

OK, WARN, FAIL = "ok", "warn", "fail"
QUEUE_BACKLOG = 500


@dataclass(frozen=True)
class Health:
    """One dependency: its state, what was seen, and what to do when it is not ok."""

    name: str
    status: str
    value: str
    fix: str = ""


def figures(*, session: Session, actor: User | None, days: int = 30) -> dict:
    """Accounts (all, suspended, admins), storage used, and notification deliveries by channel and status."""
    require_admin(actor)
    count = select(func.count()).select_from(User)
    since = clock.now() - timedelta(days=days)
    deliveries = session.exec(
        select(NotificationDelivery.channel, NotificationDelivery.status, func.count())
        .where(NotificationDelivery.created_at >= since)
        .group_by(NotificationDelivery.channel, NotificationDelivery.status)
    ).all()
    return {
        "accounts": int(session.exec(count).one()),
        "suspended": int(session.exec(count.where(User.is_active.is_(False))).one()),
        "admins": int(session.exec(count.where(User.role == ROLE_ADMIN)).one()),
        "storage_bytes": int(session.exec(select(func.coalesce(func.sum(File.total_bytes), 0))).one()),
        "deliveries": sorted((channel, status, int(n)) for channel, status, n in deliveries),
    }


def health(*, session: Session, actor: User | None) -> list[Health]:
    """Database, migrations, Redis, workers, queues, search indexes and outgoing messages, each with a fix."""
    require_admin(actor)
    ready = readiness()
    return [
        _database(ready),
        _migrations(ready),
        _redis(ready),
        *_jobs(),
        *_job_outbox(session),
        _virus_scanner(session),
        _search(),
        _deliveries(session),
    ]


def _database(ready: dict[str, str]) -> Health:
    """The database answers."""
    state = ready.get("database", "unknown")
    fix = "Check DATABASE_URL and that the server runs; `python -m metaic check` shows the driver's error."
    return Health("Database", OK if state == "ok" else FAIL, "Connected" if state == "ok" else state, fix)


def _migrations(ready: dict[str, str]) -> Health:
    """The schema is at the newest migration."""
    state = ready.get("migrations", "unknown")
    fix = "Run `python -m metaic migrate` (the Helm chart's pre-upgrade hook does it on deploy)."
    return Health("Migrations", OK if state == "ok" else FAIL, "At head" if state == "ok" else state, fix)


def _redis(ready: dict[str, str]) -> Health:
    """Redis answers when configured."""
    if "redis" not in ready:
        return Health("Redis", OK, "Not configured: jobs run inside the app process")
    state = ready["redis"]
    fix = "Check REDIS_URL and the Redis server; sessions, caches and jobs need it when it is set."
    return Health("Redis", OK if state == "ok" else FAIL, "PING answered" if state == "ok" else state, fix)


def _jobs() -> list[Health]:
    """Workers running, and how much waits or failed in the queues."""
    if monitor.backend() != "redis":
        return [Health("Workers and queues", OK, "In-process: jobs run beside the app")]
    try:
        workers, stats = monitor.worker_count(), monitor.queue_stats()
    except Exception as exc:  # Redis went away between the checks; the Redis line says more
        return [Health("Workers and queues", FAIL, f"unreadable: {type(exc).__name__}", "See the Redis line.")]
    queued = sum(q["queued"] for q in stats)
    failed = sum(q["failed"] for q in stats)
    start = "Start workers: `python -m metaic worker` (or scale the worker Deployment)."
    worker_line = Health("Workers", OK if workers else FAIL, f"{workers} running", start)
    status = FAIL if queued and not workers else (WARN if queued > QUEUE_BACKLOG or failed else OK)
    fix = "Add workers if the backlog grows; open Jobs to retry or delete failed ones."
    return [worker_line, Health("Queue depth", status, f"{queued} waiting · {failed} failed", fix)]


def _job_outbox(session: Session) -> list[Health]:
    """Jobs queued in-process during a Redis outage and not done yet (with Redis configured only)."""
    if monitor.backend() != "redis":
        return []
    held = int(session.exec(select(func.count()).select_from(JobOutbox)).one())
    fix = (
        "They run in the app processes that queued them; a stopped process's jobs are taken over within "
        "about two minutes (into RQ once Redis answers). If the count stays, look for 'outbox' in the app logs."
    )
    value = f"{held} held by app processes (queued while Redis was down)" if held else "Empty"
    return [Health("Job outbox", WARN if held else OK, value, fix)]


def _virus_scanner(session: Session) -> Health:
    """clamd answers when uploads are scanned, and how many uploads wait for it."""
    scanner = get_scanner()
    if scanner is None:
        return Health("Virus scanner", OK, "Off (VIRUS_SCANNER=none): uploads are served once checked as images")
    held = int(session.exec(select(func.count()).select_from(File).where(File.scan_status == SCAN_PENDING)).one())
    settings = get_settings()
    where = f"clamd at {settings.clamd_host}:{settings.clamd_port}"
    waiting = f" · {held} upload{'s' if held != 1 else ''} held for scanning"
    if not scanner.ping():
        fix = (
            "Uploads stay held (never served, never lost) and are retried with backoff. Start clamd, check "
            "CLAMD_HOST/CLAMD_PORT, or set VIRUS_SCANNER=none to release them unscanned."
        )
        return Health("Virus scanner", FAIL, f"{where} does not answer{waiting}", fix)
    return Health("Virus scanner", OK, f"{where} answers{waiting}")


def _search() -> Health:
    """Every search index exists and reads."""
    try:
        backend = get_backend()
        broken = [index for index in INDEXES if not backend.status(index)["readable"]]
    except Exception as exc:
        broken = [f"all ({type(exc).__name__})"]
    fix = "Run `python -m metaic search reindex` (upkeep also queues a rebuild); searches use the database meanwhile."
    if broken:
        return Health("Search index", WARN, f"Not readable: {', '.join(broken)}", fix)
    return Health("Search index", OK, f"{len(INDEXES)} indexes readable")


def _deliveries(session: Session) -> Health:
    """Outgoing email/SMS/push: the configured providers and failures in the last 24 hours."""
    settings = get_settings()
    since = clock.now() - timedelta(hours=24)
    failed = session.exec(
        select(func.count())
        .select_from(NotificationDelivery)
        .where(NotificationDelivery.status == FAILED, NotificationDelivery.updated_at >= since)
    ).one()
    value = f"Email: {settings.email_backend} · SMS: {settings.sms_backend} · {failed} failed in 24 h"
    if settings.is_production and settings.email_backend == "outbox":
        fix = "Email goes to the local outbox folder: set EMAIL_BACKEND=smtp or sendgrid."
        return Health("Outbox and providers", WARN, value, fix)
    fix = "Open a failed delivery's error; check the provider's credentials and status page."
    return Health("Outbox and providers", WARN if failed else OK, value, fix)
