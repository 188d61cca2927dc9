"""Factories and an in-process intake (real FerretDB and Kafka) for intake's integration tests."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from intake.bootstrap import Deps, build_deps
from intake.config import Settings
from intake.domain import AGGREGATES
from intake.entrypoints.api import build_app
from pydantic import SecretStr
from servicekit.devtokens import mint_token
from servicekit.kafka import ensure_topics, idempotent_producer
from servicekit.relay import OutboxRelay
from servicekit.testing import Infra, read_topic, unique_name

ORG = "org-amdh"
OTHER_ORG = "org-fidh"
LEGAL_AID = "org-legal"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + os.urandom(64)


def random_kek() -> str:
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


def settings_for(infra: Infra, jwks: Path, **overrides: Any) -> Settings:
    """Settings of an intake with its own database and topic namespace."""
    values: dict[str, Any] = {
        "kafka_bootstrap": infra.kafka_bootstrap, "mongo_url": infra.mongo_url,
        "mongo_db": unique_name("intake"), "topic_namespace": unique_name("t").replace("_", "") + ".",
        "auth_jwks_file": jwks, "kek_source": SecretStr(random_kek()), "evidence_max_bytes": 300_000,
        "evidence_chunk_bytes": 4096, "import_max_rows": 50, "import_max_bytes": 20_000,
    }
    values.update(overrides)
    return Settings(**values)


@dataclass
class Intake:
    """An intake app in this process, on the real store; clients carry development tokens."""

    infra: Infra
    settings: Settings
    deps: Deps
    private_key: Path

    def __post_init__(self) -> None:
        self.app = build_app(self.deps)

    @classmethod
    def build(cls, infra: Infra, settings: Settings, private_key: Path) -> Intake:
        return cls(infra=infra, settings=settings, deps=build_deps(settings), private_key=private_key)

    async def close(self) -> None:
        await self.deps.background.drain()
        await self.deps.core.client.close()

    @property
    def db(self) -> Any:
        return self.deps.core.db

    def token(self, role: str = "monitor", *, org: str | None = ORG, sub: str | None = None,
              scopes: tuple[str, ...] = (), service: bool = False) -> str:
        return mint_token(self.private_key, subject=sub or f"{role}-1", roles=[role] if role else [], org=org,
                          scopes=scopes, service=service)

    def client(self, role: str = "monitor", **claims: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://intake",
                                 headers={"Authorization": f"Bearer {self.token(role, **claims)}"}, timeout=30.0)

    async def counts(self) -> dict[str, int]:
        """Documents per collection: 'nothing written' means none of these moved."""
        names = ["events", "incidents", "victims", "evidence", "victim_keys", "victim_identities",
                 "evidence_chunks", "incident_locations", "import_jobs"]
        return {name: await self.db[name].count_documents({}) for name in names}

    def topic(self, aggregate_topic: str) -> str:
        return self.settings.topic_namespace + aggregate_topic

    async def publish_outbox(self) -> int:
        """Run the relay until no commit is pending (the worker's job, done here to observe the topics)."""
        await ensure_topics(self.infra.kafka_bootstrap, [self.topic(a.topic) for a in AGGREGATES])
        producer = idempotent_producer(self.infra.kafka_bootstrap, client_id="intake-test-relay")
        await producer.start()
        total = 0
        try:
            relay = OutboxRelay(self.db, producer)
            while published := await relay.publish_pending():
                total += published
        finally:
            await producer.stop()
        return total

    async def records(self, aggregate_topic: str, expected: int | None = None) -> list[Any]:
        return await read_topic(self.infra.kafka_bootstrap, self.topic(aggregate_topic), expected=expected,
                                timeout=20.0)

