"""Rebuild advocacy's indicator projections from the topics: `python -m advocacy.entrypoints.rebuild`."""

from __future__ import annotations

import argparse
import asyncio

from servicekit.service import prepare_process

from ..bootstrap import build_deps
from ..config import Settings
from ..replay import rebuild
from ..subscriptions import GROUPS


def main() -> None:
    """Command line: rebuild advocacy's projections with the service's own settings."""
    argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0]).parse_args()
    settings = Settings()
    prepare_process(settings)
    deps = build_deps(settings, authenticate=False)

    async def run() -> None:
        try:
            result = await rebuild(deps, GROUPS)
            print(f"generation {result.previous_generation} -> {result.generation}: replayed {result.replayed}, "
                  f"skipped {result.skipped}, records {result.records}")
        finally:
            await deps.core.client.close()

    asyncio.run(run())


if __name__ == "__main__":
    main()
