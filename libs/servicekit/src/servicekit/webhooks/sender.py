"""The sender: POSTs queued deliveries to their endpoints, signed, in order per aggregate, with retries.

One delivery per (subscription, aggregate stream) is in flight at a time, the oldest first: a failing
delivery holds back the later events of the same aggregate, never those of other aggregates or other
subscriptions. A delivery failing past the retry window disables its subscription, with the reason; the
deliveries stay queued until an administrator resumes it. At most one sender per service runs at a time
(a lease like the relay's), so order holds with several worker instances.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from pymongo.asynchronous.database import AsyncDatabase

from ..crypto import DecryptionError
from ..errors import DomainError, is_transient
from ..relay import RelayLease
from .backoff import retry_delay
from .dispatch import CLOUDEVENTS_JSON
from .signing import signed_headers
from .store import WebhookStore
from .urlguard import guard_url

log = logging.getLogger("servicekit.webhooks")
DISABLED_REASON = "retry_window_exhausted"
MAX_PAUSE_SECONDS = 30.0
# An idle sender backs off to this: what its own process queues wakes it at once, another process's (or a
# retry coming due) waits at most this long.
IDLE_PAUSE_SECONDS = 2.0


@dataclass(frozen=True)
class SenderPolicy:
    """Timeouts, retry schedule and limits of outbound deliveries."""

    allow_private_addresses: bool = False
    timeout_seconds: float = 5.0
    retry_base_seconds: float = 5.0
    retry_max_delay_seconds: float = 3600.0
    retry_window_seconds: float = 86400.0
    response_max_bytes: int = 4096
    poll_interval_seconds: float = 0.5
    queue_scan_limit: int = 20000
    concurrency: int = 8


class SenderLease(RelayLease):
    """The relay's time-slot lease, in a collection of its own."""

    def __init__(self, db: AsyncDatabase[Any], *, seconds: float) -> None:
        super().__init__(db, seconds=seconds)
        self.collection = db["webhook_sender_lease"]


class WebhookSender:
    """Delivers what the dispatch queued."""

    def __init__(self, store: WebhookStore, policy: SenderPolicy, *, lease: RelayLease | None = None,
                 user_agent: str = "redress-webhooks/1") -> None:
        self.store = store
        self.policy = policy
        self.lease = lease
        self.user_agent = user_agent
        self.client = httpx.AsyncClient(follow_redirects=False, trust_env=False,
                                        timeout=httpx.Timeout(policy.timeout_seconds))

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; a store that is away pauses the sender, it never ends the worker."""
        poll = self.policy.poll_interval_seconds
        pause = poll
        try:
            while not stop.is_set():
                self.store.queued.clear()
                try:
                    attempted = await self.deliver_due() if self.lease is None or await self.lease.holds() else 0
                    pause = poll if attempted else min(max(pause, poll) * 2, max(IDLE_PAUSE_SECONDS, poll))
                except Exception as exc:  # like the relay: log, back off, try again
                    if is_transient(exc):
                        log.warning("webhook sender waiting for the store: %s", type(exc).__name__)
                    else:
                        log.exception("webhook sender pass failed")
                    pause = min(pause * 2, MAX_PAUSE_SECONDS)
                await self._pause(stop, pause)
        finally:
            await self.client.aclose()

    async def _pause(self, stop: asyncio.Event, seconds: float) -> None:
        """Wait `seconds`, or less if the worker stops or its process queues a delivery."""
        waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.store.queued.wait())]
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()

    async def deliver_due(self) -> int:
        """One pass: attempt the oldest due delivery of every (subscription, aggregate); returns attempts made."""
        pending = await self.store.pending(self.policy.queue_scan_limit)
        if not pending:
            return 0  # an idle pass reads the queue only
        # Read after the queue: a delivery's subscription was stored before it, so one missing here was deleted.
        subscriptions = {s["_id"]: s for s in await self.store.all()}
        orphans = sorted({e["subscription_id"] for e in pending} - set(subscriptions))
        if orphans:
            await self.store.drop_queued(orphans)
        heads: dict[tuple[str, str], dict[str, Any]] = {}
        for entry in pending:
            key = (entry["subscription_id"], entry["stream"])
            if key not in heads or entry["order"] < heads[key]["order"]:
                heads[key] = entry
        now = self.store.clock()
        due = [(e, subscriptions[e["subscription_id"]]) for e in heads.values()
               if subscriptions.get(e["subscription_id"], {}).get("status") == "active" and e["due_at"] <= now]
        gate = asyncio.Semaphore(self.policy.concurrency)

        async def attempt(entry: dict[str, Any], subscription: dict[str, Any]) -> None:
            async with gate:
                await self.attempt(entry, subscription)

        await asyncio.gather(*(attempt(e, s) for e, s in due))
        return len(due)

    async def attempt(self, entry: Mapping[str, Any], subscription: Mapping[str, Any]) -> None:
        """Try one delivery and record the outcome."""
        body = await self.store.body(entry["_id"])
        if body is None:  # delivered meanwhile by a previous lease holder
            return
        error = await self.post(subscription, entry["event_id"], body.encode())
        attempts = int(entry.get("attempts", 0)) + 1
        if error is None:
            await self.store.delivered(entry, attempts=attempts)
            return
        now = self.store.clock()
        first_failed_at = entry.get("first_failed_at") or now
        delay = retry_delay(attempts, base_seconds=self.policy.retry_base_seconds,
                            max_delay_seconds=self.policy.retry_max_delay_seconds)
        await self.store.failed(entry, attempts=attempts, due_at=now + timedelta(seconds=delay),
                                first_failed_at=first_failed_at, error=error)
        if (now - first_failed_at).total_seconds() >= self.policy.retry_window_seconds:
            await self.store.disable(subscription["_id"], DISABLED_REASON)
            log.warning("webhook subscription disabled after failing for the whole retry window",
                        extra={"subscription_id": subscription["_id"]})

    async def post(self, subscription: Mapping[str, Any], webhook_id: str, body: bytes) -> str | None:
        """POST one signed message; None when acknowledged (2xx), else a short reason without content."""
        try:  # again at every attempt: the host's DNS answer may have changed since registration
            await guard_url(subscription["url"], allow_private=self.policy.allow_private_addresses)
        except DomainError as refusal:
            return refusal.code
        try:
            secret = self.store.secret_of(subscription)
        except DecryptionError:  # the key that encrypted it is gone: say so on the subscription
            return "secret_undecryptable"
        headers = signed_headers(secret, webhook_id, int(time.time()), body)
        headers.update({"content-type": CLOUDEVENTS_JSON, "user-agent": self.user_agent})
        try:
            async with self.client.stream("POST", subscription["url"], content=body, headers=headers) as response:
                await self._drain(response)
                status = response.status_code
        except httpx.HTTPError as exc:
            return type(exc).__name__
        return None if 200 <= status < 300 else f"http_{status}"

    async def _drain(self, response: httpx.Response) -> None:
        # Read at most a small cap: the body means nothing to us, and a huge one must not tie us up.
        read = 0
        async for chunk in response.aiter_raw():
            read += len(chunk)
            if read >= self.policy.response_max_bytes:
                break
