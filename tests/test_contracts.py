"""Committed contracts (OpenAPI, event schemas, AsyncAPI) must match the code."""

from __future__ import annotations

import pytest

from servicekit.contracts import SERVICES, rendered


@pytest.mark.parametrize("service", SERVICES)
def test_committed_contracts_are_current(service):
    stale = []
    for path, text in rendered(service).items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(str(path))
    assert not stale, f"regenerate with `uv run python -m servicekit.contracts write {service}`: {stale}"


@pytest.mark.parametrize("service", SERVICES)
def test_every_published_event_type_is_explicit_and_versioned(service):
    import re

    for path, _ in rendered(service).items():
        if path.parent.name == "events":
            assert re.fullmatch(rf"{service}\.[a-z_]+\.[a-z_]+\.v[0-9]+\.json", path.name), path.name
