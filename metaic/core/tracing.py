"""OpenTelemetry tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set: a span per HTTP request and per job.

Optional: the SDK and the OTLP/HTTP exporter come from requirements-otel.txt. Without the setting (or
the packages) `span` costs one dictionary lookup and yields None. Spans carry the route template (never
the raw path, which may hold tokens), the method, the status, the queue and the request id, which joins a
trace to its log lines and to the jobs the request enqueued. Cached public cards are answered before the
middleware that opens spans (web/fastpath.py) and are not traced.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from metaic.core.request_context import current_request_id

log = logging.getLogger(__name__)
_state: dict[str, Any] = {"tracer": None, "provider": None}


def setup(settings) -> bool:
    """Start exporting spans when OTEL_EXPORTER_OTLP_ENDPOINT is set (idempotent); True when tracing."""
    if not settings.otel_endpoint or _state["tracer"] is not None:
        return _state["tracer"] is not None
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        log.warning("OTEL_EXPORTER_OTLP_ENDPOINT is set but requirements-otel.txt is not installed: no tracing")
        return False
    provider = TracerProvider(resource=Resource.create({"service.name": settings.otel_service_name}))
    endpoint = settings.otel_endpoint.rstrip("/") + "/v1/traces"
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint, timeout=5)))
    _state["provider"], _state["tracer"] = provider, provider.get_tracer("metaic")
    return True


@contextlib.contextmanager
def span(name: str, *, kind: str = "server", **attributes: str | int) -> Iterator[Any]:
    """A span around a block (None when tracing is off); an escaping error is recorded on it."""
    tracer = _state["tracer"]
    if tracer is None:
        yield None
        return
    from opentelemetry.trace import SpanKind

    kinds = {"server": SpanKind.SERVER, "consumer": SpanKind.CONSUMER, "internal": SpanKind.INTERNAL}
    with tracer.start_as_current_span(name, kind=kinds[kind]) as current:
        current.set_attribute("metaic.request_id", current_request_id() or "")
        for key, value in attributes.items():
            current.set_attribute(key, value)
        yield current


def flush(timeout_ms: int = 5000) -> None:
    """Export the spans still buffered (tests, shutdown)."""
    if _state["provider"] is not None:
        _state["provider"].force_flush(timeout_ms)


def shutdown() -> None:
    """Stop exporting (tests switch tracing off again)."""
    if _state["provider"] is not None:
        _state["provider"].shutdown()
    _state["provider"] = _state["tracer"] = None
