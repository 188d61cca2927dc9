"""Worker readiness probe: the API's /readyz checks (store and broker reachable), run as a command.

`python worker_ready.py <service>` exits 0 when both answer, 1 otherwise. It builds the checks from
the service's own settings with servicekit's `readiness_checks`, so the probe follows the kit's
client options (SASL, TLS) exactly as the API does. Mounted from a ConfigMap by the Helm chart.
"""

from __future__ import annotations

import asyncio
import importlib
import sys

from servicekit.service import build_core, readiness_checks


async def ready(service: str) -> dict[str, bool]:
    """Run every readiness check of the service once."""
    settings = importlib.import_module(f"{service}.config").Settings()
    core = build_core(settings)
    try:
        checks = readiness_checks(core)
        results = await asyncio.gather(*(check() for check in checks.values()))
        return dict(zip(checks, results, strict=True))
    finally:
        await core.client.close()


def main() -> None:
    results = asyncio.run(ready(sys.argv[1]))
    print(" ".join(f"{name}={'ok' if ok else 'unreachable'}" for name, ok in results.items()))
    sys.exit(0 if all(results.values()) else 1)


if __name__ == "__main__":
    main()
