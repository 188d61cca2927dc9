"""The "where a command's CPU goes" tables of docs/performance.md, from bench/kit_profile.py's results."""

from __future__ import annotations

from typing import Any

TRIPS = [
    ("bare_insert", "bare insert by `_id` (the baseline: one round trip)"),
    ("projection_read_missing", "projection read, none stored (a new aggregate)"),
    ("commit_insert", "commit insert alone (`events`, two indexes; a store without `bulkWrite`)"),
    ("projection_upsert", "projection write of a first version (`save_projection`)"),
    ("commit_and_projection", "commit and first projection in one `bulkWrite` (what a command sends)"),
    ("projection_read_found", "projection read, found"),
    ("relay_read_none_pending", "relay: read pending commits, none there"),
    ("relay_mark_one", "update of one commit's marker (what unmarking costs)"),
    ("relay_mark_read_unmark_one", "mark one commit, read it as pending, unmark it"),
]
WHOLE = [
    ("command", "whole command on a new aggregate, no relay"),
    ("command_with_relay", "whole command, a relay woken by each commit, until published"),
    ("command_with_polling_relay", "whole command, a relay that polls (0.05 s), until published"),
]


def profile_tables(profile: dict[str, Any]) -> list[str]:
    """Each round trip alone, then whole commands, per tier: store + bench process CPU ms per operation."""
    tiers = sorted(profile["tiers"], key=int)
    loads = ", ".join(str(profile["tiers"][t]["load"]) for t in tiers)
    head = " | ".join(_label(t) for t in tiers)
    lines = [f"`bench/kit_profile.py`, run of {profile['started_at'][:16]}, {profile['count']} operations each "
             f"(load average {loads}). CPU ms per operation: store + bench process.", "",
             f"| operation | {head} |", "|---|" + "---:|" * len(tiers)]
    for key, label in TRIPS:
        lines.append(f"| {label} | " + " | ".join(_cell(profile["tiers"][t]["round_trips"].get(key)) for t in tiers)
                     + " |")
    for key, label in WHOLE:
        lines.append(f"| {label} | " + " | ".join(_cell(profile["tiers"][t].get(key)) for t in tiers) + " |")
    return lines


def _cell(r: dict[str, Any] | None) -> str:
    return f"{r.get('store_cpu_ms_per_op', '?')} + {r['bench_cpu_ms_per_op']}" if r else ""


def _label(tier: str) -> str:
    n = int(tier)
    return f"{n // 1000}k" if n >= 1000 else str(n)
