"""Re-wrap every data key (victims' and incidents') under the current KEK: `python -m intake.entrypoints.rotate_keys`.

Rotation: set INTAKE_KEK_SOURCE to the new KEK and INTAKE_KEK_PREVIOUS_SOURCES to a JSON list holding
the old one, restart the services, run this (or POST /admin/keys/rotate), then drop the old KEK from
the list once the report shows `failed: 0`. Field ciphertexts are never touched.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import asdict

from servicekit.api import Caller
from servicekit.eventstore import CommandContext
from servicekit.service import prepare_process

from ..bootstrap import build_deps
from ..config import Settings
from ..handlers.keys import rotate_kek

# The operator's command acts as itself: the audit entry names it, as the route names the admin.
OPERATOR = Caller(subject="intake-rotate-keys-command", roles=frozenset(), organisation=None, is_service=True,
                  context=CommandContext(actor="intake-rotate-keys-command"))


async def rotate(settings: Settings) -> dict[str, object]:
    """One rotation pass, audited as an administrative action of the operator's command."""
    deps = build_deps(settings)
    try:
        return asdict(await rotate_kek(deps, OPERATOR))
    finally:
        await deps.core.client.close()


def main() -> None:
    """Run one rotation pass with the environment's settings; exit 1 when any key failed."""
    settings = Settings()  # type: ignore[call-arg]  # the KEK sources come from the environment
    prepare_process(settings)
    report = asyncio.run(rotate(settings))
    print(json.dumps(report))
    sys.exit(1 if report["failed"] else 0)


if __name__ == "__main__":
    main()
