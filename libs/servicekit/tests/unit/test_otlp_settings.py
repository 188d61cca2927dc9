"""OTLP export follows the standard OTEL_* variables and is off unless an endpoint is named."""

from __future__ import annotations

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from servicekit.telemetry import otlp_exporter


def test_no_endpoint_means_no_export():
    assert otlp_exporter({}) is None


def test_an_endpoint_turns_the_http_protobuf_exporter_on(monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    exporter = otlp_exporter()
    assert isinstance(exporter, OTLPSpanExporter)
    assert exporter._endpoint == "http://127.0.0.1:4318/v1/traces"


def test_the_sdk_switch_turns_export_off_even_with_an_endpoint():
    assert otlp_exporter({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "true"}) is None
