"""Notify worker process: outbox relay, consumers, the dispatcher that sends due messages, the reconciler.

`python -m notify.entrypoints.worker`
"""

from __future__ import annotations

import asyncio

from servicekit.service import prepare_process, run_worker

from ..bootstrap import Deps, build_deps
from ..config import Settings
from ..dispatcher import Dispatcher
from ..domain import AGGREGATES
from ..reconciler import Reconciler
from ..subscriptions import GROUPS


async def serve(deps: Deps) -> None:
    """Run the worker until SIGTERM/SIGINT."""
    await run_worker(deps.core, deps, aggregates=AGGREGATES, groups=GROUPS,
                     extra_tasks=[Dispatcher(deps).run, Reconciler(deps).run])


def main() -> None:
    settings = Settings()
    prepare_process(settings)
    asyncio.run(serve(build_deps(settings)))


if __name__ == "__main__":
    main()
