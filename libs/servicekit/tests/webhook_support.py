"""The reference webhook receiver (deploy/local/webhook_receiver.py) as a real process for tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from servicekit.testing import REPO_ROOT, free_port
from servicekit.webhooks import generate_secret

RECEIVER = REPO_ROOT / "deploy" / "local" / "webhook_receiver.py"


@dataclass
class Receiver:
    """One receiver process; `stop()` and `start()` again simulate an outage on the same port and journal."""

    record: Path
    secret: str = field(default_factory=generate_secret)
    port: int = field(default_factory=free_port)
    extra_args: tuple[str, ...] = ()
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self) -> Receiver:
        env = {**os.environ, "WEBHOOK_SECRET": self.secret}
        self.proc = subprocess.Popen([sys.executable, str(RECEIVER), "--port", str(self.port), "--record",
                                      str(self.record), *self.extra_args], env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the reference receiver did not start"
                time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def received(self) -> list[dict[str, Any]]:
        """Accepted messages, in arrival order."""
        return httpx.get(f"http://127.0.0.1:{self.port}/received", timeout=5).json()  # type: ignore[no-any-return]

    def post(self, body: bytes, headers: dict[str, str]) -> httpx.Response:
        return httpx.post(self.url, content=body, headers=headers, timeout=5)
