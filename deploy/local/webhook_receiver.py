#!/usr/bin/env python3
"""Reference webhook receiver (Python standard library only): what a partner's endpoint must do.

- verify the Standard Webhooks signature: `webhook-signature` holds `v1,<base64 HMAC-SHA256>` of
  `<webhook-id>.<webhook-timestamp>.<raw body>` under the secret's bytes (base64 after `whsec_`);
- refuse a timestamp outside the tolerance (default 5 minutes): an old captured message is a replay;
- de-duplicate by `webhook-id` (the CloudEvent id): a message seen before is acknowledged, not used again;
- answer 2xx quickly; anything else makes the sender retry later.

Usage: WEBHOOK_SECRET=whsec_... python deploy/local/webhook_receiver.py --port 18490 --record received.jsonl
   or: python deploy/local/webhook_receiver.py --secret-file secret.txt ...  (never the secret itself in argv)
GET /received lists what was accepted (for the tests and the demo); GET /healthz says it is up.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MAX_BODY = 1_000_000


def expected_signature(secret: str, webhook_id: str, timestamp: str, body: bytes) -> str:
    """`v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, keyed by the bytes of the `whsec_` secret."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_ok(secret: str, webhook_id: str, timestamp: str, body: bytes, header: str) -> bool:
    """True when one of the space-separated signatures matches, compared in constant time."""
    wanted = expected_signature(secret, webhook_id, timestamp, body)
    return any(hmac.compare_digest(wanted, candidate) for candidate in header.split(" ") if candidate)


class Journal:
    """Accepted messages, kept in a JSON-lines file so a restarted receiver still knows the ids it saw."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.records = [json.loads(line) for line in path.read_text().splitlines() if line] if path.exists() else []
        self.seen = {r["webhook_id"] for r in self.records}

    def accept(self, webhook_id: str, event: dict) -> bool:
        """Record a new message; False when its id was seen before."""
        with self.lock:
            if webhook_id in self.seen:
                return False
            record = {"webhook_id": webhook_id, "received_at": datetime.now(UTC).isoformat(), "event": event}
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            self.records.append(record)
            self.seen.add(webhook_id)
            return True


def handler_class(secret: str, journal: Journal, tolerance: int, fail_status: int | None) -> type:
    class Receiver(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet: messages are the journal's business
            pass

        def answer(self, status: int, payload: object) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/healthz":
                self.answer(200, {"status": "up"})
            elif self.path == "/received":
                self.answer(200, journal.records)
            else:
                self.answer(404, {"error": "not_found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            if length > MAX_BODY:
                return self.answer(413, {"error": "too_large"})
            body = self.rfile.read(length)
            if fail_status is not None:
                return self.answer(fail_status, {"error": "configured_to_fail"})
            webhook_id = self.headers.get("webhook-id", "")
            timestamp = self.headers.get("webhook-timestamp", "")
            signature = self.headers.get("webhook-signature", "")
            if not (webhook_id and timestamp.isdigit() and signature):
                return self.answer(400, {"error": "missing_headers"})
            if abs(time.time() - int(timestamp)) > tolerance:
                return self.answer(400, {"error": "timestamp_out_of_tolerance"})
            if not signature_ok(secret, webhook_id, timestamp, body, signature):
                return self.answer(401, {"error": "invalid_signature"})
            if not journal.accept(webhook_id, json.loads(body)):
                return self.answer(200, {"status": "duplicate"})
            return self.answer(200, {"status": "accepted"})

    return Receiver


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=18490)
    parser.add_argument("--record", type=Path, default=Path("webhooks-received.jsonl"))
    parser.add_argument("--tolerance", type=int, default=300, help="seconds a timestamp may be off")
    parser.add_argument("--fail-status", type=int, default=None, help="answer every POST with this status")
    parser.add_argument("--secret-file", type=Path, default=None, help="file holding the whsec_ secret")
    args = parser.parse_args()
    # From a file or the environment, never argv: argv is visible to every local user.
    secret = args.secret_file.read_text().strip() if args.secret_file else os.environ.get("WEBHOOK_SECRET", "")
    if not secret.startswith("whsec_"):
        sys.exit("WEBHOOK_SECRET must hold the subscription's whsec_ secret")
    server = ThreadingHTTPServer((args.host, args.port),
                                 handler_class(secret, Journal(args.record), args.tolerance, args.fail_status))
    print(f"webhook receiver on http://{args.host}:{args.port}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
