"""The advocacy indicators section of docs/performance.md, from bench/results/advocacy-latest.json."""

from __future__ import annotations

from typing import Any

ROWS = [
    ("advocacy_indicators_full_fold", "every record read and folded (each request, before the read model)"),
    ("advocacy_indicators_cold", "first question of a generation (the read model reads it whole)"),
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
        rs = [results["tiers"][t][key] for t in tiers]
        cells = [f"{r['p50_ms']} (n={r['count']}); {r['bench_cpu_ms_per_op']} + {r['store_cpu_ms_per_op']}" for r in rs]
        growth = round(cpu(last[key]) / cpu(first[key]), 2) if cpu(first[key]) else ""
        lines.append(f"| {label} | {' | '.join(cells)} | {growth} |")
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
