"""The listings section of docs/performance.md: each query shape's p50 / p95 per size, before and after.

Reads bench/results/listings-before.json and listings-latest.json (`bench/run.py --listings`).
"""

from __future__ import annotations

from typing import Any

LISTINGS = [
    ("intake_listing", "intake incidents"),
    ("casework_inbox", "casework inbox"),
    ("casework_my_cases", "casework \"my cases\""),
]


def _label(tier: str) -> str:
    n = int(tier)
    return f"{n // 1000}k" if n >= 1000 else str(n)


def _cell(r: dict[str, Any] | None) -> str:
    return f"{r['p50_ms']:.0f} / {r['p95_ms']:.0f}" if r and r.get("count") else "none"


def _store_cpu(r: dict[str, Any]) -> str:
    return f", store CPU {r['store_cpu_ms_per_op']:.0f} ms/query" if "store_cpu_ms_per_op" in r else ""


def shapes_table(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """One row per listing and query shape: p50 / p95 ms at each size, before -> after (n per shape)."""
    tiers = sorted(set(before["tiers"]) & set(after["tiers"]), key=int)
    lines = [f"Before: {before['store']}, run of {before['started_at'][:16]} (load average "
             f"{before['machine'].get('load_average_at_start')}). After: {after['store']}, run of "
             f"{after['started_at'][:16]} (load average {after['machine'].get('load_average_at_start')}). "
             "Same seeded data (the bench's fixed seeds), queries round-robin over the shapes.", "",
             "| listing: query shape | " + " | ".join(f"{_label(t)}: p50 / p95 ms, before -> after" for t in tiers)
             + " |", "|---|" + "---:|" * len(tiers)]
    for key, label in LISTINGS:
        for shape in after["tiers"][tiers[-1]][key]["by_shape"]:
            cells = [f"{_cell(before['tiers'][t][key]['by_shape'].get(shape))} -> "
                     f"{_cell(after['tiers'][t][key]['by_shape'].get(shape))} "
                     f"(n={after['tiers'][t][key]['by_shape'].get(shape, {}).get('count', 0)})" for t in tiers]
            lines.append(f"| {label}: {shape} | {' | '.join(cells)} |")
        cells = [f"{_cell(before['tiers'][t][key])}{_store_cpu(before['tiers'][t][key])} -> "
                 f"{_cell(after['tiers'][t][key])}{_store_cpu(after['tiers'][t][key])}" for t in tiers]
        lines.append(f"| **{label}: every shape** | {' | '.join(cells)} |")
    return lines


def ab_table(ab: dict[str, Any]) -> list[str]:
    """The listings' shapes on two builds serving one data directory, query by query in turn (bench/ab_listings.py)."""
    a, b = ab["stores"]
    lines = [f"Run of {ab['started_at'][:16]}, {ab['rounds']} queries of each shape on each store, in turn, on the "
             f"same 50k incidents, referrals and cases (load average {ab['load_average_at_start']} at the start, "
             f"{ab.get('load_average_at_end')} at the end). A: {a}; B: {b}.", "",
             "| query shape | A: p50 / p95 ms | B: p50 / p95 ms | store CPU ms per query, A -> B |",
             "|---|---:|---:|---:|"]
    for shape, (ra, rb) in ab["shapes"].items():
        lines.append(f"| {shape} | {ra['p50_ms']:.0f} / {ra['p95_ms']:.0f} | {rb['p50_ms']:.0f} / {rb['p95_ms']:.0f} | "
                     f"{ra['store_cpu_ms']:.0f} -> {rb['store_cpu_ms']:.0f} |")
    return lines
