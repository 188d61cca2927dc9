"""Test support shared by every service: the real infrastructure (never mocks), the in-process harness,
one `eventually`, one fake clock, and an in-memory event store for handler-level rule tests."""

from .clock import FakeClock
from .harness import InProcessService, in_process_service
from .infra import (
    REPO_ROOT,
    Infra,
    ServiceProcess,
    free_port,
    header,
    infra_from_env_or_stack,
    infra_from_testcontainers,
    login_with_pkce,
    pending_commits,
    provider_token,
    read_topic,
    service_env,
    unique_name,
)
from .memory import MemoryEventStore, StoredCommit
from .round_trips import SentFinds, StoreCommands, store_commands
from .store_metrics import store_counter
from .waiting import eventually, eventually_sync

__all__ = [
    "REPO_ROOT", "FakeClock", "InProcessService", "Infra", "MemoryEventStore", "SentFinds", "ServiceProcess",
    "StoreCommands",
    "StoredCommit",
    "eventually", "eventually_sync", "free_port", "header", "in_process_service", "infra_from_env_or_stack",
    "infra_from_testcontainers", "login_with_pkce", "pending_commits", "provider_token", "read_topic",
    "service_env", "store_commands", "store_counter", "unique_name",
]
