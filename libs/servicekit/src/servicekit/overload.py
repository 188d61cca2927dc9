"""Overload shedding: a bounded number of requests at work and a bounded, short queue per process.

Past its capacity an API keeps serving at that capacity instead of slowing everything down: a
request that finds every slot busy waits in a short queue (at most `max_waiting` of them, at most
`wait_seconds` each); beyond that it is answered at once with `503` problem+json and a
`Retry-After` that grows with the number of requests shed in the last second and is spread at random,
so refused clients come back fewer and not all at once. A request that runs past `deadline_seconds`
is cut short with a 503 too (its command is crash-safe by design: outbox first, commit by `_id`,
projection last). Health and metrics endpoints are never queued, so probes see the truth under
load. The guard wraps the whole app, tracing included, so a shed request costs next to nothing.

Service-to-service calls (`/internal/...`, e.g. intake's key release to notify and casework, whose routes
admit only service principals) get a lane of their own: a small budget of slots and a longer queue,
never taken by people's requests. A flood of monitors' requests then cannot postpone an SMS whose key
release waits behind them, and a flood on `/internal/` (its callers are refused by the route unless
they are services) is bounded by that lane alone.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import deque
from collections.abc import Collection
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import metrics
from .i18n import negotiate
from .problems import problem_response

log = logging.getLogger("servicekit.overload")
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
SERVICE_PREFIX = "/internal/"
UPLOAD_TYPES = (b"multipart/form-data",)
MAX_RETRY_AFTER = 30


@dataclass(frozen=True)
class Limits:
    """How much one API process takes on at once."""

    max_concurrent: int = 8
    max_waiting: int = 32
    wait_seconds: float = 2.0
    deadline_seconds: float = 30.0
    retry_after: int = 2


# Services retry with their own backoff and hold work meanwhile: a few slots, and a queue they may wait in.
SERVICE_LIMITS = Limits(max_concurrent=4, max_waiting=64, wait_seconds=10.0)


class Lane:
    """One budget of slots and waiting places (created lazily: the semaphore needs the running loop)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.active = 0
        self.waiting = 0
        self._slots: asyncio.Semaphore | None = None

    async def admit(self) -> bool:
        """Take a slot, waiting in the bounded queue if needed; False when the request is shed."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.limits.max_concurrent)
        if not self._slots.locked():
            await self._slots.acquire()
            self.active += 1
            return True
        if self.waiting >= self.limits.max_waiting:
            return False
        self.waiting += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), self.limits.wait_seconds)
        except TimeoutError:
            return False
        finally:
            self.waiting -= 1
        self.active += 1
        return True

    def release(self) -> None:
        self.active -= 1
        if self._slots is not None:
            self._slots.release()


class OverloadGuard:
    """ASGI middleware: bounded concurrency, a bounded queue with a bounded wait, a request deadline."""

    def __init__(self, app: ASGIApp, *, limits: Limits, exempt: Collection[str] = EXEMPT_PATHS,
                 service_limits: Limits = SERVICE_LIMITS) -> None:
        self.app = app
        self.limits = limits
        self.exempt = frozenset(exempt)
        self.people = Lane(limits)
        self.services = Lane(service_limits)
        self._recent_sheds: deque[float] = deque()

    @property
    def active(self) -> int:
        return self.people.active + self.services.active

    @property
    def waiting(self) -> int:
        return self.people.waiting + self.services.waiting

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        lane = self.services if scope["path"].startswith(SERVICE_PREFIX) else self.people
        if not await lane.admit():
            metrics.requests_shed.labels(reason="overloaded").inc()
            # Held back to one line per window by logging.RepeatFilter, with the count of the others.
            log.warning("request shed, every slot busy: %s %s (%d waiting)", scope["method"], scope["path"],
                        lane.waiting)
            await self._shed(scope, receive, send, "overloaded")
            return
        try:
            await self._run(scope, receive, send)
        finally:
            lane.release()

    async def _run(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def send_tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        deadline = None if _is_upload(scope) else self.limits.deadline_seconds  # uploads are bounded by size
        try:
            async with asyncio.timeout(deadline):
                await self.app(scope, receive, send_tracking)
        except TimeoutError:
            if started:
                raise
            metrics.requests_shed.labels(reason="deadline").inc()
            log.warning("request cut at its deadline: %s %s", scope["method"], scope["path"])
            await self._shed(scope, receive, send, "request_deadline")

    def retry_after(self) -> int:
        """Longer the more is being shed, and spread, so refused clients do not all come back at once."""
        now = time.monotonic()
        self._recent_sheds.append(now)
        while self._recent_sheds and now - self._recent_sheds[0] > 1.0:
            self._recent_sheds.popleft()
        pressure = 1 + len(self._recent_sheds) // max(self.limits.max_concurrent, 1)
        base = min(self.limits.retry_after * pressure, MAX_RETRY_AFTER)
        return random.randint(base, min(2 * base, MAX_RETRY_AFTER))

    async def _shed(self, scope: Scope, receive: Receive, send: Send, code: str) -> None:
        """503 problem+json in the caller's language, with the spread Retry-After."""
        retry_after = self.retry_after()
        language = negotiate(dict(scope.get("headers", [])).get(b"accept-language", b"").decode(errors="replace"))
        headers = {"Retry-After": str(retry_after), "Cache-Control": "no-store"}
        refusal = problem_response(language, 503, code, headers=headers, retry_after=retry_after)
        await refusal(scope, receive, send)


def _is_upload(scope: Scope) -> bool:
    content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
    return content_type.startswith(UPLOAD_TYPES)
