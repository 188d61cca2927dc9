"""The kit app's server spans: one per request, named by route template, continuing the caller's trace."""

from __future__ import annotations

import uuid

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from servicekit.app import create_app
from servicekit.settings import BaseServiceSettings
from servicekit.telemetry import setup_tracing

CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"
PRIVATE = "Aminata Traoré +22370000000"


@pytest.fixture(scope="module")
def exporter() -> InMemorySpanExporter:
    """Spans of this process land here (the provider is process-wide: other tests' spans are filtered out)."""
    exporter = InMemorySpanExporter()
    setup_tracing("kit-spans-test", processor=SimpleSpanProcessor(exporter))
    return exporter


@pytest.fixture
def prefix() -> str:
    """A route prefix of this test alone, so its spans are told from any other test's."""
    return f"/spans{uuid.uuid4().hex[:8]}"


def client_for(prefix: str) -> TestClient:
    router = APIRouter(prefix=prefix)

    @router.post("/things/{thing_id}", status_code=201)
    async def record(thing_id: str) -> dict[str, str]:
        return {"id": thing_id}

    @router.get("/broken")
    async def broken() -> None:
        raise RuntimeError(f"failed for {PRIVATE}")

    app = create_app(settings=BaseServiceSettings(service_name="kit"), title="kit", description="kit",
                     routers=[router])
    return TestClient(app, raise_server_exceptions=False)


def spans_of(exporter: InMemorySpanExporter, prefix: str) -> list:
    return [s for s in exporter.get_finished_spans() if (s.attributes or {}).get("http.route", "").startswith(prefix)]


def test_a_request_is_one_server_span_named_by_its_route_in_the_callers_trace(exporter, prefix):
    response = client_for(prefix).post(f"{prefix}/things/victim-123?q={PRIVATE}",
                                       headers={"traceparent": f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"})
    assert response.status_code == 201
    [span] = spans_of(exporter, prefix)
    assert span.kind == SpanKind.SERVER
    assert span.name == f"POST {prefix}/things/{{thing_id}}"
    assert format(span.context.trace_id, "032x") == CALLER_TRACE
    assert span.parent is not None and format(span.parent.span_id, "016x") == CALLER_SPAN
    assert dict(span.attributes) == {"http.request.method": "POST", "http.route": f"{prefix}/things/{{thing_id}}",
                                     "http.response.status_code": 201}
    assert span.status.status_code == StatusCode.UNSET


def test_a_request_without_trace_headers_starts_a_trace(exporter, prefix):
    assert client_for(prefix).post(f"{prefix}/things/t-1").status_code == 201
    [span] = spans_of(exporter, prefix)
    assert span.parent is None


def test_a_failure_is_an_error_span_with_the_exception_type_only(exporter, prefix):
    assert client_for(prefix).get(f"{prefix}/broken").status_code == 500
    [span] = spans_of(exporter, prefix)
    assert span.status.status_code == StatusCode.ERROR
    assert span.attributes["error.type"] == "RuntimeError"
    assert not span.events, "an exception event would carry the message, which can quote the input"
    assert PRIVATE not in span.to_json()


def test_health_probes_are_not_traced(exporter, prefix):
    client = client_for(prefix)
    before = len(exporter.get_finished_spans())
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/metrics").status_code == 200
    names = [s.name for s in exporter.get_finished_spans()[before:]]
    assert names == ["GET /metrics"]
