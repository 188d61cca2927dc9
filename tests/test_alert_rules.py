"""The alert rules of deploy/prometheus name only metrics the code exports, with the labels it gives them."""

from __future__ import annotations

import re
from pathlib import Path

import notify.metrics  # noqa: F401  # registers notify's gauges
import servicekit.metrics
import servicekit.pipeline_metrics  # noqa: F401
import yaml
from prometheus_client import REGISTRY

RULES = Path(__file__).resolve().parents[1] / "deploy" / "prometheus" / "redress-alerts.yaml"
SUFFIXES = ("_bucket", "_count", "_sum", "_total")


def exported() -> dict[str, set[str]]:
    """Every redress_* family (with its suffixed sample names) and its label names."""
    names: dict[str, set[str]] = {}
    for family in REGISTRY.collect():
        if family.name.startswith("redress_"):
            # An unlabelled or not-yet-used family has no samples: its labels come from the collector.
            collector = REGISTRY._names_to_collectors.get(family.name) or REGISTRY._names_to_collectors.get(
                family.name + "_total")
            labels = set(getattr(collector, "_labelnames", ()))
            for name in (family.name, *(family.name + s for s in SUFFIXES)):
                names[name] = labels | {"le"}
    return names


def test_every_alert_uses_exported_metrics_and_labels():
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    known = exported()
    rules = [rule for group in groups for rule in group["rules"]]
    assert len(rules) >= 10
    for rule in rules:
        assert rule["alert"].startswith("Redress") and rule["annotations"]["summary"]
        used = re.findall(r"(redress_[a-z_]+)(\{[^}]*\})?", rule["expr"])
        assert used, rule["alert"]
        for name, selector in used:
            assert name in known, f"{rule['alert']}: {name} is not exported"
            for label in re.findall(r"([a-z_]+)\s*=~?", selector):
                assert label in known[name], f"{rule['alert']}: {name} has no label {label}"
