"""Serve the built web app (web/dist) with its runtime config.json and strict security headers.

The app is static files any partner can host; this small ASGI app is the local and test host. It
renders config.json from the command line (service URLs, issuer, client id), answers every app path
with index.html (the app routes in the browser), and sets a Content-Security-Policy that allows
scripts and styles from this origin only and connections to the configured services and issuer only.

    uv run python deploy/local/web_server.py --port 8090 --issuer http://127.0.0.1:18080/realms/redress \
        --service intake=http://127.0.0.1:8001 ... --service notify=http://127.0.0.1:8005
"""

from __future__ import annotations

import argparse
import json
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import uvicorn

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("intake", "casework", "advocacy", "education", "notify")
# Files whose name changes with their content may be cached for good; the rest are revalidated.
IMMUTABLE_PREFIX = "/assets/"
NO_CACHE = {"/", "/index.html", "/sw.js", "/config.json", "/precache.json", "/manifest.webmanifest"}
mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")


@dataclass(frozen=True)
class WebConfig:
    """What the server needs: where the build is and what the app's config.json says."""

    dist: Path
    issuer: str
    client_id: str
    services: dict[str, str]

    def config_json(self) -> bytes:
        """The app's runtime configuration."""
        return json.dumps({"issuer": self.issuer, "clientId": self.client_id, "services": self.services}).encode()

    def csp(self) -> str:
        """Same-origin code and styles; connections only to the configured services and the issuer."""
        origins = sorted({_origin(url) for url in [self.issuer, *self.services.values()]})
        connect = " ".join(["'self'", *origins])
        return "; ".join([
            "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' blob: data:",
            "media-src 'self' blob:", "font-src 'self'", f"connect-src {connect}", "manifest-src 'self'",
            "worker-src 'self'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'",
            "object-src 'none'",
        ])


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def security_headers(config: WebConfig) -> list[tuple[bytes, bytes]]:
    """Headers on every answer: CSP, no sniffing, no referrer, no framing, camera for evidence only here."""
    headers = {
        "content-security-policy": config.csp(),
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "x-frame-options": "DENY",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-resource-policy": "same-origin",
        "permissions-policy": "camera=(self), microphone=(self), geolocation=(self), interest-cohort=()",
    }
    return [(k.encode(), v.encode()) for k, v in headers.items()]


class WebApp:
    """The ASGI app: files from dist, config.json, index.html for app routes, 404 for missing files."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.dist = config.dist.resolve()
        self.headers = security_headers(config)

    def resolve(self, path: str) -> Path | None:
        """The file a path names inside dist (never outside it); app routes map to index.html."""
        if path in ("", "/"):
            return self.dist / "index.html"
        candidate = (self.dist / path.lstrip("/")).resolve()
        if not candidate.is_relative_to(self.dist):
            return None
        if candidate.is_file():
            return candidate
        # A path without an extension is an app route (e.g. /incidents/abc, /auth/callback).
        return self.dist / "index.html" if "." not in path.rsplit("/", 1)[-1] else None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path: str = scope["path"]
        if scope["method"] not in ("GET", "HEAD"):
            return await self.answer(send, 405, b"method not allowed", "text/plain", path)
        if path == "/config.json":
            return await self.answer(send, 200, self.config.config_json(), "application/json", path, scope)
        file = self.resolve(path)
        if file is None:
            return await self.answer(send, 404, b"not found", "text/plain", path, scope)
        media = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        await self.answer(send, 200, file.read_bytes(), media, "/" if file.name == "index.html" else path, scope)

    async def answer(self, send: Any, status: int, body: bytes, media: str, path: str,
                     scope: dict[str, Any] | None = None) -> None:
        """One complete answer with the security and caching headers."""
        cache = "public, max-age=31536000, immutable" if path.startswith(IMMUTABLE_PREFIX) else "no-cache"
        if path in NO_CACHE or status != 200:
            cache = "no-cache"
        headers = [*self.headers, (b"content-type", media.encode()), (b"cache-control", cache.encode()),
                   (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        head = scope is not None and scope.get("method") == "HEAD"
        await send({"type": "http.response.body", "body": b"" if head else body})


def parse_args(argv: list[str] | None = None) -> tuple[WebConfig, str, int]:
    """Command line: port, build folder, issuer, client id and one --service NAME=URL per service."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--dist", type=Path, default=ROOT / "web" / "dist")
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--client-id", default="redress-web")
    parser.add_argument("--service", action="append", default=[], metavar="NAME=URL")
    args = parser.parse_args(argv)
    services = dict(item.split("=", 1) for item in args.service)
    missing = [name for name in SERVICES if name not in services]
    if missing:
        parser.error(f"--service missing for: {', '.join(missing)}")
    if not (args.dist / "index.html").is_file():
        parser.error(f"{args.dist} has no index.html: build the app first (npm --prefix web run build)")
    return WebConfig(args.dist, args.issuer.rstrip("/"), args.client_id, services), args.host, args.port


def main(argv: list[str] | None = None) -> None:
    """Serve until interrupted."""
    config, host, port = parse_args(argv)
    uvicorn.run(WebApp(config), host=host, port=port, log_level="warning", lifespan="off")


if __name__ == "__main__":
    main()
