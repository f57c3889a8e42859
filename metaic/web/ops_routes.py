"""Operations endpoints: liveness, readiness and Prometheus metrics (none of them in the public API docs)."""

from __future__ import annotations

import hmac
import logging

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from rq import Queue

from metaic.admin.readiness import is_ready, readiness, status
from metaic.config import get_settings
from metaic.core import kv, metrics
from metaic.core.net import client_address, is_trusted_peer
from metaic.db import checked_out_connections
from metaic.jobs import outbox_store
from metaic.jobs.policy import QUEUES
from metaic.jobs.queue import rq_connection
from metaic.web.card_cache import cache

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)


@router.get("/livez")
@router.get("/healthz")
def livez() -> dict:
    """Liveness: the process answers (restart it when this fails); a known Redis outage is named, not probed."""
    if kv.outage():
        return {"status": "ok", "redis": "degraded"}
    return {"status": "ok"}


@router.get("/readyz")
def readyz() -> JSONResponse:
    """Readiness: 200 when the database answers at the migration head, else 503; Redis down is `degraded`, still 200.

    Why Redis does not take pods out: metaic/admin/readiness.py."""
    checks = readiness()
    ready = is_ready(checks)
    return JSONResponse({"status": status(checks), "checks": checks}, status_code=200 if ready else 503)


def _may_scrape(request: Request) -> bool:
    """Allowed addresses (METRICS_ALLOWED), or the METRICS_TOKEN as a bearer token."""
    settings = get_settings()
    given = request.headers.get("authorization", "")
    if settings.metrics_token and hmac.compare_digest(given.encode(), f"Bearer {settings.metrics_token}".encode()):
        return True
    peer = request.client.host if request.client else ""
    address = client_address(peer, request.headers, settings.trusted_proxies)
    return bool(settings.metrics_allowed.strip()) and is_trusted_peer(address, settings.metrics_allowed)


def _queue_depths():
    """Jobs waiting per queue (Redis queues only; the in-process fallback has none to report)."""
    url = get_settings().redis_url
    if not url or kv.usable_redis() is None:
        return []
    try:
        connection = rq_connection(url)
        return [
            (
                "metaic_queue_depth",
                "Jobs waiting per queue",
                {"queue": name},
                float(Queue(name, connection=connection).count),
            )
            for name in QUEUES
        ]
    except Exception as exc:
        log.warning("queue depth not collected: %s", type(exc).__name__)
        return []


def _outbox_depth():
    """Jobs held in the database outbox (queued in-process while Redis was down; with REDIS_URL only)."""
    if not get_settings().redis_url:
        return []
    try:
        held = outbox_store.depth()
    except Exception as exc:
        log.warning("job outbox depth not collected: %s", type(exc).__name__)
        return []
    return [("metaic_job_outbox_depth", "Jobs queued in-process during a Redis outage, not done yet", {}, float(held))]


def _process_gauges():
    """This process's database pool use and public card cache size."""
    return [
        (
            "metaic_db_connections_in_use",
            "Pooled connections checked out in the scraped process",
            {},
            checked_out_connections(),
        ),
        ("metaic_public_card_cache_entries", "Cards in the scraped process's cache", {}, float(len(cache))),
    ]


@router.get("/metrics")
def metrics_endpoint(request: Request) -> Response:
    """Prometheus text exposition, for allowed scrapers only (404 to anyone else: nothing to find here)."""
    if not _may_scrape(request):
        return JSONResponse({"detail": "Not Found"}, status_code=404)
    return Response(metrics.render([_queue_depths, _outbox_depth, _process_gauges]), media_type=metrics.CONTENT_TYPE)
