"""A loopback SMS gateway speaking Africa's Talking's messaging API, for notify in system tests.

It stands for the carrier: the one party outside Redress that must receive the victim's number.
It records each message so a test can prove notify decrypted the number and kept the wording safe.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from servicekit.testing import free_port


@dataclass(frozen=True)
class SentSms:
    to: str
    message: str


class SmsSink:
    """Start with `with SmsSink() as sink:`; `sink.url` is the provider base URL, `sink.sent` what arrived."""

    def __init__(self) -> None:
        self.sent: list[SentSms] = []
        self._lock = threading.Lock()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's naming
                length = int(self.headers.get("Content-Length", "0"))
                form = parse_qs(self.rfile.read(length).decode("utf-8"))
                if self.path.rstrip("/") != "/version1/messaging" or not self.headers.get("apiKey"):
                    self.send_response(401)
                    self.end_headers()
                    return
                with sink._lock:
                    sink.sent.append(SentSms(to=form.get("to", [""])[0], message=form.get("message", [""])[0]))
                body = json.dumps({"SMSMessageData": {"Message": "Sent to 1/1", "Recipients": [{
                    "statusCode": 101, "number": "masked", "status": "Success", "cost": "XOF 0",
                    "messageId": f"ATXid_{uuid.uuid4().hex[:16]}"}]}}).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:  # keep numbers out of the test output
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def messages(self) -> list[SentSms]:
        with self._lock:
            return list(self.sent)

    def __enter__(self) -> SmsSink:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
