"""Send an SMS through a primary provider and its failovers, with retries and rate limits."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from notify.channels import SendResult, SendStatus, SmsSender
from notify.domain.retry import RetryPolicy, TokenBucket, backoff_delay, decide

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Attempt:
    """One call to one provider, as recorded on the delivery (no content, no number)."""

    provider: str
    number: int
    status: SendStatus
    http_status: int | None
    error: str | None


@dataclass(frozen=True, slots=True)
class RouteResult:
    """Final outcome over all providers: accepted by one of them, unknown (it may have been), or failed."""

    status: Literal["accepted", "unknown", "failed"]
    provider: str | None
    provider_message_id: str | None
    attempts: tuple[Attempt, ...]
    error: str | None = None


class SmsRouter:
    """Primary-then-failover SMS sending under a retry policy and per-provider token buckets."""

    def __init__(
        self,
        providers: Sequence[SmsSender],
        *,
        policy: RetryPolicy | None = None,
        rate_limits: Mapping[str, TokenBucket] | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if not providers:
            raise ValueError("at least one SMS provider is required")
        names = [provider.name for provider in providers]
        if len(set(names)) != len(names):
            raise ValueError("SMS provider names must be unique")
        self.providers = tuple(providers)
        self.policy = policy or RetryPolicy()
        self.rate_limits = dict(rate_limits or {})
        self._sleep = sleep
        self._rng = rng or random.Random()

    async def _take_token(self, provider: str) -> None:
        bucket = self.rate_limits.get(provider)
        while bucket is not None and not bucket.try_acquire():
            await self._sleep(bucket.wait_time())

    async def _try_provider(
        self, provider: SmsSender, to: str, body: str, callback: str | None, log: list[Attempt]
    ) -> tuple[SendResult, bool]:
        """Attempts on one provider; returns the last result and whether to stop routing."""
        attempt = 0
        while True:
            attempt += 1
            await self._take_token(provider.name)
            result = await provider.send_sms(to, body, status_callback_url=callback)
            log.append(Attempt(provider.name, attempt, result.status, result.http_status, result.error))
            decision = decide(result.status, attempt, self.policy, provider_fault=result.provider_fault)
            logger.info(
                "sms attempt",
                extra={"provider": provider.name, "attempt": attempt, "decision": decision},
            )
            if decision == "retry":
                await self._sleep(backoff_delay(attempt, self.policy, self._rng))
                continue
            return result, decision in ("done", "fail")

    async def send(self, to: str, body: str, *, status_callbacks: Mapping[str, str] | None = None) -> RouteResult:
        """Send one SMS; `status_callbacks` maps a provider name to its delivery-callback URL."""
        attempts: list[Attempt] = []
        last: SendResult | None = None
        for provider in self.providers:
            callback = (status_callbacks or {}).get(provider.name)
            last, stop = await self._try_provider(provider, to, body, callback, attempts)
            if stop:
                break
        assert last is not None  # providers is never empty
        if last.status == "accepted":
            return RouteResult("accepted", last.provider, last.provider_message_id, tuple(attempts), last.error)
        if last.status == "unknown":
            return RouteResult("unknown", last.provider, None, tuple(attempts), last.error)
        return RouteResult("failed", last.provider, None, tuple(attempts), last.error)
