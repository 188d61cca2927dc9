"""A consumer whose effect is an idempotent append to its own store (the design's usual effect)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, ConfigDict
from pymongo import AsyncMongoClient
from servicekit.consumer import ConsumedEvent, ConsumerRunner
from servicekit.errors import Conflict
from servicekit.eventstore import CommandContext, EventStore
from servicekit.kafka import idempotent_producer
from tally import increment, open_tally, tally_type

LEDGER_ID = "ledger"


class Deposit(BaseModel):
    """The consumer's own model of the fields it reads."""

    model_config = ConfigDict(extra="ignore")
    amount: int


async def build_runner(bootstrap: str, mongo_url: str, db_name: str, topic: str, group: str, *,
                       after_effect: Callable[[], Awaitable[None]] | None = None,
                       max_attempts: int = 3) -> tuple[ConsumerRunner, Any]:
    client: AsyncMongoClient = AsyncMongoClient(mongo_url)
    store = EventStore(client[db_name], source="/redress/kit")
    ledger = tally_type(f"{topic}.ledger")
    try:
        await store.execute(ledger, LEDGER_ID, open_tally("ledger"), context=CommandContext(actor="setup"))
    except Conflict:
        pass

    async def record_deposit(event: ConsumedEvent, deps: Any) -> None:
        deposit = Deposit.model_validate(event.data)
        if deposit.amount < 0:
            raise Conflict("negative deposits are refused")
        await store.execute(ledger, LEDGER_ID, increment(deposit.amount),
                            context=CommandContext(actor="consumer", causation_id=event.id),
                            idempotency_key=event.effect_key("record_deposit"))
        if after_effect is not None:
            await after_effect()

    producer = idempotent_producer(bootstrap, client_id="kit-dlq")
    await producer.start()
    runner = ConsumerRunner(bootstrap=bootstrap, group_id=group, topics=[topic],
                            subscriptions={"kit.money.deposited.v1": [record_deposit]}, deps=None,
                            dlq_producer=producer, max_attempts=max_attempts, backoff_max_seconds=0.05)
    return runner, producer
