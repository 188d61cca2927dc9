"""JSON logs that carry trace and event ids and never PII or tokens.

``configure_logging("intake")`` puts one JSON handler on the root logger. Each line has ``ts``, ``level``,
``logger``, ``service``, ``message``, and when known ``trace_id``/``span_id`` (the current OpenTelemetry
span), ``event_id``/``correlation_id`` (set with ``with log_context(event_id=..., correlation_id=...)``)
and any ``extra=`` fields. :class:`RedactionFilter` runs on that handler, so it sees every record that
reaches it, including those propagated from child loggers. It masks JWTs, bearer credentials, e-mail
addresses and phone numbers anywhere in the text, and the whole value of any field whose key looks
like name/phone/email/address/narrative/token/password/secret/authorization. Redaction is a safety
net, not a licence: code must still not log PII on purpose.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, TextIO

from opentelemetry import trace

__all__ = ["JsonFormatter", "RedactionFilter", "RepeatFilter", "configure_logging", "log_context", "redact_text",
           "redact_value"]

REDACTED = "[REDACTED]"
_event_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("redress_event_id", default=None)
_correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "redress_correlation_id", default=None
)

_SENSITIVE_KEY = re.compile(
    r"name|phone|mobile|msisdn|contact|e-?mail|address|narrative|token|password|passwd|secret"
    r"|authori[sz]ation|cookie|api_?key",
    re.IGNORECASE,
)
# Credentials are masked before key=value pairs, so "Authorization: Bearer x" loses the token too.
_CREDENTIALS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), "[REDACTED_JWT]"),
    # 8+ characters, so "bearer of bad news" survives while any real credential does not.
    (re.compile(r"\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE), r"\1 [REDACTED]"),
)
# key=value or "key": "value" inside free text, for the same sensitive keys. An unquoted value ends at
# the first space: quote free text, or better, do not log it.
_INLINE_PAIR = re.compile(
    r"""(?P<key>["']?[\w-]*(?:""" + _SENSITIVE_KEY.pattern + r""")[\w-]*["']?\s*[:=]\s*)"""
    r"""(?P<value>"[^"]*"|'[^']*'|bearer\s+\S+|[^\s,;&}]+)""",
    re.IGNORECASE,
)
_CONTACTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"), "[REDACTED_EMAIL]"),
    # International form such as +223 76 12 34 56: a plus, then 8-15 digits with single separators.
    (re.compile(r"\+\d(?:[ .()-]{0,2}\d){7,14}"), "[REDACTED_PHONE]"),
    # Local Malian form 76 12 34 56 (spaces only, so IP addresses and dates survive).
    (re.compile(r"(?<![\w.:+-])\d{2}(?: \d{2}){3}(?![\w:-])"), "[REDACTED_PHONE]"),
    # Runs of 8+ digits, but not inside a word, a UUID (hex groups joined by '-'), after a decimal point
    # (fractional seconds of an ISO timestamp) or after ':' (event-store ids "<aggregate>:0000000012"):
    # those are ids and times, not phone numbers. "phone: 76123456" is caught by the key rule.
    (re.compile(r"(?<![\w.:+-])\d{8,}(?![\w:-])"), "[REDACTED_PHONE]"),
)
_STANDARD_ATTRS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


def redact_text(text: str) -> str:
    """Mask tokens, e-mail addresses, phone numbers and sensitive key=value pairs in free text."""
    for pattern, replacement in _CREDENTIALS:
        text = pattern.sub(replacement, text)
    text = _INLINE_PAIR.sub(lambda m: m.group("key") + REDACTED, text)
    for pattern, replacement in _CONTACTS:
        text = pattern.sub(replacement, text)
    return text


def redact_value(value: Any, key: str | None = None) -> Any:
    """Redact a logged value: sensitive keys lose their whole value, strings are pattern-masked."""
    if key is not None and _SENSITIVE_KEY.search(key):
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: redact_value(v, str(k)) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(redact_value(item) for item in value)
    if isinstance(value, list | set | frozenset):
        return [redact_value(item) for item in value]
    return value


