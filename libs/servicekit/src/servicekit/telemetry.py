"""OpenTelemetry wiring: one tracer provider per process, trace context carried in Kafka headers."""

from __future__ import annotations

import os
from collections.abc import Mapping

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

_propagator = TraceContextTextMapPropagator()
_instrumented_pymongo = False


def setup_tracing(service_name: str, exporter: SpanExporter | None = None,
                  processor: SpanProcessor | None = None) -> TracerProvider:
    """Install the process-wide tracer provider once; later calls add span processors to it."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        # OTEL_SERVICE_NAME wins over the code's name; the sampler comes from OTEL_TRACES_SAMPLER(_ARG).
        name = os.environ.get("OTEL_SERVICE_NAME") or service_name
        provider = TracerProvider(resource=Resource.create({"service.name": name}))
        trace.set_tracer_provider(provider)
    if processor is not None:
        provider.add_span_processor(processor)
    elif exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def console_exporter() -> SpanExporter:
    """Span exporter for development runs (spans carry ids and names, never PII)."""
    return ConsoleSpanExporter()


def otlp_exporter(environ: Mapping[str, str] | None = None) -> SpanExporter | None:
    """The OTLP (http/protobuf) exporter when the standard `OTEL_*` variables ask for one; None by default.

    The exporter itself reads the endpoint (`/v1/traces` is appended), the headers, the timeout and
    the certificate from `OTEL_EXPORTER_OTLP_*`; nothing is exported unless an endpoint is set.
    """
    env = os.environ if environ is None else environ
    endpoint = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    disabled = env.get("OTEL_SDK_DISABLED", "").lower() == "true" or env.get("OTEL_TRACES_EXPORTER") == "none"
    if not endpoint or disabled:
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter()


def instrument_pymongo() -> None:
    """Trace store commands (their bodies are not recorded, so no PII reaches spans)."""
    global _instrumented_pymongo
    if _instrumented_pymongo:
        return
    from opentelemetry.instrumentation.pymongo import PymongoInstrumentor

    PymongoInstrumentor().instrument(capture_statement=False)
    _instrumented_pymongo = True


def current_traceparent() -> str | None:
    """W3C traceparent of the current span, to store with an event and send as a Kafka header."""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier.get("traceparent")


def context_from_traceparent(traceparent: str | None) -> otel_context.Context:
    """A context that continues the producer's trace on the consuming side."""
    if not traceparent:
        return otel_context.Context()
    return _propagator.extract({"traceparent": traceparent})


def tracer(name: str = "servicekit") -> trace.Tracer:
    """The tracer used by servicekit spans."""
    return trace.get_tracer(name)
