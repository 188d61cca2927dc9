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


def test_every_consumed_event_type_is_published_on_a_subscribed_topic():
    """A consumer subscribed to the wrong topic would wait forever for events that never come."""
    import importlib

    from servicekit.contracts import event_schemas

    published = {t: s["x-redress"]["topic"] for service in SERVICES for t, s in event_schemas(service).items()}
    problems = []
    for service in SERVICES:
        for group in importlib.import_module(f"{service}.subscriptions").GROUPS:
            for event_type in group.subscriptions:
                if event_type not in published:
                    problems.append(f"{service}.{group.purpose}: {event_type} is published by no service")
                elif published[event_type] not in group.topics:
                    problems.append(f"{service}.{group.purpose}: {event_type} is on {published[event_type]}, "
                                    f"not in {group.topics}")
    assert not problems, "\n".join(problems)
