"""Render docs/performance.md from bench/results: `uv run python bench/report.py`.

Sections of the page it does not write (kept by hand) are kept, after the generated ones.

Reads latest.json (bench/run.py), store-before.json (the same bench on FerretDB as released, kept for
the comparison), store-ops-*.json (bench/store_ops.py, one per candidate store) and pipeline-latest.json
(bench/pipeline.py), listings-before.json and listings-latest.json (bench/run.py --listings); sections
whose file is missing are left out.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from report_indicators import table as indicators_table
from report_indicators import target as indicators_target
from report_listings import ab_table, shapes_table
from report_profile import profile_tables
from report_text import (
    CHOICE,
    INDICATORS,
    KIT_BEFORE_AFTER,
    KIT_BEFORE_AFTER_2,
    KIT_BEFORE_AFTER_3,
    KIT_BEFORE_AFTER_4,
    KIT_BEFORE_AFTER_5,
    NOTES,
    NOTIFY_TRIPS,
    PIPELINE_COSTS,
    PROFILE,
    SHAPES,
)
from report_trips import process_trips

ROOT = Path(__file__).resolve().parents[1]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
RESULTS = ROOT / "bench" / "results"
ROWS = [
    ("bare_insert", "bare store insert by `_id`"),
    ("bare_http_insert", "bare FastAPI POST doing one insert (in-process ASGI)"),
    ("kit_command_stored", "kit command: decided and committed (commit, projection)"),
    ("kit_command_published", "kit command until published (broker append - ce_time)"),
    ("kit_relay_drain", "relay drain of a 2,000-event backlog (per event)"),
    ("kit_consume", "kit consumer, one idempotent store effect per event"),
    ("kit_http_command", "kit HTTP command: guard, JWT, problems, event store"),
    ("intake_listing", "intake incident listing (filters, sorted by `_id`, 50 a page)"),
    ("casework_inbox", "casework inbox (pending / decided referrals)"),
    ("casework_my_cases", "casework \"my cases\" (lawyer, case manager)"),
    ("advocacy_indicators", "advocacy indicators (every fact folded: before the read model)"),
]


def load(name: str) -> dict[str, Any] | None:
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


def tier_label(tier: str) -> str:
    n = int(tier)
    return f"{n // 1000}k" if n >= 1000 else str(n)


def growth_table(results: dict[str, Any]) -> list[str]:
    tiers = sorted(results["tiers"], key=int)
    head = " | ".join(f"{tier_label(t)}: /s, p50, p95 ms" for t in tiers)
    lines = [f"| measurement | {head} | p50 {tier_label(tiers[-1])} / {tier_label(tiers[0])} |",
             "|---|" + "---:|" * (len(tiers) + 1)]
    for key, label in ROWS:
        cells = []
        for t in tiers:
            r = results["tiers"][t].get(key)
            cells.append("" if not r else "none within its budget" if not r["count"] else
                         f"{r['throughput_per_s']}, {r['p50_ms']}, {r['p95_ms']} (n={r['count']})")
        lines.append(f"| {label} | {' | '.join(cells)} | {results['slopes'].get(key, '')} |")
    rebuild = [results["tiers"][t]["advocacy_rebuild"] for t in tiers]
    lines.append("| advocacy rebuild by replay (events/s) | " + " | ".join(
        f"{r['throughput_per_s']} ({r['count']} events)" for r in rebuild) + " | |")
    return lines


def cpu_table(results: dict[str, Any]) -> list[str]:
    """CPU per operation: what it costs, apart from the queue for a core on a busy machine."""
    tiers = sorted(results["tiers"], key=int)
    if "bench_cpu_ms_per_op" not in results["tiers"][tiers[0]].get("bare_insert", {}):
        return []
    lines = ["| CPU ms per operation: store + bench process (the kit runs in it) | "
             + " | ".join(tier_label(t) for t in tiers) + " |", "|---|" + "---:|" * len(tiers)]
    for key, label in [*ROWS, ("advocacy_rebuild", "advocacy rebuild, per event")]:
        if key == "kit_command_published":
            continue  # the same commands as the row above
        cells = []
        for t in tiers:
            r = results["tiers"][t].get(key) or {}
            cells.append(f"{r.get('store_cpu_ms_per_op', '?')} + {r['bench_cpu_ms_per_op']}"
                         if "bench_cpu_ms_per_op" in r and r.get("count") else "")
        lines.append(f"| {label} | {' | '.join(cells)} |")
    return lines


def ratio_table(results: dict[str, Any]) -> list[str]:
    tiers = sorted(results["tiers"], key=int)
    names = list(results["tiers"][tiers[0]]["ratios"])
    lines = ["| kit throughput / bare throughput, same run | " + " | ".join(tier_label(t) for t in tiers) + " |",
             "|---|" + "---:|" * len(tiers)]
    for name in names:
        values = " | ".join(str(results["tiers"][t]["ratios"][name]) for t in tiers)
        lines.append(f"| {name.replace('_', ' ')} | {values} |")
    return lines


def before_after(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    common = sorted(set(before["tiers"]) & set(after["tiers"]), key=int)
    lines = [f"Before: {before['store']}, run of {before['started_at'][:16]}. "
             f"After: {after['store']}, run of {after['started_at'][:16]}.", "",
             "| p50 ms (before -> after) | " + " | ".join(tier_label(t) for t in common) + " |",
             "|---|" + "---:|" * len(common)]
    for key, label in ROWS:
        cells = []
        for t in common:
            b, a = before["tiers"][t].get(key), after["tiers"][t].get(key)
            cells.append(f"{b['p50_ms'] if b['count'] else 'none'} -> {a['p50_ms'] if a['count'] else 'none'}"
                         if a and b else "")
        lines.append(f"| {label} | {' | '.join(cells)} |")
    cells = [f"{before['tiers'][t]['advocacy_rebuild']['throughput_per_s']} -> "
             f"{after['tiers'][t]['advocacy_rebuild']['throughput_per_s']}" for t in common]
    lines.append(f"| advocacy rebuild, events/s | {' | '.join(cells)} |")
    return lines


def cpu_before_after(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Store + bench CPU ms per operation of the kit's paths, before and after this round's changes."""
    common = sorted(set(before["tiers"]) & set(after["tiers"]), key=int)
    lines = [f"Before: run of {before['started_at'][:16]} (the kit as it was, the same bench). After: this page's "
             "run. CPU ms per operation, store + bench process.", "",
             "| CPU ms (before -> after) | " + " | ".join(tier_label(t) for t in common) + " |",
             "|---|" + "---:|" * len(common)]
    for key, label in ROWS[:7]:
        if key == "kit_command_published":
            continue
        cells = [f"{cpu_ms(before['tiers'][t].get(key) or {})} -> {cpu_ms(after['tiers'][t].get(key) or {})}"
                 for t in common]
        lines.append(f"| {label} | {' | '.join(cells)} |")
    return lines


