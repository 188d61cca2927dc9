"""CPU time spent by the store process and by the bench process (which runs the kit), per operation.

On a shared machine, wall-clock latency mostly measures the queue for a core; CPU time per operation
is what the operation costs, and what an idle machine would show as latency (plus round trips).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse


def listening_pid(port: int) -> int | None:
    """The local process listening on TCP `port` (Linux /proc), or None when it cannot be found."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") in inodes for fd in os.listdir(f"/proc/{pid}/fd")):
                return int(pid)
        except OSError:
            continue
    return None


@dataclass(frozen=True)
class Snapshot:
    store_s: float | None
    bench_s: float


class CpuMeter:
    """Reads the CPU seconds of the store (found by the port of its URL) and of this process."""

    def __init__(self, mongo_url: str) -> None:
        port = urlparse(mongo_url).port
        self.store_pid = listening_pid(port) if port else None
        self.ticks = os.sysconf("SC_CLK_TCK")

    def snapshot(self) -> Snapshot:
        return Snapshot(self._store_seconds(), time.process_time())

    def per_op(self, before: Snapshot, after: Snapshot, count: int) -> dict[str, float]:
        """CPU milliseconds per operation between two snapshots."""
        n = max(count, 1)
        out = {"bench_cpu_ms_per_op": round((after.bench_s - before.bench_s) * 1000 / n, 2)}
        if before.store_s is not None and after.store_s is not None:
            out["store_cpu_ms_per_op"] = round((after.store_s - before.store_s) * 1000 / n, 2)
        return out

    def _store_seconds(self) -> float | None:
        if self.store_pid is None:
            return None
        try:
            fields = Path(f"/proc/{self.store_pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / self.ticks  # utime + stime
