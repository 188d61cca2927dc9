"""E-mail follows the SMS retry policy: 4xx replies and network trouble retried, 5xx replies not."""

from __future__ import annotations

from notify.channels import SendResult
from notify.channels.email import EmailRouter
from notify.domain.retry import RetryPolicy


class ScriptedSmtp:
    """An e-mail sender answering from a script of statuses."""

    def __init__(self, *statuses: str) -> None:
        self.statuses = list(statuses)
        self.calls = 0

    async def send_email(self, to: str, subject: str, body: str) -> SendResult:
        self.calls += 1
        status = self.statuses.pop(0)
        error = None if status == "accepted" else "smtp:451" if status == "retryable" else "smtp:550"
        return SendResult(status, "smtp", "<id@test>" if status == "accepted" else None, None, error)  # type: ignore[arg-type]


async def no_sleep(_: float) -> None:
    """Backoff timing is covered by the retry policy tests."""


async def test_temporary_refusals_are_retried_then_accepted() -> None:
    smtp = ScriptedSmtp("retryable", "retryable", "accepted")
    result = await EmailRouter(smtp, policy=RetryPolicy(max_attempts=3), sleep=no_sleep).send("a@b.org", "s", "b")
    assert (result.status, smtp.calls, len(result.attempts)) == ("accepted", 3, 3)


async def test_a_permanent_refusal_is_one_attempt_and_failed() -> None:
    smtp = ScriptedSmtp("rejected")
    result = await EmailRouter(smtp, sleep=no_sleep).send("a@b.org", "s", "b")
    assert (result.status, result.error, smtp.calls) == ("failed", "smtp:550", 1)


async def test_retries_stop_at_the_attempt_limit() -> None:
    smtp = ScriptedSmtp("retryable", "retryable")
    result = await EmailRouter(smtp, policy=RetryPolicy(max_attempts=2), sleep=no_sleep).send("a@b.org", "s", "b")
    assert (result.status, smtp.calls) == ("failed", 2)
