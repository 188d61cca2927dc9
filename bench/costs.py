"""What a pipeline stage cost each process: CPU seconds from /proc and store round trips by collection."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from servicekit.testing import REPO_ROOT

TICKS = os.sysconf("SC_CLK_TCK")
INFRA_PIDS = {"ferretdb": REPO_ROOT / ".cache/data/ferretdb/ferretdb.pid",
              "kafka": REPO_ROOT / ".cache/data/kafka/kafka.pid"}


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process has used (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15 of stat)


def infra_pids() -> dict[str, int]:
    """The local stack's store and broker processes, from their pid files."""
    found = {}
    for name, path in INFRA_PIDS.items():
        try:
            found[name] = int(path.read_text().strip())
        except (FileNotFoundError, ValueError):
            continue
    return found


class Costs:
    """Snapshots of every process's CPU and round trips; `since(snapshot, flows)` divides by flows."""

    def __init__(self, pids: dict[str, int], trips_dir: Path | None) -> None:
        self.pids = {**pids, **infra_pids()}
        self.trips_dir = trips_dir

    def snapshot(self) -> dict[str, Any]:
        """CPU seconds per process and store commands per service process (`db command collection`)."""
        trips: dict[str, dict[str, int]] = {}
        if self.trips_dir is not None:
            for name, pid in self.pids.items():
                path = self.trips_dir / f"{pid}.json"
                if path.exists():
                    trips[name] = json.loads(path.read_text())
        return {"cpu": {name: cpu_seconds(pid) for name, pid in self.pids.items()}, "trips": trips}

    def since(self, before: dict[str, Any], flows: int) -> dict[str, Any]:
        """Per flow: CPU ms of each process, and each service process's round trips by command and collection."""
        after, per = self.snapshot(), max(flows, 1)
        cpu = {name: round(1000 * (after["cpu"][name] - before["cpu"].get(name, 0.0)) / per, 1)
               for name in after["cpu"]}
        trips: dict[str, dict[str, float]] = {}
        for name, counts in after["trips"].items():
            grown = Counter(counts)
            grown.subtract(before["trips"].get(name, {}))
            # The database name is the bench's (random) one: keep the command and the collection.
            trips[name] = {key.split(" ", 1)[1]: round(n / per, 2) for key, n in sorted(grown.items()) if n > 0}
        return {"flows": flows, "cpu_ms_per_flow": cpu, "cpu_ms_per_flow_total": round(sum(cpu.values()), 1),
                "round_trips_per_flow": trips,
                "round_trips_per_flow_total": {n: round(sum(t.values()), 2) for n, t in trips.items()}}
