"""Span export for system tests, loaded by Python at start-up when this folder is on PYTHONPATH.

The services call servicekit.telemetry.setup_tracing(), which reuses a tracer provider that is
already installed. Installing one here, before any service code runs, makes every span of the
process (FastAPI requests, PyMongo commands, relay and consumer spans) land as one JSON object per
line in $REDRESS_TEST_SPAN_DIR/<service>-<pid>.jsonl, without touching the services' code. Nothing
happens unless REDRESS_TEST_SPAN_DIR is set.
"""

import os

_span_dir = os.environ.get("REDRESS_TEST_SPAN_DIR")
if _span_dir:
    try:
        from opentelemetry import trace
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor

        _service = os.environ.get("REDRESS_TEST_SPAN_SERVICE", "unknown")
        # Line-buffered, one span per line, exported as each span ends: nothing waits in a batch at exit.
        _out = open(os.path.join(_span_dir, f"{_service}-{os.getpid()}.jsonl"), "a", buffering=1,  # noqa: SIM115
                    encoding="utf-8")
        _provider = TracerProvider(resource=Resource.create({"service.name": _service}))
        _provider.add_span_processor(SimpleSpanProcessor(
            ConsoleSpanExporter(out=_out, formatter=lambda span: span.to_json(indent=None) + "\n")))
        trace.set_tracer_provider(_provider)
    except Exception as exc:  # a broken hook must be visible in the process log, not silently absent
        print(f"span hook not installed: {type(exc).__name__}: {exc}", flush=True)
