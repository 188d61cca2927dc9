"""JSON log lines with trace/event context, and redaction of PII and credentials."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from servicekit import logging as kit_logging
from servicekit.logging import RedactionFilter, configure_logging, log_context, redact_text

JWT = "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSJ9.MEUCIQDx3w-_Vv0Xs"


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    buffer = io.StringIO()
    handler = configure_logging("intake", level="DEBUG", stream=buffer)
    yield buffer
    logging.getLogger().removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def last(stream: io.StringIO) -> dict[str, Any]:
    return lines(stream)[-1]


def test_line_is_json_with_core_fields(stream: io.StringIO) -> None:
    logging.getLogger("intake.handlers").info("incident %s documented", "inc_42")
    line = last(stream)
    assert line["message"] == "incident inc_42 documented"
    assert (line["level"], line["logger"], line["service"]) == ("INFO", "intake.handlers", "intake")
    assert line["ts"].endswith("Z") and "T" in line["ts"]
    assert "trace_id" not in line and "event_id" not in line


def test_line_carries_current_trace_and_span_ids(stream: io.StringIO) -> None:
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("consume") as span:
        logging.getLogger("intake").info("handling")
        context = span.get_span_context()
    line = last(stream)
    assert line["trace_id"] == format(context.trace_id, "032x")
    assert line["span_id"] == format(context.span_id, "016x")


def test_log_context_adds_event_and_correlation_ids_and_restores_them(stream: io.StringIO) -> None:
    log = logging.getLogger("intake")
    with log_context(event_id="evt-1", correlation_id="corr-1"):
        log.info("outer")
        with log_context(event_id="evt-2"):
            log.info("inner")
    log.info("after")
    outer, inner, after = lines(stream)[-3:]
    assert (outer["event_id"], outer["correlation_id"]) == ("evt-1", "corr-1")
    assert (inner["event_id"], inner["correlation_id"]) == ("evt-2", "corr-1")
    assert "event_id" not in after and "correlation_id" not in after


def test_extra_fields_are_included(stream: io.StringIO) -> None:
    logging.getLogger("intake").info("relayed", extra={"topic": "intake.victims", "partition": 3})
    line = last(stream)
    assert (line["topic"], line["partition"]) == ("intake.victims", 3)


def test_normal_message_passes_unchanged(stream: io.StringIO) -> None:
    message = ("victim 3f2a6c1e-0000-4000-8000-123456789012 event 12345678-1234-4123-8123-123456789012 "
               "at 2025-03-01T09:00:00.123456789+00:00 commit vic_7Qm:0000000012 trace "
               "4bf92f3577b34da6a3ce929d0e0e4736 from 10.20.30.40:9092 took 12.5 ms, the bearer of news")
    logging.getLogger("intake").info(message)
    assert last(stream)["message"] == message


def test_redacts_jwt_in_message(stream: io.StringIO) -> None:
    logging.getLogger("intake").warning("got token %s from client", JWT)
    assert last(stream)["message"] == "got token [REDACTED_JWT] from client"


def test_redacts_bearer_credentials_including_opaque_ones(stream: io.StringIO) -> None:
    logging.getLogger("intake").info("header Bearer abc123opaque.token_value sent")
    assert last(stream)["message"] == "header Bearer [REDACTED] sent"


def test_redacts_authorization_header_value(stream: io.StringIO) -> None:
    logging.getLogger("intake").info("Authorization: Bearer s3cr3t-opaque-value")
    assert "s3cr3t" not in stream.getvalue()


def test_redacts_email_addresses(stream: io.StringIO) -> None:
    logging.getLogger("notify").info("sending to awa.traore@example.org now")
    assert last(stream)["message"] == "sending to [REDACTED_EMAIL] now"


@pytest.mark.parametrize("phone", ["+223 76 12 34 56", "+22376123456", "+223-76-12-34-56", "76123456",
                                   "0022376123456", "76 12 34 56"])
def test_redacts_phone_numbers(stream: io.StringIO, phone: str) -> None:
    logging.getLogger("notify").info("sms to %s failed.", phone)
    assert last(stream)["message"] == "sms to [REDACTED_PHONE] failed."


@pytest.mark.parametrize("key", ["surname", "full_name", "Phone", "email", "home_address", "narrative",
                                 "access_token", "password", "client_secret", "Authorization"])
def test_redacts_values_of_sensitive_extra_fields(stream: io.StringIO, key: str) -> None:
    logging.getLogger("intake").info("registered", extra={key: "Aminata", "victim_id": "vic_7Qm"})
    line = last(stream)
    assert line[key] == "[REDACTED]"
    assert line["victim_id"] == "vic_7Qm"
    assert "Aminata" not in stream.getvalue()


def test_redacts_nested_sensitive_keys_in_extra_and_dict_arguments(stream: io.StringIO) -> None:
    log = logging.getLogger("intake")
    log.info("payload", extra={"payload": {"victim": {"first_name": "Awa", "region": "Mopti"}}})
    log.info("payload %(phone)s %(region)s", {"phone": "76123456", "region": "Gao"})
    payload_line, args_line = lines(stream)[-2:]
    assert payload_line["payload"] == {"victim": {"first_name": "[REDACTED]", "region": "Mopti"}}
    assert args_line["message"] == "payload [REDACTED] Gao"


def test_redacts_key_value_pairs_inside_free_text(stream: io.StringIO) -> None:
    logging.getLogger("intake").info('rejected name="Awa Traoré" narrative=burned region=Gao')
    assert last(stream)["message"] == "rejected name=[REDACTED] narrative=[REDACTED] region=Gao"


def test_redacts_exception_text(stream: io.StringIO) -> None:
    try:
        raise ValueError("bad contact awa@example.org / +223 76 12 34 56")
    except ValueError:
        logging.getLogger("notify").exception("delivery failed")
    line = last(stream)
    assert "ValueError" in line["exception"]
    assert "awa@example.org" not in stream.getvalue()
    assert "76 12 34 56" not in stream.getvalue()


def test_format_mismatch_after_redaction_does_not_lose_the_line(stream: io.StringIO) -> None:
    logging.getLogger("intake").info("code %(token)d", {"token": 1234})
    assert "[arguments withheld]" in last(stream)["message"]


def test_filter_applies_to_records_propagated_from_child_loggers(stream: io.StringIO) -> None:
    logging.getLogger("intake.api.routes.deep").error("user awa@example.org")
    assert last(stream)["message"] == "user [REDACTED_EMAIL]"


def test_configure_logging_is_idempotent() -> None:
    root = logging.getLogger()
    first = configure_logging("intake", stream=io.StringIO())
    second = configure_logging("intake", stream=io.StringIO())
    try:
        assert first not in root.handlers
        assert second in root.handlers
    finally:
        root.removeHandler(second)


def test_redaction_filter_works_on_any_handler() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "login %s", (JWT,), None)
    assert RedactionFilter().filter(record) is True
    assert record.getMessage() == "login [REDACTED_JWT]"


def test_redact_text_is_idempotent() -> None:
    once = redact_text(f"name=Awa {JWT} awa@example.org +223 76 12 34 56")
    assert redact_text(once) == once


def test_a_library_message_repeated_during_an_outage_is_logged_once_per_window_with_a_count():
    stream = io.StringIO()
    handler = configure_logging("kit", stream=stream)
    try:
        noisy = logging.getLogger("aiokafka.client")
        for _ in range(500):
            noisy.error("Unable connect to node with id %s: %s", 1, "connection refused")
        logging.getLogger("servicekit.relay").warning("relay waiting for the store or broker")
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["logger"] for line in lines] == ["aiokafka.client", "servicekit.relay"]


def test_a_repeated_broker_client_line_goes_out_once_per_window(stream):
    for _ in range(50):
        logging.getLogger("aiokafka.conn").error("Unable connect to node with id %s", 1)
    logging.getLogger("intake.api").warning("something else")
    assert [line["logger"] for line in lines(stream)] == ["aiokafka.conn", "intake.api"]


def test_shed_requests_are_logged_once_per_window_then_with_the_count_held_back(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(kit_logging.time, "monotonic", lambda: now[0])
    repeat = kit_logging.RepeatFilter(window_seconds=10.0)

    def shed(path: str) -> logging.LogRecord:
        return logging.LogRecord("servicekit.overload", logging.WARNING, __file__, 1,
                                 "request shed, every slot busy: %s %s (%d waiting)", ("POST", path, 32), None)

    passed = [repeat.filter(shed(f"/victims/{n}")) for n in range(5)]
    now[0] += 11.0
    after_window = shed("/victims/5")
    assert passed == [True, False, False, False, False]
    assert repeat.filter(after_window) and after_window.repeats_suppressed == 4
