"""A dependency that is away is a 503 with Retry-After, never a 500, and a wedged store client ends the process.

- Every error that `transient.is_transient` recognises (store unreachable or busy, broker or another
  service unreachable) becomes `503 Service unavailable` problem+json naming the dependency, with
  `Retry-After`, and one short log line instead of a stack trace.
- `StoreWatchdog` watches the process's own store client: when it keeps failing while a fresh
  client reaches the same store, the client is wedged (it happened once to intake after an outage,
  for eight minutes, until a restart), so the process exits for its supervisor to restart it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

from . import metrics
from .errors import Unavailable
from .i18n import DEFAULT_LANGUAGE, Catalogue
from .problems import app_messages, localised, problem_response, request_language
from .transient import TRANSIENT_TYPES, Dependency, dependency_of, is_transient

log = logging.getLogger("servicekit.availability")
EXIT_WEDGED = 75  # EX_TEMPFAIL: start me again


def unavailable(dependency: Dependency, retry_after: int, language: str = DEFAULT_LANGUAGE,
                messages: Catalogue | None = None) -> JSONResponse:
    """`503` problem+json in `language` telling the client which dependency is missing and when to retry."""
    refusal = Unavailable("dependency_unavailable", dependency=dependency, retry_after=retry_after)
    return localised(refusal.problem(language, messages), 503, language, {"Retry-After": str(retry_after)})


def install_availability_handlers(app: FastAPI, *, retry_after: int = 5) -> None:
    """Transient dependency errors answer 503 + Retry-After (other store errors stay a logged 500)."""

    async def handler(request: Request, exc: Exception) -> JSONResponse:
        language = request_language(request)
        if not is_transient(exc):
            log.error("store error on %s %s: %s", request.method, request.url.path, type(exc).__name__,
                      exc_info=exc)
            return problem_response(language, 500, "internal_error")
        dependency = dependency_of(exc)
        metrics.dependency_unavailable.labels(dependency=dependency).inc()
        log.warning("%s unavailable on %s %s: %s", dependency, request.method, request.url.path,
                    type(exc).__name__)
        return unavailable(dependency, retry_after, language, app_messages(request))

    for kind in {*TRANSIENT_TYPES, PyMongoError}:
        app.add_exception_handler(kind, handler)


async def ping(client: AsyncMongoClient[Any], timeout: float) -> bool:
    """Does this client reach the store within `timeout`?"""
    try:
        await asyncio.wait_for(client.admin.command("ping"), timeout)
        return True
    except Exception:
        return False


class StoreWatchdog:
    """Ends the process when its store client stays unusable while a fresh client reaches the store."""

    def __init__(self, client: AsyncMongoClient[Any], url: str, *, interval: float = 5.0,
                 wedged_after: float = 30.0, timeout: float = 3.0) -> None:
        self.client = client
        self.url = url
        self.interval = interval
        self.wedged_after = wedged_after
        self.timeout = timeout
        self.failing_since: float | None = None

    async def check(self) -> bool:
        """One look; True when the process's client is judged wedged."""
        if await ping(self.client, self.timeout):
            self.failing_since = None
            return False
        if not await self._fresh_client_reaches_store():
            self.failing_since = None  # the store itself is away: an outage, wait for it
            return False
        now = time.monotonic()
        self.failing_since = self.failing_since or now
        return now - self.failing_since >= self.wedged_after

    async def _fresh_client_reaches_store(self) -> bool:
        fresh: AsyncMongoClient[Any] = AsyncMongoClient(self.url, serverSelectionTimeoutMS=int(self.timeout * 1000),
                                                        connectTimeoutMS=int(self.timeout * 1000))
        try:
            return await ping(fresh, self.timeout)
        finally:
            await fresh.close()

    async def run(self, stop: asyncio.Event) -> None:
        """Check every `interval` until `stop`; exit the process (code 75) when the client is wedged."""
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), self.interval)
            except TimeoutError:
                pass
            if not stop.is_set() and await self.check():
                log.critical("store client wedged while the store answers others; exiting for a restart")
                logging.shutdown()
                os._exit(EXIT_WEDGED)
