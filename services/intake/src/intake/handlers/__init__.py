"""One async function per command, split by aggregate; they never talk to Kafka (the outbox relay publishes)."""

from __future__ import annotations

from servicekit.api import Caller

from ..domain.access import Viewer


def viewer(caller: Caller) -> Viewer:
    """What the domain's access rules need of the caller: its organisation and roles."""
    return Viewer.of(caller.organisation, caller.roles)
