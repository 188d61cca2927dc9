"""Fixtures of the chart tests: the tools (built once, cached in .cache/helm) and rendered scenarios."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
# The checker is a script for partners too, so it lives beside the chart, not in a package.
sys.path[:0] = [str(HERE.parents[1] / "deploy" / "helm" / "tools"), str(HERE)]

import chart_check  # noqa: E402


@pytest.fixture(scope="session")
def helm_tools() -> chart_check.Tools:
    """helm, kubeconform and the API schemas; installed by the first session on a machine."""
    return chart_check.ensure_tools()


@pytest.fixture(scope="session")
def rendered_text(helm_tools: chart_check.Tools) -> dict[str, str]:
    """Every scenario's manifests as helm renders them, once per session."""
    return {s.name: chart_check.render(helm_tools, s) for s in chart_check.scenarios()}


@pytest.fixture(scope="session")
def rendered(rendered_text: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Every scenario's manifests, parsed."""
    return {name: chart_check.documents(text) for name, text in rendered_text.items()}
