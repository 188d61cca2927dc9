"""A notify worker that is killed (SIGKILL) right after it recorded a hearing as seen, before planning.

Run by test_crash_safety.py: python kill_hearing_worker.py <bootstrap> <mongo url> <db> <namespace> <jwks file>
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import replace
from typing import Any

from notify.bootstrap import build_deps
from notify.config import Settings
from notify.projections.hearings import Applied, HearingStore
from notify.spec import SPEC


class DiesAfterRecordingTheHearing(HearingStore):
    """The real hearing store; the process dies the moment a new hearing revision is written."""

    async def apply(self, hearing: Any, victim_ids: list[str]) -> Applied:
        outcome = await super().apply(hearing, victim_ids)
        if outcome in ("first", "applied"):
            os.kill(os.getpid(), signal.SIGKILL)
        return outcome


async def main(bootstrap: str, mongo_url: str, db: str, namespace: str, jwks: str) -> None:
    settings = Settings(_env_file=None, kafka_bootstrap=bootstrap, mongo_url=mongo_url,  # type: ignore[call-arg]
                        mongo_db=db, topic_namespace=namespace, topic_partitions=2, relay_abort_grace_seconds=10,
                        auth_jwks_file=jwks, metrics_port=0)
    deps = build_deps(settings)
    deps = replace(deps, hearings=DiesAfterRecordingTheHearing(deps.core.db))
    await SPEC.run_worker(deps)  # the worker process's own body, with the one port replaced


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
