"""One process's store round trips per flow by command and collection, before and after (bench/pipeline.py)."""

from __future__ import annotations

from typing import Any


def _stage(run: dict[str, Any], rate: float) -> dict[str, Any] | None:
    return next((s for s in run["stages"] if s["offered_per_s"] == rate and "costs" in s), None)


def process_trips(before: dict[str, Any], after: dict[str, Any], process: str, rates: tuple[float, ...]) -> list[str]:
    """A table of `process`'s round trips per flow, by `command collection`, at each rate both runs measured."""
    columns = [(rate, b, a) for rate in rates if (b := _stage(before, rate)) and (a := _stage(after, rate))]
    if not columns:
        return []

    def trips(stage: dict[str, Any]) -> dict[str, float]:
        return stage["costs"]["round_trips_per_flow"].get(process, {})  # type: ignore[no-any-return]

    kinds = sorted({k for _, b, a in columns for k in (*trips(b), *trips(a))},
                   key=lambda k: (-max(trips(columns[0][1]).get(k, 0.0), trips(columns[0][2]).get(k, 0.0)), k))
    head = " | ".join(f"{rate:g}/s before | {rate:g}/s after" for rate, _, _ in columns)
    lines = [f"| `{process}`: command collection | {head} |", "|---|" + "---:|" * (2 * len(columns))]
    for kind in kinds:
        cells = " | ".join(f"{trips(b).get(kind, 0.0):g} | {trips(a).get(kind, 0.0):g}" for _, b, a in columns)
        lines.append(f"| `{kind}` | {cells} |")
    totals = " | ".join(f"{b['costs']['round_trips_per_flow_total'].get(process, 0.0):g} | "
                        f"{a['costs']['round_trips_per_flow_total'].get(process, 0.0):g}" for _, b, a in columns)
    cpu = " | ".join(f"{b['costs']['cpu_ms_per_flow'].get(process, 0.0):g} | "
                     f"{a['costs']['cpu_ms_per_flow'].get(process, 0.0):g}" for _, b, a in columns)
    return [*lines, f"| **all** | {totals} |", f"| CPU ms per flow | {cpu} |"]
