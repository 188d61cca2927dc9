"""Counting a service's store round trips in a test: a PyMongo command listener (a count, never a time)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pymongo import monitoring

LeaveOut = Callable[[str, str, Mapping[str, Any]], bool]


class StoreCommands(monitoring.CommandListener):
    """`<command> <collection>` of each command sent to the database named by `database` (None: nothing).

    A `bulkWrite` (sent to `admin`, naming its collections in `nsInfo`) is one round trip, shown with its
    writes: `bulkWrite insert events + insert victims`.
    """

    def __init__(self) -> None:
        self.database: str | None = None
        self._seen: list[tuple[str, str, Mapping[str, Any]]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "bulkWrite":
            writes = _bulk_writes(event.command, self.database)
            if writes:
                self._seen.append(("bulkWrite", writes, event.command))
            return
        collection = event.command.get(event.command_name)
        if event.database_name == self.database and isinstance(collection, str):
            self._seen.append((event.command_name, collection, event.command))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        return

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        return

    def take(self, leave_out: LeaveOut | None = None) -> list[str]:
        """The commands seen since the last take, in order, less those `leave_out(command, collection, body)`
        names (another task's, such as a relay's)."""
        seen, self._seen = self._seen, []
        return [f"{name} {collection}" for name, collection, body in seen
                if leave_out is None or not leave_out(name, collection, body)]


def _bulk_writes(command: Mapping[str, Any], database: str | None) -> str:
    """`insert events + insert victims`: a `bulkWrite`'s writes into `database` (empty when it has none)."""
    namespaces = [ns["ns"].split(".", 1) for ns in command.get("nsInfo", [])]
    writes = []
    for op in command.get("ops", []):
        kind = next(iter(op))
        db, collection = namespaces[op[kind]]
        if db == database:
            writes.append(f"{kind} {collection}")
    return " + ".join(writes)


class SentFinds(monitoring.CommandListener):
    """The `find` commands a client sent, as sent (for explaining them against the store in a plan test)."""

    def __init__(self) -> None:
        self.commands: list[dict[str, Any]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "find":
            self.commands.append({k: v for k, v in event.command.items() if not k.startswith("$") and k != "lsid"})

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        return

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        return


_LISTENER: StoreCommands | None = None


def store_commands() -> StoreCommands:
    """The test process's one listener, registered with PyMongo on first use: only clients built after that
    report to it, so call it before the service under test builds its client (at a test module's import)."""
    global _LISTENER
    if _LISTENER is None:
        _LISTENER = StoreCommands()
        monitoring.register(_LISTENER)
    return _LISTENER
