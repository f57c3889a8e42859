"""Request ids, per-route metrics, and the liveness, readiness and /metrics endpoints."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from metaic.admin.checks import head_revisions
from metaic.api.app import build_api
from metaic.config import get_settings
from metaic.db import get_engine
from metaic.web.card_cache import cache
from metaic.web.observe import RequestObserver, route_label, sync_process_counters


def _client(address: str = "203.0.113.9") -> TestClient:
    """The API behind the observer, as seen from `address`."""
    return TestClient(RequestObserver(build_api()), raise_server_exceptions=False, client=(address, 40000))


def _sample(text: str, name: str, **labels: str) -> float:
    """One sample's value from the Prometheus text (0 when absent)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    match = re.search(rf"^{re.escape(name)}\{{{re.escape(wanted)}\}} (\S+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def test_every_answer_has_a_request_id_and_a_forged_one_is_ignored(sqlite_db):
    client = _client()
    first, second = client.get("/livez"), client.get("/livez", headers={"X-Request-ID": "forged-by-client"})
    assert first.headers["x-request-id"] and first.headers["x-request-id"] != second.headers["x-request-id"]
    assert second.headers["x-request-id"] != "forged-by-client"


def test_a_trusted_proxys_request_id_is_kept_when_safe(sqlite_db, monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8")
    get_settings.cache_clear()
    client = _client("10.1.2.3")
    assert client.get("/livez", headers={"X-Request-ID": "edge-7f3a"}).headers["x-request-id"] == "edge-7f3a"
    unsafe = client.get("/livez", headers={"X-Request-ID": "bad id\twith spaces"}).headers["x-request-id"]
    assert unsafe != "bad id\twith spaces" and " " not in unsafe


def test_metrics_are_only_for_allowed_scrapers(sqlite_db, monkeypatch):
    assert _client("203.0.113.9").get("/metrics").status_code == 404
    assert _client("127.0.0.1").get("/metrics").status_code == 200
    monkeypatch.setenv("METRICS_TOKEN", "scrape-token-0123456789")
    get_settings.cache_clear()
    outsider = _client("203.0.113.9")
    assert outsider.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    allowed = outsider.get("/metrics", headers={"Authorization": "Bearer scrape-token-0123456789"})
    assert allowed.status_code == 200 and allowed.headers["content-type"].startswith("text/plain")


def test_requests_are_counted_per_route_template_not_per_path(sqlite_db):
    client = _client("127.0.0.1")
    before = client.get("/metrics").text
    route = "/api/v1/contacts/{contact_id}"
    for _ in range(3):
        client.get("/api/v1/contacts/0b7c3bb4-9f3e-4b7e-9d1e-2f0f6c1c9a11")
    after = client.get("/metrics").text
    counted = _sample(after, "metaic_http_requests_total", route=route, method="GET", status="401")
    assert counted - _sample(before, "metaic_http_requests_total", route=route, method="GET", status="401") == 3
    assert "0b7c3bb4" not in after
    assert _sample(after, "metaic_http_request_duration_seconds_count", route=route, method="GET") >= 3
    assert "metaic_db_connections_in_use" in after and "metaic_public_card_cache_entries" in after


def test_paths_outside_the_api_get_a_small_fixed_set_of_labels():
    labels = {
        "/c/ada": "/c/{slug}",
        "/c/ada.vcf": "/c/{slug}.vcf",
        "/c/ada/qr.svg": "/c/{slug}/qr.svg",
        "/c/ada/l/3": "/c/{slug}/...",
        "/_event/": "/_event",
        "/_next/static/chunks/app.js": "static",
        "/contacts": "page",
    }
    assert {path: route_label({"path": path}) for path in labels} == labels


def test_card_cache_hits_reach_the_metrics_without_touching_the_hot_path(sqlite_db):
    client = _client("127.0.0.1")
    sync_process_counters()  # what earlier tests in this process left is counted first
    before = _sample(client.get("/metrics").text, "metaic_public_card_cache_total", result="hit")
    cache.hits += 5
    sync_process_counters()
    sync_process_counters()  # a second sync adds nothing new
    after = _sample(client.get("/metrics").text, "metaic_public_card_cache_total", result="hit")
    assert after - before == 5


def test_ready_means_database_reachable_and_migrated(sqlite_db):
    client = _client()
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok", "migrations": "ok"}
    with get_engine().begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        behind = client.get("/readyz")
        assert behind.status_code == 503 and behind.json()["checks"]["migrations"].startswith("not at head")
    finally:
        with get_engine().begin() as connection:
            heads = sorted(head_revisions())
            connection.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": heads[0]})


def test_an_unreachable_redis_is_reported_degraded_but_the_pod_stays_ready(sqlite_db, monkeypatch):
    """Every pod shares one Redis: an outage must not take them all out while they still serve."""
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    get_settings.cache_clear()
    answer = _client().get("/readyz")
    assert answer.status_code == 200 and answer.json()["status"] == "degraded"
    assert answer.json()["checks"]["redis"].startswith("unreachable")


@pytest.mark.parametrize("path", ["/livez", "/healthz"])
def test_liveness_answers_without_touching_the_database(path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    get_settings.cache_clear()
    assert _client().get(path).json() == {"status": "ok"}


def test_a_database_ahead_of_this_build_is_ready_during_a_rolling_update(sqlite_db):
    from metaic.admin.readiness import schema_state

    assert schema_state(set(head_revisions())) == "ok"
    assert schema_state({"0099_from_the_next_release"}) == "ok"  # the new release migrated first
    assert schema_state({"0001"}).startswith("not at head")
    assert schema_state(set()).startswith("not at head")


def test_liveness_names_a_known_redis_outage_without_probing_it(monkeypatch):
    """/healthz says `degraded` once a Redis command failed, and forgets it when one succeeds again."""
    from metaic.core import kv

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    get_settings.cache_clear()
    kv.reset()
    assert _client().get("/healthz").json() == {"status": "ok"}
    kv.mark_down(ConnectionError("refused"))
    try:
        assert _client().get("/healthz").json() == {"status": "ok", "redis": "degraded"}
        kv.mark_up()
        assert _client().get("/healthz").json() == {"status": "ok"}
    finally:
        kv.reset()
