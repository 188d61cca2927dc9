"""Primary + failover routing with retries and rate limits, using fakes and an instant clock."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import timedelta

import pytest
from notify.channels import SendResult, SendStatus
from notify.channels.sms_router import SmsRouter
from notify.domain.retry import RetryPolicy, TokenBucket
from servicekit.testing import FakeClock


class Sleeps:
    """The router's sleep on the kit's fake clock: instant, recorded, and moving the clock on."""

    def __init__(self) -> None:
        self.clock = FakeClock()
        self.sleeps: list[float] = []

    def seconds(self) -> float:
        """The clock as the token bucket's monotonic seconds."""
        return self.clock().timestamp()

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock.advance(timedelta(seconds=seconds))


class ScriptedProvider:
    """Answers from a script of (status, http_status, provider_fault); accepted once exhausted."""

    def __init__(self, name: str, script: Iterable[tuple[SendStatus, int | None, bool]] = ()) -> None:
        self.name = name
        self.script = list(script)
        self.calls: list[tuple[str, str | None]] = []

    async def send_sms(self, to: str, body: str, *, status_callback_url: str | None = None) -> SendResult:
        self.calls.append((to, status_callback_url))
        status, http, fault = self.script.pop(0) if self.script else ("accepted", 201, False)
        message_id = f"{self.name}-{len(self.calls)}" if status == "accepted" else None
        return SendResult(status, self.name, message_id, http, None if http == 201 else f"http:{http}", fault)


def router(*providers: ScriptedProvider, clock: Sleeps, **kwargs: object) -> SmsRouter:
    return SmsRouter(providers, sleep=clock.sleep, rng=random.Random(3), **kwargs)  # type: ignore[arg-type]


async def test_503_503_200_makes_three_attempts_then_accepted() -> None:
    clock = Sleeps()
    primary = ScriptedProvider("at", [("retryable", 503, False), ("retryable", 503, False)])
    result = await router(primary, clock=clock).send("+22370000000", "hello")
    assert result.status == "accepted"
    assert len(primary.calls) == 3
    assert [a.http_status for a in result.attempts] == [503, 503, 201]
    assert len(clock.sleeps) == 2 and clock.sleeps[1] > clock.sleeps[0] / 2


async def test_400_is_one_attempt_and_failed_without_failover() -> None:
    clock = Sleeps()
    primary = ScriptedProvider("at", [("rejected", 400, False)])
    backup = ScriptedProvider("twilio")
    result = await router(primary, backup, clock=clock).send("+22370000000", "hello")
    assert result.status == "failed"
    assert len(primary.calls) == 1 and backup.calls == []
    assert result.error == "http:400"


async def test_429_and_timeouts_are_retried() -> None:
    clock = Sleeps()
    primary = ScriptedProvider("at", [("retryable", 429, False), ("retryable", None, False)])
    result = await router(primary, clock=clock).send("+22370000000", "hello")
    assert result.status == "accepted" and len(primary.calls) == 3


async def test_fails_over_after_max_attempts() -> None:
    clock = Sleeps()
    primary = ScriptedProvider("at", [("retryable", 503, False)] * 3)
    backup = ScriptedProvider("twilio")
    result = await router(primary, backup, clock=clock, policy=RetryPolicy(max_attempts=3)).send("+223", "x")
    assert result.status == "accepted" and result.provider == "twilio"
    assert len(primary.calls) == 3 and len(backup.calls) == 1
    assert [a.provider for a in result.attempts] == ["at", "at", "at", "twilio"]


async def test_provider_fault_fails_over_at_once() -> None:
    clock = Sleeps()
    primary = ScriptedProvider("at", [("rejected", 401, True)])
    backup = ScriptedProvider("twilio")
    result = await router(primary, backup, clock=clock).send("+223", "x")
    assert result.provider == "twilio" and len(primary.calls) == 1 and clock.sleeps == []


async def test_all_providers_exhausted_is_failed() -> None:
    clock = Sleeps()
    primary = ScriptedProvider("at", [("retryable", 503, False)] * 2)
    backup = ScriptedProvider("twilio", [("retryable", 502, False)] * 2)
    result = await router(primary, backup, clock=clock, policy=RetryPolicy(max_attempts=2)).send("+223", "x")
    assert result.status == "failed" and len(result.attempts) == 4
    assert result.provider_message_id is None


async def test_status_callback_goes_to_the_matching_provider() -> None:
    clock = Sleeps()
    primary = ScriptedProvider("at")
    await router(primary, clock=clock).send("+223", "x", status_callbacks={"at": "https://cb/at"})
    assert primary.calls == [("+223", "https://cb/at")]


async def test_token_bucket_spaces_out_sends() -> None:
    clock = Sleeps()
    bucket = TokenBucket(rate=1.0, capacity=1, clock=clock.seconds)
    primary = ScriptedProvider("at")
    r = router(primary, clock=clock, rate_limits={"at": bucket})
    for _ in range(3):
        assert (await r.send("+223", "x")).status == "accepted"
    assert clock.sleeps == [pytest.approx(1.0), pytest.approx(1.0)]


def test_router_needs_distinct_providers() -> None:
    with pytest.raises(ValueError):
        SmsRouter([])
    with pytest.raises(ValueError):
        SmsRouter([ScriptedProvider("at"), ScriptedProvider("at")])
