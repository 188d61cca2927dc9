"""Child process for the crash tests: runs one command and SIGKILLs itself at a given step."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pymongo import AsyncMongoClient
from servicekit.eventstore import CommandContext, EventStore
from tally import open_tally, tally_type


async def main(mongo_url: str, db_name: str, topic: str, aggregate_id: str, die_at: str) -> None:
    async def die(step: str) -> None:
        if step == die_at:
            os.kill(os.getpid(), signal.SIGKILL)

    client: AsyncMongoClient = AsyncMongoClient(mongo_url)
    store = EventStore(client[db_name], source="/redress/kit", fault_hook=die)
    await store.execute(tally_type(topic), aggregate_id, open_tally("crash"), context=CommandContext(actor="test"))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
