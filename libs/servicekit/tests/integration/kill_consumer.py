"""Child process: consumes one event, applies its effect, then SIGKILLs itself before committing."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from consumer_support import build_runner


async def main(bootstrap: str, mongo_url: str, db_name: str, topic: str, group: str) -> None:
    async def after_effect() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    runner, producer = await build_runner(bootstrap, mongo_url, db_name, topic, group, after_effect=after_effect)
    try:
        await runner.run(asyncio.Event())
    finally:
        await producer.stop()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