def store_ops_table() -> list[str]:
    runs = [json.loads(p.read_text()) for p in sorted(RESULTS.glob("store-ops-*.json"))]
    if not runs:
        return []
    ops = ["insert", "find_by_id", "replace_by_id", "delete_by_id_and_reinsert", "find_by_ids_in_50",
           "intake_listing"]
    lines = ["| store | size | " + " | ".join(op.replace("_", " ") for op in ops) + " |",
             "|---|---:|" + "---:|" * len(ops)]
    for run in runs:
        for size, r in run["sizes"].items():
            cells = " | ".join(f"{r[op]['p50_ms']} / {r[op]['p95_ms']} ({r[op].get('store_cpu_ms_per_op', '?')})"
                               for op in ops)
            lines.append(f"| {run['label']} | {tier_label(size)} | {cells} |")
    return ["p50 / p95 wall ms (FerretDB's CPU ms per operation), same machine, one store after the other "
            "(`bench/store_ops.py`); PostgreSQL's own CPU is not in the brackets.", "", *lines]


def pipeline_table(pipeline: dict[str, Any]) -> list[str]:
    lines = [f"Run of {pipeline['started_at'][:16]}, {pipeline['seeded_records']} incidents, referrals and cases "
             f"seeded ({pipeline['seeding_s']} s), {pipeline['cpus']} CPUs, all five services as processes.", "",
             "| offered flows/s | started | completed | retried (retries) | sustained flows/s | load average | "
             + " | ".join(f"{hop} p50 / p99 s" for hop in pipeline["stages"][0]["hops"]) + " |",
             "|---:|---:|---:|---:|---:|---:|" + "---:|" * len(pipeline["stages"][0]["hops"])]
    for s in pipeline["stages"]:
        hops = " | ".join(f"{h.get('p50_s', '')} / {h.get('p99_s', '')}" for h in s["hops"].values())
        # Runs before the bench honoured Retry-After have no count: a shed command failed its flow then.
        retried = f"{s['retried']} ({s['retries']})" if "retried" in s else "—"
        lines.append(f"| {s['offered_per_s']} | {s['started']} | {s['completed']} | {retried} | "
                     f"{s['sustained_per_s']} | {s.get('load_average', '')} | {hops} |")
    failures = sorted({UUID.sub("<id>", f) for s in pipeline["stages"] for f in s["failures"]})
    if failures:
        lines += ["", "Failures seen: " + "; ".join(failures)]
    return lines


