"""A loopback SMS gateway speaking Africa's Talking's messaging API, for notify in system tests.

It stands for the carrier: the one party outside Redress that must receive the victim's number.
It records each message so a test can prove notify decrypted the number and kept the wording safe.
`hold(number)` makes the carrier take the next message to a number and never answer until `release()`:
the message arrived, but the sender cannot know it, the case notify records as an unknown outcome when
it dies meanwhile.
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
        self._held: set[str] = set()
        self._holding = threading.Event()  # set while a held request waits for release()
        self._released = threading.Event()
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
                to = form.get("to", [""])[0]
                with sink._lock:
                    sink.sent.append(SentSms(to=to, message=form.get("message", [""])[0]))
                    held = _digits(to) in sink._held
                    sink._held.discard(_digits(to))
                if held:
                    sink._holding.set()
                    sink._released.wait(120)  # bounded: a forgotten release never hangs the suite
                    self.close_connection = True  # the answer is lost: the sender never learns the outcome
                    return
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

    def hold(self, number: str) -> None:
        """The next message to `number` is received but never answered, until `release()`."""
        with self._lock:
            self._held.add(_digits(number))
        self._holding.clear()
        self._released.clear()

    def holding(self) -> bool:
        """Whether a held message has arrived (its sender is now waiting for an answer)."""
        return self._holding.is_set()

    def release(self) -> None:
        """End the held request without an answer (its connection closes)."""
        self._released.set()

    def messages(self) -> list[SentSms]:
        with self._lock:
            return list(self.sent)

    def __enter__(self) -> SmsSink:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()


def _digits(number: str) -> str:
    """A number as the carrier compares it: digits only (notify sends E.164)."""
    return "".join(c for c in number if c.isdigit())
