"""Operations endpoints: liveness, readiness and Prometheus metrics (none of them in the public API docs)."""

from __future__ import annotations

import hmac
import logging

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from rq import Queue

from metaic.admin.readiness import readiness
from metaic.config import get_settings
from metaic.core import kv, metrics
from metaic.core.net import client_address, is_trusted_peer
from metaic.db import checked_out_connections
from metaic.jobs.policy import QUEUES
from metaic.jobs.queue import rq_connection
from metaic.web.card_cache import cache

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)


@router.get("/livez")
@router.get("/healthz")
def livez() -> dict:
    """Liveness: the process answers (restart it when this fails)."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz() -> JSONResponse:
    """Readiness: 200 when the database (at the migration head) and Redis, if configured, answer; else 503."""
    checks = readiness()
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status_code=200 if ready else 503
    )


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
    return Response(metrics.render([_queue_depths, _process_gauges]), media_type=metrics.CONTENT_TYPE)
