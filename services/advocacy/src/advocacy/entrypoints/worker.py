"""Advocacy worker process (outbox relay and consumers): `python -m advocacy.entrypoints.worker`."""

from __future__ import annotations

import asyncio

from servicekit.service import prepare_process, run_worker

from ..bootstrap import build_deps
from ..config import Settings
from ..domain import AGGREGATES
from ..indexes import INDEXES
from ..subscriptions import GROUPS


def main() -> None:
    settings = Settings()
    prepare_process(settings)
    deps = build_deps(settings)
    asyncio.run(run_worker(deps.core, deps, aggregates=AGGREGATES, groups=GROUPS, indexes=INDEXES))


if __name__ == "__main__":
    main()
