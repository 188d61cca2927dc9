"""The web app's static host for the browser tests (deploy/local/web_server.py as a process)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
from web_browser import ROOT

SERVICES = ("intake", "casework", "advocacy", "education", "notify")


def serve(dist: Path, origin: str, issuer: str, services: dict[str, str]) -> subprocess.Popen[bytes]:
    """The static host of deploy/local on the origin's port, until it answers."""
    port = int(origin.rsplit(":", 1)[1])
    args = [sys.executable, str(ROOT / "deploy" / "local" / "web_server.py"), "--port", str(port), "--dist", str(dist),
            "--issuer", issuer, *[f"--service={name}={url}" for name, url in services.items()]]
    log = (ROOT / ".cache" / "logs")
    log.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(args, stdout=(log / "web-e2e.log").open("ab"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{origin}/config.json", timeout=1.0).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise TimeoutError(f"the web app's host did not answer on {origin}")
