"""Bench-only: counts every store command a service process sends, by database, command and collection.

`bench/pipeline.py --count-trips` puts this folder on the services' PYTHONPATH, so Python imports it at
start-up (the `sitecustomize` hook). A PyMongo command listener registered here sees every client the
process builds; a thread writes the running counts to `$REDRESS_BENCH_TRIPS_DIR/<pid>.json` once a
second, and the bench reads them before and after each stage. Nothing but names and counts is kept.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from pathlib import Path

TARGET = os.environ.get("REDRESS_BENCH_TRIPS_DIR")

if TARGET:
    from pymongo import monitoring

    class _Tally(monitoring.CommandListener):
        """`database command collection` -> count."""

        def __init__(self) -> None:
            self.counts: Counter[str] = Counter()

        def started(self, event: monitoring.CommandStartedEvent) -> None:
            target = event.command.get(event.command_name)
            collection = target if isinstance(target, str) else "-"
            if event.command_name == "bulkWrite":  # one round trip: named by its writes, in order
                names = [ns["ns"].split(".", 1)[-1] for ns in event.command.get("nsInfo", [])]
                collection = " + ".join(f"{kind} {names[index]}" for op in event.command.get("ops", [])
                                        for kind, index in list(op.items())[:1])
            self.counts[f"{event.database_name} {event.command_name} {collection}"] += 1

        def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
            return

        def failed(self, event: monitoring.CommandFailedEvent) -> None:
            return

    _tally = _Tally()
    monitoring.register(_tally)

    def _write_forever(path: Path) -> None:
        while True:
            time.sleep(1.0)
            path.with_suffix(".tmp").write_text(json.dumps(dict(_tally.counts)))
            path.with_suffix(".tmp").replace(path)

    threading.Thread(target=_write_forever, args=(Path(TARGET) / f"{os.getpid()}.json",), daemon=True).start()
