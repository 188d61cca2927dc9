"""Transient failures: which errors mean "a dependency is away for a while", which one, and bounded retries.

A transient failure is retried (consumers, relay), answered with 503 + Retry-After (APIs), and
never dead-lettered. A few of them are worth retrying at once, inside the call that met them: a
dropped connection (`AutoReconnect`), SQLite's `database is locked` behind FerretDB, a primary
stepping down. A timeout is not: it has already waited its share, so it goes up at once.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Literal, TypeVar

import httpx
from aiokafka.errors import KafkaConnectionError, KafkaError, KafkaTimeoutError, NodeNotReadyError, RequestTimedOutError
from pymongo.errors import (
    ConnectionFailure,
    NetworkTimeout,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
    WTimeoutError,
)

log = logging.getLogger("servicekit.transient")
T = TypeVar("T")
Dependency = Literal["store", "broker", "upstream", "dependency"]


class TransientError(Exception):
    """A dependency is temporarily unavailable; retry later, never dead-letter."""


TRANSIENT_TYPES: tuple[type[BaseException], ...] = (
    TransientError,
    ConnectionFailure,
    NetworkTimeout,
    ServerSelectionTimeoutError,
    WTimeoutError,
    KafkaConnectionError,
    KafkaTimeoutError,
    NodeNotReadyError,
    RequestTimedOutError,
    httpx.TransportError,
    asyncio.TimeoutError,
    ConnectionError,
)
# MongoDB server codes of a node that cannot serve right now (shutting down, stepping down, not primary,
# interrupted, operation timed out) and of a write conflict: retrying later, or elsewhere, may succeed.
_TRANSIENT_CODES = frozenset({6, 7, 50, 89, 91, 112, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436})
# FerretDB's SQLite backend reports a busy database as an internal error carrying SQLite's own words.
_BUSY_WORDS = ("SQLITE_BUSY", "database is locked", "database table is locked")


def is_transient(exc: BaseException) -> bool:
    """True when retrying later may succeed (store, broker or gateway unreachable, busy or stepping down)."""
    if isinstance(exc, TRANSIENT_TYPES) or (isinstance(exc, KafkaError) and exc.retriable):
        return True
    if isinstance(exc, OperationFailure):
        if exc.code in _TRANSIENT_CODES or exc.has_error_label("RetryableWriteError"):
            return True
        return any(word in str(exc) for word in _BUSY_WORDS)
    return False


def worth_retrying_now(exc: BaseException) -> bool:
    """Transient and quick to fail (a dropped connection, a busy database), not a timeout that already waited."""
    if not is_transient(exc):
        return False
    if isinstance(exc, ServerSelectionTimeoutError | NetworkTimeout | asyncio.TimeoutError | KafkaTimeoutError):
        return False
    return not (isinstance(exc, PyMongoError) and exc.timeout)


def dependency_of(exc: BaseException) -> Dependency:
    """Which dependency an error is about, for the 503 a client sees and the logs."""
    if isinstance(exc, PyMongoError):
        return "store"
    if isinstance(exc, KafkaError):
        return "broker"
    if isinstance(exc, httpx.TransportError):
        return "upstream"
    return "dependency"


async def retry_transient(operation: Callable[[], Awaitable[T]], *, attempts: int = 3, first_delay: float = 0.05,
                          max_delay: float = 0.5) -> T:
    """Run an idempotent store call, retrying quick transient failures a bounded number of times.

    Only for calls that are safe to repeat (reads, replaces by `_id`, inserts whose duplicate-key
    outcome the caller interprets): the last failure is raised as is, so it becomes a 503 or a
    consumer retry.
    """
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            return await operation()
        except Exception as exc:
            if attempt == attempts or not worth_retrying_now(exc):
                raise
            log.info("store call retried after %s (attempt %d)", type(exc).__name__, attempt)
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            delay = min(delay * 2, max_delay)
    raise AssertionError("unreachable")
