"""A local OTLP/HTTP trace receiver for tests: decodes `ExportTraceServiceRequest`, appends spans as JSON lines.

`python -m servicekit.otlp_receiver --port P --out spans.jsonl` (loopback only). Each line holds the
service name, trace and span ids, parent id, span name, kind and attributes of one span.
"""

from __future__ import annotations

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue


def spans_of(request: ExportTraceServiceRequest) -> list[dict[str, Any]]:
    """The request's spans as plain dicts (ids in hex, attributes as strings)."""
    spans = []
    for resource_spans in request.resource_spans:
        resource = {a.key: _text(a.value) for a in resource_spans.resource.attributes}
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                spans.append({"service": resource.get("service.name", ""), "trace_id": span.trace_id.hex(),
                              "span_id": span.span_id.hex(), "parent_id": span.parent_span_id.hex(),
                              "name": span.name, "kind": span.kind,
                              "attributes": {a.key: _text(a.value) for a in span.attributes}})
    return spans


def _text(value: AnyValue) -> str:
    kind = value.WhichOneof("value")
    return "" if kind is None else str(getattr(value, kind))


def serve(port: int, out: Path) -> ThreadingHTTPServer:
    """Start the receiver in a thread; POST /v1/traces appends to `out`."""
    lock = threading.Lock()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path != "/v1/traces" or self.headers.get("Content-Type") != "application/x-protobuf":
                self.send_response(404)
                self.end_headers()
                return
            request = ExportTraceServiceRequest.FromString(body)
            with lock, out.open("a", encoding="utf-8") as file:
                for span in spans_of(request):
                    file.write(json.dumps(span) + "\n")
            answer = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description="Local OTLP/HTTP trace receiver (tests)")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    serve(args.port, args.out)
    threading.Event().wait()


if __name__ == "__main__":
    main()