def pipeline_costs(pipeline: dict[str, Any], before: dict[str, Any] | None) -> list[str]:
    """CPU ms and store round trips per flow of every process, per stage (and a run before, when there is one)."""
    runs = [("before", before), ("after", pipeline)] if before else [("", pipeline)]
    columns = [(label, s) for label, run in runs if run for s in run["stages"] if "costs" in s]
    if not columns:
        return []
    names = list(dict.fromkeys(n for _, s in columns for n in s["costs"]["cpu_ms_per_flow"]))
    head = " | ".join(f"{label} {s['offered_per_s']}/s (load {s.get('load_average', '')})".strip()
                      for label, s in columns)
    lines = ["CPU ms per completed flow (from /proc, the stage's idle time included) and store round trips per "
             "flow (a PyMongo command listener in each service process, `--count-trips`), per process:", "",
             f"| process | {head} |", "|---|" + "---:|" * len(columns)]
    for name in [*names, "all"]:
        cells = []
        for _, s in columns:
            costs = s["costs"]
            cpu = costs["cpu_ms_per_flow_total"] if name == "all" else costs["cpu_ms_per_flow"].get(name, "")
            trips = (round(sum(costs["round_trips_per_flow_total"].values()), 1) if name == "all"
                     else costs["round_trips_per_flow_total"].get(name))
            cells.append(f"{cpu} ms" + (f", {trips} trips" if trips is not None else ""))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def cpu_ms(r: dict[str, Any]) -> float | None:
    """Store + bench CPU per operation, when the run measured it."""
    if "bench_cpu_ms_per_op" not in r:
        return None
    return round(float(r.get("store_cpu_ms_per_op", 0.0)) + float(r["bench_cpu_ms_per_op"]), 2)


def targets(results: dict[str, Any], pipeline: dict[str, Any] | None,
            listings: dict[str, Any] | None = None) -> list[str]:
    """Issue 12's targets: the wall-clock figure of this run, the CPU-based one, and whether it holds.

    On a machine whose load average is many times its core count, wall-clock time mostly measures the
    wait for a core, so growth and ratios are judged on CPU per operation where the run measured it.
    """
    tiers = sorted(results["tiers"], key=int)
    top, empty = results["tiers"][tiers[-1]], results["tiers"][tiers[0]]
    size = tier_label(tiers[-1])

    def grow(key: str) -> tuple[str, str, bool]:
        wall = round(top[key]["p50_ms"] / empty[key]["p50_ms"], 2) if top[key]["count"] else float("inf")
        cpu_top, cpu_empty = cpu_ms(top[key]), cpu_ms(empty[key])
        if cpu_top is None or not cpu_empty:
            return f"{wall}x", "", wall <= 1.2
        return f"{wall}x", f"{round(cpu_top / cpu_empty, 2)}x ({cpu_empty:.1f} -> {cpu_top:.1f} ms)", \
            cpu_top / cpu_empty <= 1.2

    def ratio(kit: str, bare: str, ratio_name: str, floor: float) -> tuple[str, str, bool]:
        wall = top["ratios"][ratio_name]
        cpu_kit, cpu_bare = cpu_ms(top[kit]), cpu_ms(top[bare])
        if cpu_kit is None or cpu_bare is None:
            return str(wall), "", wall >= floor
        figure = f"{round(cpu_bare / cpu_kit, 2)} ({cpu_bare:.1f} / {cpu_kit:.1f} ms)"
        return str(wall), figure, cpu_bare / cpu_kit >= floor

    def listed(key: str, name: str) -> tuple[str, str, str, bool]:
        listing, source = top[key], ""
        if listings and listings["started_at"] > results["started_at"] and tiers[-1] in listings["tiers"]:
            # A later listings-only run (bench/run.py --listings) measured the listing after a store change.
            run = listings["tiers"][tiers[-1]]
            listing = run[key]
            source = f" (--listings, {listings['started_at'][:16]}, load average {run.get('load_average')})"
        cpu = f"mean {cpu_ms(listing)} ms per query" if cpu_ms(listing) is not None else ""
        return f"{name} p95 < 200 ms at {size}", f"p95 {listing['p95_ms']} ms{source}", cpu, listing["p95_ms"] < 200

    rows = [
        (f"command p50 at {size} <= 1.2x empty", *grow("kit_command_stored")),
        (f"consumer p50 at {size} <= 1.2x empty", *grow("kit_consume")),
        (f"relay drain per event at {size} <= 1.2x empty", *grow("kit_relay_drain")),
        (f"kit command >= 0.3x bare insert (stretch 0.5), at {size}",
         *ratio("kit_command_stored", "bare_insert", "command_stored_vs_bare_insert", 0.3)),
        (f"HTTP command >= 0.5x bare endpoint with one insert, at {size}",
         *ratio("kit_http_command", "bare_http_insert", "http_command_vs_bare_http_insert", 0.5)),
        listed("intake_listing", "intake listing"),
        listed("casework_inbox", "casework inbox"),
        listed("casework_my_cases", 'casework "my cases"'),
        (f"advocacy rebuild >= 1,000 events/s at {size}", f"{top['advocacy_rebuild']['throughput_per_s']}/s",
         f"{cpu_ms(top['advocacy_rebuild'])} ms per event" if cpu_ms(top["advocacy_rebuild"]) else "",
         top["advocacy_rebuild"]["throughput_per_s"] >= 1000),
    ]
    if pipeline:
        # The highest offered rate the system kept up with (every flow completed, ended about as fast as
        # offered) and its worst hop; a stage that fell behind is shown beside it, in the pipeline table.
        kept = [s for s in pipeline["stages"] if s["completed"] == s["started"]
                and s["sustained_per_s"] >= 0.9 * s["offered_per_s"]] or pipeline["stages"]
        best = max(kept, key=lambda s: s["offered_per_s"])
        rate, hop_p99 = min(best["sustained_per_s"], best["offered_per_s"]), _worst_hop(best)
        rows.append(("pipeline >= 5 flows/s, every hop p99 < 2 s",
                     f"{rate} flows/s (offered {best['offered_per_s']}, load {best.get('load_average')}), "
                     f"worst hop p99 {hop_p99} s", "",
                     rate >= 5 and hop_p99 < 2))
    lines = ["| target (issue 12) | wall clock, this run | CPU per operation, this run | holds |",
             "|---|---:|---:|---|"]
    lines += [f"| {name} | {wall} | {cpu} | {'yes' if ok else 'no'} |" for name, wall, cpu, ok in rows]
    return lines