class RedactionFilter(logging.Filter):
    """Masks PII and credentials in the message, its arguments, extra fields and tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place; never drops it."""
        if getattr(record, "_redress_redacted", False):
            return True
        if isinstance(record.msg, dict):  # logger.info({"name": ...}): redact by key before rendering
            record.msg = redact_value(record.msg)
        record.msg = redact_text(self._render(record))
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        for key in set(record.__dict__) - _STANDARD_ATTRS:
            setattr(record, key, redact_value(record.__dict__[key], key))
        record._redress_redacted = True
        return True

    @staticmethod
    def _render(record: logging.LogRecord) -> str:
        # Arguments are redacted before formatting so a dict argument loses its sensitive keys by name.
        if isinstance(record.args, dict):
            record.args = redact_value(record.args)
        elif isinstance(record.args, tuple):
            record.args = tuple(redact_value(arg) for arg in record.args)
        try:
            return record.getMessage()
        except (TypeError, ValueError):  # a "%d" that now receives "[REDACTED]"
            return f"{record.msg} [arguments withheld]"


class RepeatFilter(logging.Filter):
    """Lets one line of a repeated library message through per window, then says how many it held back.

    While the broker is away its client library retries several times a second and logs each
    failure (about 3,100 `Unable connect to node` lines in 45 s per worker), and an overloaded API
    sheds many requests a second: the first line says what happened, the rest would only bury
    everything else.
    """

    def __init__(self, prefixes: tuple[str, ...] = ("aiokafka", "kafka", "servicekit.overload"),
                 window_seconds: float = 10.0) -> None:
        super().__init__()
        self.prefixes = prefixes
        self.window_seconds = window_seconds
        self._seen: dict[tuple[str, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        """False for a repeat inside the window; the next line let through counts the ones held back."""
        if not record.name.startswith(self.prefixes):
            return True
        key, now = (record.name, str(record.msg)), time.monotonic()
        since, held = self._seen.get(key, (0.0, 0))
        if now - since < self.window_seconds:
            self._seen[key] = (since, held + 1)
            return False
        self._seen[key] = (now, 0)
        if held:
            record.repeats_suppressed = held
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line with the service name and trace/event context."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as JSON."""
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")[:-6] + "Z",
            "level": record.levelname,
            "logger": record.name,
            "service": self.service,
            "message": record.getMessage(),
        }
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            line["trace_id"] = format(context.trace_id, "032x")
            line["span_id"] = format(context.span_id, "016x")
        for field, var in (("event_id", _event_id), ("correlation_id", _correlation_id)):
            if (value := var.get()) is not None:
                line[field] = value
        line.update({key: value for key, value in record.__dict__.items()
                     if key not in _STANDARD_ATTRS and not key.startswith("_") and key not in line})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, default=str, ensure_ascii=False)


@contextlib.contextmanager
def log_context(event_id: str | None = None, correlation_id: str | None = None) -> Iterator[None]:
    """Attach event and correlation ids to every log line inside the block (None keeps the outer one)."""
    pairs = ((_event_id, event_id), (_correlation_id, correlation_id))
    tokens = [(var, var.set(value)) for var, value in pairs if value is not None]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def configure_logging(service: str, level: str = "INFO", stream: TextIO | None = None) -> logging.Handler:
    """Send the root logger's records as redacted JSON lines to ``stream`` (default: stderr)."""
    root = logging.getLogger()
    # Idempotent: replace the handler a previous call installed, leave others' handlers alone.
    for existing in [h for h in root.handlers if getattr(h, "_redress_json", False)]:
        root.removeHandler(existing)
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    handler.addFilter(RepeatFilter())
    handler.addFilter(RedactionFilter())
    handler._redress_json = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    return handler
