"""The whole system under a steady load while processes are killed and the broker and the store stop:
afterwards, counted through the APIs, every flow is there exactly once and every victim was told once.

Recovery times and counts go to tests/faults/results/ (docs/reliability.md); none is asserted.
"""

from __future__ import annotations

import os
import subprocess
import time
from typing import Any

import pytest
from faultchecks import count_everything, exactly_once, settle_notices
from faultload import Load
from faultsystem import FULL, SERVICES, FaultSystem, write_results
from servicekit.testing import REPO_ROOT, eventually_sync

# A full run (`make faults`) takes minutes per scenario on a busy machine: more than the default 300 s.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(1200)]
FLOWS = 60 if FULL else 24
RATE = 1.0
OUTAGE = {"broker": 15.0 if FULL else 10.0, "store": 12.0 if FULL else 8.0}
KILLED = [f"{s}-{k}" for s in SERVICES for k in ("api", "worker")] if FULL else [
    "intake-api", "casework-worker", "notify-worker", "notify-api"]


def check_and_record(system: FaultSystem, load: Load, name: str, figures: dict[str, Any]) -> None:
    notices = settle_notices(system, load.flows)
    counts = count_everything(system, load.flows)
    write_results(name, {**figures, **notices, "flows": counts["flows"], "completed": counts["completed"],
                         "lost_or_doubled": len(exactly_once(counts)), "client_outcomes": dict(system.statuses)})
    assert counts["errors"] == []
    assert exactly_once(counts) == []
    assert system.statuses["500"] == 0


def test_killing_each_process_under_load_loses_and_doubles_nothing(faults_system: FaultSystem) -> None:
    system, load, recovery = faults_system, Load(faults_system, "kill"), {}
    system.statuses.clear()

    def kill_in_turn() -> None:
        for process in KILLED:
            time.sleep(FLOWS / RATE / (len(KILLED) + 1))
            recovery[process] = round(system.kill(process), 1)

    load.offer(FLOWS, RATE, during=kill_in_turn)
    check_and_record(system, load, "kill_each_process", {"killed": KILLED, "restarted_after_s": recovery})


def stack(action: str, part: str) -> None:
    subprocess.run([str(REPO_ROOT / f"deploy/local/{part}.sh"), action], check=True, cwd=REPO_ROOT,
                   env=os.environ.copy(), timeout=180)


def outage(system: FaultSystem, part: str, figures: dict[str, Any]) -> None:
    """Stop `part` a third into the load for OUTAGE seconds; note how long each API took to be ready again."""
    time.sleep(FLOWS / RATE / 3)
    pids = system.pids()
    stack("stop", "kafka" if part == "broker" else "ferretdb")
    time.sleep(OUTAGE[part])
    figures["readyz_during"] = {s: system.answers(s, "/readyz") for s in SERVICES}
    stack("start", "kafka" if part == "broker" else "ferretdb")
    back = time.monotonic()
    figures["back_at"] = back
    ready: dict[str, float] = {}
    for service in SERVICES:
        eventually_sync(lambda s=service: system.answers(s, "/readyz"), f"{service} ready", 120)
        ready[service] = round(time.monotonic() - back, 1)
    figures["ready_after_s"] = ready
    figures["processes_restarted"] = sorted(n for n, pid in system.pids().items() if pids.get(n) != pid)


@pytest.mark.usefixtures("managed")
@pytest.mark.parametrize("part", ["broker", "store"])
def test_a_dependency_stop_under_load_loses_and_doubles_nothing_and_nobody_exits(faults_system: FaultSystem,
                                                                                 part: str) -> None:
    system, load, figures = faults_system, Load(faults_system, part), {}
    system.statuses.clear()
    failures: list[BaseException] = []

    def fault() -> None:
        try:
            outage(system, part, figures)
        except BaseException as exc:  # surfaced below, once the load is done
            failures.append(exc)

    load.offer(FLOWS, RATE, during=fault)
    if failures:
        raise failures[0]
    back = figures.pop("back_at")
    late = [f.in_inbox - back for f in load.flows if f.in_inbox and f.in_inbox > back and f.started < back]
    figures["last_referral_in_inbox_after_s"] = round(max(late), 1) if late else 0.0
    check_and_record(system, load, f"{part}_stop", {"outage_s": OUTAGE[part], **figures})
    assert figures["processes_restarted"] == []  # nothing exits on a dependency outage
    assert not any(figures["readyz_during"].values())  # every API said which dependency was missing
