"""The advocacy indicators section of docs/performance.md, from bench/results/advocacy-latest.json (and, for the
before / after table of the start, advocacy-before-warm.json: the same bench on the code before the start-up read).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

BEFORE_WARM = Path(__file__).resolve().parent / "results" / "advocacy-before-warm.json"
ROWS = [
    ("advocacy_indicators_full_fold", "every record read and folded (each request, before the read model)"),
    ("advocacy_indicators_cold", "first question of a generation, if nothing read it before (the read model reads "
                                 "each partition's last mark, then every fact)"),
    ("advocacy_indicators_every_mark_id", "where each partition was read up to, as the cold read learnt it before: "
                                          "every mark's `_id`"),
    ("advocacy_indicators_last_marks", "the same, as it learns it now: each partition's last mark (2 bounded `_id` "
                                       "queries a partition)"),
    ("advocacy_indicators_warm_up", "the API's start-up read, in the background (the same read, no figures)"),
    ("advocacy_indicators_first_after_start", "the dashboard's first question after a start (read and answered "
                                              "ahead by the start-up task)"),
    ("advocacy_indicators_warm", "the same question again, nothing new"),
    ("advocacy_indicators_other_question", "another question, nothing new (figures computed from the folded facts)"),
    ("advocacy_indicators_new_facts", "the same question after 5 new facts (their marks and facts read, 5 "
                                      "subjects folded again, figures recomputed)"),
    ("advocacy_indicators_warm_after", "the same question again after that"),
]


def _label(tier: str) -> str:
    n = int(tier)
    return f"{n // 1000}k" if n >= 1000 else str(n)


def cpu(r: dict[str, Any]) -> float:
    """Bench + store CPU milliseconds per question."""
    return round(float(r["bench_cpu_ms_per_op"]) + float(r.get("store_cpu_ms_per_op", 0.0)), 2)


def table(results: dict[str, Any]) -> list[str]:
    """p50 wall ms and CPU ms per question, per tier, and the CPU growth from the smallest to the largest tier."""
    tiers = sorted(results["tiers"], key=int)
    first, last = results["tiers"][tiers[0]], results["tiers"][tiers[-1]]
    lines = [f"Run of {results['started_at'][:16]}, store {results['store']}, load average "
             f"{results['machine']['load_average_at_start']} at the start and "
             f"{results['machine'].get('load_average_at_end')} at the end, on {results['machine']['cpus']} CPUs "
             "(`bench/run.py --only advocacy_indicators`, `bench/indicators.py`). Every question asks for all "
             "four sections; cells are p50 wall ms (n), then CPU ms per question: bench process + store.", "",
             "| all indicators | " + " | ".join(_label(t) for t in tiers)
             + f" | CPU {_label(tiers[-1])} / {_label(tiers[0])} |", "|---|" + "---:|" * (len(tiers) + 1)]
    for key, label in ROWS:
        if any(key not in results["tiers"][t] for t in tiers):
            continue  # a run of an older bench
        rs = [results["tiers"][t][key] for t in tiers]
        cells = [f"{r['p50_ms']} (n={r['count']}); {r['bench_cpu_ms_per_op']} + {r['store_cpu_ms_per_op']}" for r in rs]
        growth = round(cpu(last[key]) / cpu(first[key]), 2) if cpu(first[key]) else ""
        lines.append(f"| {label} | {' | '.join(cells)} | {growth} |")
    return lines + pauses(results) + before_after(results)


def pauses(results: dict[str, Any]) -> list[str]:
    """How long the event loop went without a turn during the start-up read, per tier (what a probe would wait)."""
    tiers = sorted(results["tiers"], key=int)
    found = [(t, results["tiers"][t].get("advocacy_indicators_warm_up", {})) for t in tiers]
    if any("loop_step_cpu_max_ms" not in r for _, r in found):
        return []
    return ["", "While the start-up read ran, a ticker waking every 5 ms beside it (as a loop answering probes "
            "does) saw at most this much of the process's CPU spent between two of its turns (the longest step "
            "without a turn), and woke at most this late (wall: the machine's load counts too): "
            + ", ".join(f"{_label(t)}: {r['loop_step_cpu_max_ms']} ms of CPU, {r['loop_late_max_ms']} ms late"
                        for t, r in found) + "."]


def before_after(after: dict[str, Any]) -> list[str]:
    """The first question after a start, and a warm one, before this change and now, with each run's load."""
    if not BEFORE_WARM.exists():
        return []
    before = json.loads(BEFORE_WARM.read_text())
    tiers = [t for t in sorted(after["tiers"], key=int) if t in before["tiers"]]
    lines = ["", f"Before and after, p50 wall ms (n), then CPU ms: bench process + store. Before: run of "
             f"{before['started_at'][:16]} (the code before the start-up read); now: the run above. Load average "
             "measured after each tier:", "",
             "| tier | load before / now | first question after a start, before (cold: every mark, every fact) "
             "| the same question now, a read model not warmed (cold) | now, after the start-up read "
             "| warm question, before | warm question, now |", "|---|---|---:|---:|---:|---:|---:|"]

    def cell(r: dict[str, Any]) -> str:
        return f"{r['p50_ms']} (n={r['count']}); {r['bench_cpu_ms_per_op']} + {r['store_cpu_ms_per_op']}"

    for t in tiers:
        b, a = before["tiers"][t], after["tiers"][t]
        lines.append(f"| {_label(t)} | {b.get('load_average')} / {a.get('load_average')} "
                     f"| {cell(b['advocacy_indicators_cold'])} | {cell(a['advocacy_indicators_cold'])} "
                     f"| {cell(a['advocacy_indicators_first_after_start'])} | {cell(b['advocacy_indicators_warm'])} "
                     f"| {cell(a['advocacy_indicators_warm'])} |")
    return lines


def target(results: dict[str, Any]) -> str:
    """The issue's target row: a warm question at the largest tier against the empty store, on CPU.

    Both "again, nothing new" rows are warm questions (before and after new facts), so both count.
    """
    tiers = sorted(results["tiers"], key=int)
    first, last = results["tiers"][tiers[0]], results["tiers"][tiers[-1]]
    warm = ("advocacy_indicators_warm", "advocacy_indicators_warm_after")

    def mean(tier: dict[str, Any], measure: Any) -> float:
        return sum(measure(tier[k]) * tier[k]["count"] for k in warm) / sum(tier[k]["count"] for k in warm)

    wall = round(mean(last, lambda r: r["p50_ms"]) / mean(first, lambda r: r["p50_ms"]), 2)
    low, high = round(mean(first, cpu), 2), round(mean(last, cpu), 2)
    ratio = round(high / low, 2) if low else float("inf")
    return (f"| advocacy indicators, a warm question at {_label(tiers[-1])} <= 1.2x empty | {wall}x | {ratio}x "
            f"({low} -> {high} ms) | {'yes' if ratio <= 1.2 else 'no'} |")
