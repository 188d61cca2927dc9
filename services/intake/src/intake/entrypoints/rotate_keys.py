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

from servicekit.audit import AuditEntry
from servicekit.service import prepare_process

from ..bootstrap import build_deps
from ..config import Settings


async def rotate(settings: Settings) -> dict[str, object]:
    """One rotation pass, audited as an administrative action of the operator's command."""
    deps = build_deps(settings)
    try:
        report = await deps.keyring.rotate() + await deps.incident_keys.rotate()
        await deps.core.audit.record(AuditEntry(
            actor="intake-rotate-keys-command", action="keys.rotated", resource_type="keyring",
            resource_id="victim_keys", outcome="allowed",
            reason=f"rewrapped {report.rewrapped}, failed {report.failed}"))
        return asdict(report)
    finally:
        await deps.core.client.close()


def main() -> None:
    settings = Settings()  # type: ignore[call-arg]  # the KEK sources come from the environment
    prepare_process(settings)
    report = asyncio.run(rotate(settings))
    print(json.dumps(report))
    sys.exit(1 if report["failed"] else 0)


if __name__ == "__main__":
    main()
