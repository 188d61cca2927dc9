"""A real local key-release server for tests, implementing intake's documented contract.

    POST /internal/keys/{victim_id}/release   {"purpose": "notifications" | "legal_support"}
    Authorization: Bearer <service JWT with scope pii:decrypt>
    200 {"victim_id", "data_key": base64url, "expires_in"}; 401 bad token; 403 scope, purpose or
    consent refused; 404 unknown victim; 410 erased.

Tokens are verified with servicekit's verifier against the development JWKS, as intake does. The
server holds the victims' data keys, encrypts their contacts like intake, and counts releases.
"""

from __future__ import annotations

import base64
import socket
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from servicekit.auth import AuthError, TokenVerifier, TrustedIssuer
from servicekit.crypto import encrypt_field, generate_data_key
from servicekit.devtokens import DEV_AUDIENCE, DEV_ISSUER
from servicekit.testing import eventually_sync


class KeyReleaseServer:
    """Intake's key custody, reduced to the release endpoint, on a free loopback port."""

    def __init__(self, jwks_file: Path, *, purpose: str = "notifications") -> None:
        self.verifier = TokenVerifier([TrustedIssuer(issuer=DEV_ISSUER, audience=DEV_AUDIENCE, jwks_file=jwks_file)])
        self.purpose = purpose
        self.keys: dict[str, bytes] = {}
        self.refusals: dict[str, int] = {}
        self.releases: Counter[str] = Counter()
        self.sheds: Counter[str] = Counter()  # releases still to answer 503, per victim
        self.retry_after = 3
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_victim(self, victim_id: str) -> bytes:
        """Create the victim's data key (as intake does at registration)."""
        self.keys[victim_id] = generate_data_key()
        self.refusals.pop(victim_id, None)
        return self.keys[victim_id]

    def encrypt(self, victim_id: str, field: str, value: str) -> str:
        """A contact ciphertext as intake publishes it in intake.victim.registered.v1."""
        return encrypt_field(self.keys[victim_id], value, subject_id=victim_id, field=field)

    def refuse(self, victim_id: str, status: int) -> None:
        """Answer releases for this victim with 403 (no consent) or 410 (erased)."""
        self.refusals[victim_id] = status
        if status == 410:
            self.keys.pop(victim_id, None)  # crypto-shredding

    def shed(self, victim_id: str, times: int, retry_after: int = 3) -> None:
        """Answer this victim's next `times` releases 503 with Retry-After, as intake's overload guard does."""
        self.sheds[victim_id] = times
        self.retry_after = retry_after

    def start(self) -> KeyReleaseServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self._app(), log_level="warning", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        server = self._server
        eventually_sync(lambda: server.started, "the key-release server's start", timeout=10, interval=0.01)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)

    def __enter__(self) -> KeyReleaseServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _release(self, victim_id: str, request: Request) -> JSONResponse:
        header = request.headers.get("authorization", "")
        try:
            principal = await self.verifier.verify(header.removeprefix("Bearer "))
        except AuthError:
            return JSONResponse({"detail": "unauthenticated"}, status_code=401)
        body: dict[str, Any] = await request.json()
        if not principal.is_service or "pii:decrypt" not in principal.scopes or body.get("purpose") != self.purpose:
            return JSONResponse({"detail": "not allowed"}, status_code=403)
        self.releases[victim_id] += 1
        if self.sheds[victim_id] > 0:
            self.sheds[victim_id] -= 1
            return JSONResponse({"code": "overloaded"}, status_code=503,
                                headers={"Retry-After": str(self.retry_after)})
        if victim_id in self.refusals:
            return JSONResponse({"detail": "refused"}, status_code=self.refusals[victim_id])
        if victim_id not in self.keys:
            return JSONResponse({"detail": "unknown victim"}, status_code=404)
        key = base64.urlsafe_b64encode(self.keys[victim_id]).rstrip(b"=").decode()
        return JSONResponse({"victim_id": victim_id, "data_key": key, "expires_in": 300})

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/internal/keys/{victim_id}/release")
        async def release(victim_id: str, request: Request) -> JSONResponse:
            return await self._release(victim_id, request)

        return app