def _worst_hop(stage: dict[str, Any]) -> float:
    return max((h.get("p99_s", 0) for name, h in stage["hops"].items() if h and name != "whole flow"), default=0)


GENERATED = ("Growing stores", "Before and after the store change", "Where a command's CPU goes",
             "Before and after: the kit's CPU per operation",
             "Before and after: the kit's CPU per operation, second round",
             "Before and after: the kit's CPU per operation, third round",
             "Before and after: the kit's CPU per operation, fourth round",
             "Before and after: the kit's CPU per operation, fifth round", "Advocacy indicators: the read model",
             "Before and after the write path and listings", "Listings, query shape by query shape",
             "Choosing the local store",
             "Pipeline: the five services as processes", "Targets", "Which query shapes an index serves",
             "What limits the targets that do not hold", "Reading the figures", "Method")


def hand_kept(path: Path) -> str:
    """Sections of the current page that this script does not write (e.g. the web app's first load)."""
    if not path.exists():
        return ""
    sections = path.read_text().split("\n## ")[1:]
    kept = [s for s in sections if s.split("\n", 1)[0].strip() not in GENERATED]
    return "".join("\n## " + s.rstrip("\n") + "\n" for s in kept)


def main() -> None:
    results = load("latest.json")
    assert results is not None, "run bench/run.py first"
    m = results["machine"]
    lines = ["# Performance", "",
             f"Run of {results['started_at'][:19]}Z on {m['cpus']} CPUs ({m['platform']}), Python {m['python']}, "
             f"aiokafka {m['aiokafka']}, PyMongo {m['pymongo']}, FastAPI {m['fastapi']}, Kafka {m['kafka_broker']} "
             f"(KRaft, single node), store: {results['store']}. The machine is shared with other work (load "
             f"average {m.get('load_average_at_start')} at the start, {m.get('load_average_at_end')} at the end, on "
             f"{m['cpus']} CPUs): compare figures of the same run (ratios), not across runs.", "",
             "## Growing stores", "",
             "Every measured collection seeded to each size (4 commits per aggregate: 200k commits at 50k) before "
             "measuring. Bare baselines in the same run: aiokafka produce "
             f"{results['bare_produce']['throughput_per_s']}/s, "
             f"consume {results['bare_consume']['throughput_per_s']}/s.",
             "", *growth_table(results), "", *cpu_table(results), "", *ratio_table(results), ""]
    profile = load("kit-profile-latest.json")
    if profile:
        lines += ["## Where a command's CPU goes", "", *profile_tables(profile), PROFILE]
    kit_before_5 = load("kit-cpu-before-5.json")
    if kit_before_5:
        lines += ["## Before and after: the kit's CPU per operation, fifth round", "",
                  *cpu_before_after(kit_before_5, results), KIT_BEFORE_AFTER_5]
    kit_before_4 = load("kit-cpu-before-4.json")
    if kit_before_4:
        lines += ["## Before and after: the kit's CPU per operation, fourth round", "",
                  *cpu_before_after(kit_before_4, results), KIT_BEFORE_AFTER_4]
    kit_before_3 = load("kit-cpu-before-3.json")
    if kit_before_3:
        lines += ["## Before and after: the kit's CPU per operation, third round", "",
                  *cpu_before_after(kit_before_3, results), KIT_BEFORE_AFTER_3]
    kit_before_2 = load("kit-cpu-before-2.json")
    if kit_before_2:
        lines += ["## Before and after: the kit's CPU per operation, second round", "",
                  *cpu_before_after(kit_before_2, results), KIT_BEFORE_AFTER_2]
    kit_before = load("kit-cpu-before.json")
    if kit_before:
        lines += ["## Before and after: the kit's CPU per operation", "", *cpu_before_after(kit_before, results),
                  KIT_BEFORE_AFTER]
    before = load("store-before.json")
    if before:
        lines += ["## Before and after the store change", "", *before_after(before, results), ""]
    ops = store_ops_table()
    if ops:
        lines += ["## Choosing the local store", "", *ops, CHOICE]
    part1 = load("part1-latest.json")
    if part1:
        lines += ["## Before and after the write path and listings", "",
                  "Issue 12, part 2: commits that are their own outbox entries, a projection cache, a relay woken "
                  "by local commits, indexes declared by each service, a bulk rebuild. Before: part 1's run (the "
                  "patched store); after: this page's run. Both on the same shared machine, at different loads.",
                  "", *before_after(part1, results), ""]
    listings_before, listings = load("listings-before.json"), load("listings-latest.json")
    if listings_before and listings:
        lines += ["## Listings, query shape by query shape", "",
                  "A lawyer's cases now walk the elements table of the list index `{lawyers, opened_on: -1, "
                  "_id: -1}` (issue 12: the store patch, item 8); before, every case holding a list was read and "
                  "sorted. The other shapes are unchanged, measured again. `bench/run.py --listings`; the store "
                  "makes the elements table on the run's first lawyer page at 50k (about 1.1 s of store CPU, "
                  "once, in the mean store CPU of \"my cases\" below); a page costs about 12 ms of store CPU "
                  "after it (the side-by-side table).", "", *shapes_table(listings_before, listings), ""]
    ab = load("ab-listings-latest.json")
    if ab:
        lines += ["The same comparison with both builds answering at once, over one data directory, so that both "
                  "see the same machine load (`bench/ab_listings.py`):", "", *ab_table(ab), ""]
    pipeline = load("pipeline-latest.json")
    if pipeline:
        lines += ["## Pipeline: the five services as processes", ""]
        previous = load("pipeline-before-costs.json")
        costs = pipeline_costs(pipeline, previous)
        if costs:
            # First: per flow, CPU and round trips are what a shared, noisy machine does not blur.
            lines += ["### What a flow costs each process", "", *costs, PIPELINE_COSTS]
            busiest = process_trips(previous, pipeline, "notify:worker", (5.0, 10.0)) if previous else []
            if busiest:
                lines += [NOTIFY_TRIPS, *busiest, ""]
            lines += ["### Throughput and hops", ""]
        lines += [*pipeline_table(pipeline), ""]
        if previous:
            lines += ["The run before this round's cuts (the merged code of the previous session, the machine quiet):",
                      "", *pipeline_table(previous), ""]
        part2 = load("pipeline-part2.json")
        if part2:
            lines += ["Part 2's run (before the per-flow cuts below), at a lighter load:", "",
                      *pipeline_table(part2), ""]
        before_pipeline = load("part1-pipeline.json")
        if before_pipeline:
            lines += ["Before (part 1, the same bench):", "", *pipeline_table(before_pipeline), ""]
    indicators = load("advocacy-latest.json")
    if indicators:
        lines += ["## Advocacy indicators: the read model", "", *indicators_table(indicators), INDICATORS]
    lines += ["## Targets", "", *targets(results, pipeline, listings)]
    lines += [indicators_target(indicators), ""] if indicators else [""]
    page = ROOT / "docs/performance.md"
    page.write_text("\n".join(lines) + "\n" + SHAPES + NOTES + hand_kept(page))


if __name__ == "__main__":
    main()
