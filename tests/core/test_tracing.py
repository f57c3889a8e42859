"""OTEL_EXPORTER_OTLP_ENDPOINT: a span per request (named by route template) and per job, with the request id."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from metaic.api.app import build_api
from metaic.config import get_settings
from metaic.core import tracing
from metaic.core.request_context import request_id_scope
from metaic.jobs.queue import drain_local, enqueue
from metaic.web.observe import RequestObserver
from tests.support.capture_http import Captured, capture_server


def _spans(captured: Captured) -> list[tuple[str, dict]]:
    """(name, attributes) of every span exported so far."""
    found = []
    for path, headers, body in captured.posts:
        assert path == "/v1/traces" and headers["content-type"] == "application/x-protobuf"
        request = ExportTraceServiceRequest.FromString(body)
        for resource in request.resource_spans:
            for scope in resource.scope_spans:
                for span in scope.spans:
                    values = {a.key: a.value.string_value or a.value.int_value for a in span.attributes}
                    found.append((span.name, values))
    return found


@pytest.fixture
def collector(sqlite_db, monkeypatch) -> Iterator[Captured]:
    """Tracing on, exporting to a local OTLP/HTTP receiver."""
    with capture_server() as (base, captured):
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", base)
        get_settings.cache_clear()
        assert tracing.setup(get_settings())
        yield captured
        tracing.shutdown()


def traced_job(n: int) -> int:
    """A job to be traced."""
    return n + 1


def test_a_request_span_is_named_by_its_route_and_carries_the_request_id(collector):
    client = TestClient(RequestObserver(build_api()), raise_server_exceptions=False)
    response = client.get("/api/v1/contacts/7b0c6f8e-1111-2222-3333-444455556666")
    tracing.flush()
    collector.wait(1)
    spans = dict(_spans(collector))
    attributes = spans["GET /api/v1/contacts/{contact_id}"]
    assert attributes["metaic.request_id"] == response.headers["x-request-id"]
    assert attributes["http.response.status_code"] == response.status_code == 401
    assert not [name for name in spans if "7b0c6f8e" in name]  # never the raw path


def test_a_job_span_carries_the_enqueuing_request_id(collector):
    with request_id_scope("req-trace-9"):
        enqueue(traced_job, 1, title="a traced job")
    drain_local()
    tracing.flush()
    collector.wait(1)
    spans = dict(_spans(collector))
    assert spans["job tests.core.test_tracing.traced_job"]["metaic.request_id"] == "req-trace-9"


def test_without_an_endpoint_spans_cost_nothing(sqlite_db):
    assert not tracing.setup(get_settings())
    with tracing.span("nothing") as span:
        assert span is None
