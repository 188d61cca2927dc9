"""Factories, and what intake's integration tests look at around the kit's in-process service."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from typing import Any

import httpx
from intake.config import Settings
from servicekit.devtokens import mint_token
from servicekit.testing import InProcessService, eventually, pending_commits, read_topic

ORG = "org-amdh"
OTHER_ORG = "org-fidh"
LEGAL_AID = "org-legal"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + os.urandom(64)


def random_kek() -> str:
    """A fresh key-encryption key source."""
    return "base64:" + base64.b64encode(os.urandom(32)).decode()


def incident_body(**overrides: Any) -> dict[str, Any]:
    """A valid incident as a monitor would send it."""
    body: dict[str, Any] = {"occurred_on": "2024-03-02", "region": "mopti", "violation_types": ["massacre"]}
    body.update(overrides)
    return body


def victim_body(**overrides: Any) -> dict[str, Any]:
    """A valid victim registration (with a phone so SMS consent is possible)."""
    body: dict[str, Any] = {
        "sex": "female", "age_band": "25-39", "region": "mopti",
        "identity": {"name": "Aïssata N'Diaye", "phone": "+223 76 00 00 01"},
        "consent": {"legal_support": True, "notifications": {"granted": True, "channel": "sms", "language": "bm"},
                    "sharing": [LEGAL_AID], "statistics": True},
    }
    body.update(overrides)
    return body


# Small limits so the tests reach them with small files.
SETTINGS: dict[str, Any] = {"evidence_max_bytes": 300_000, "evidence_chunk_bytes": 4096, "import_max_rows": 50,
                            "import_max_bytes": 20_000}


@dataclass
class Intake:
    """The kit's in-process intake (worker and app, real store and broker), with the probes intake's tests use."""

    service: InProcessService

    @property
    def settings(self) -> Settings:
        return self.service.settings  # type: ignore[no-any-return]

    @property
    def deps(self) -> Any:
        return self.service.deps

    @property
    def db(self) -> Any:
        return self.service.deps.core.db

    def token(self, role: str = "monitor", *, org: str | None = ORG, sub: str | None = None,
              scopes: tuple[str, ...] = (), service: bool = False) -> str:
        """A development token; service accounts and scopes too (the key release needs them)."""
        return mint_token(self.service.private_key, subject=sub or f"{role}-1", roles=[role] if role else [],
                          org=org, scopes=scopes, service=service)

    def client(self, role: str = "monitor", **claims: Any) -> httpx.AsyncClient:
        """An httpx client of the app carrying a token for `role` and `claims`."""
        return client_of(self.service.app, self.token(role, **claims))

    async def counts(self) -> dict[str, int]:
        """Documents per collection: 'nothing written' means none of these moved."""
        names = ["events", "incidents", "victims", "evidence", "victim_keys", "victim_identities",
                 "evidence_chunks", "incident_locations", "import_jobs"]
        return {name: await self.db[name].count_documents({}) for name in names}

    async def published(self) -> None:
        """Wait until the worker's relay has published every commit."""
        async def relayed() -> bool:
            return await pending_commits(self.db) == 0
        await eventually(relayed, "the relay to publish every commit", timeout=20)

    async def records(self, aggregate_topic: str, expected: int | None = None) -> list[Any]:
        """Every record of one of intake's topics."""
        return await read_topic(self.settings.kafka_bootstrap, self.settings.topic_namespace + aggregate_topic,
                                expected=expected, timeout=20.0)


@dataclass
class IntakeApp:
    """Another intake API (no worker) on other settings, wired by the kit's harness: a key rotation's three stages."""

    settings: Settings
    tokens: Intake

    def __post_init__(self) -> None:
        self.deps = self.tokens.service.another_deps(self.settings)
        self.app = self.tokens.service.spec.build_app(self.deps)

    @property
    def db(self) -> Any:
        return self.deps.core.db

    def client(self, role: str = "monitor", **claims: Any) -> httpx.AsyncClient:
        """A client of this app with a token signed like the main intake's."""
        return client_of(self.app, self.tokens.token(role, **claims))

    async def close(self) -> None:
        await self.deps.core.client.close()


def client_of(app: Any, token: str) -> httpx.AsyncClient:
    """An httpx client of an in-process app."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake",
                             headers={"Authorization": f"Bearer {token}"}, timeout=30.0)
