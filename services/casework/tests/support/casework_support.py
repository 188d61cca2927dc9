"""Casework under test: the kit's in-process service on the real store, a fake only for the victim-name port."""

from __future__ import annotations

import base64
import dataclasses
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from casework.bootstrap import Deps
from casework.names import refusal
from servicekit.crypto import decrypt_field, encrypt_field, generate_data_key
from servicekit.devtokens import mint_token
from servicekit.envelope import Envelope
from servicekit.ids import new_id
from servicekit.testing import FakeClock, Infra, InProcessService, in_process_service

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class FakeNames:
    """Stands in for intake's key release: real AES-GCM with keys it holds, refusals on demand."""

    keys: dict[str, bytes] = field(default_factory=dict)
    refusals: dict[str, int] = field(default_factory=dict)
    forgotten: list[str] = field(default_factory=list)
    asked_for: list[tuple[str, str]] = field(default_factory=list)  # (victim id, organisation) of each reveal

    def enrol(self, victim_id: str, name: str) -> str:
        """Give a victim a data key and return their name's ciphertext, as intake would send it."""
        self.keys[victim_id] = generate_data_key()
        return encrypt_field(self.keys[victim_id], name, subject_id=victim_id, field="name")

    async def reveal(self, victim_id: str, name_ciphertext: str, organisation: str) -> str:
        self.asked_for.append((victim_id, organisation))
        if victim_id in self.refusals:
            raise refusal(self.refusals[victim_id])
        return decrypt_field(self.keys[victim_id], name_ciphertext, subject_id=victim_id, field="name")

    def forget(self, victim_id: str) -> None:
        self.forgotten.append(victim_id)


def notes_key() -> str:
    """A fresh KEK for privileged notes, as the setting takes it."""
    return "base64:" + base64.b64encode(os.urandom(32)).decode()


@dataclass
class Casework:
    """The casework app in-process on the real store, with helpers that act like intake and users."""

    service: InProcessService
    deps: Deps
    client: httpx.AsyncClient
    key_file: Path
    clock: FakeClock
    names: FakeNames

    @classmethod
    def of(cls, service: InProcessService, names: FakeNames) -> Casework:
        """Helpers over the kit's in-process casework; `names` enrols victims' names as intake would."""
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=service.app), base_url="http://casework")
        return cls(service=service, deps=service.deps, client=client, key_file=service.private_key,
                   clock=service.deps.core.clock, names=names)

    def headers(self, role: str, sub: str | None = None, org: str | None = "org-legal") -> dict[str, str]:
        token = mint_token(self.key_file, subject=sub or f"{role}-1", roles=[role] if role else [], org=org)
        return {"Authorization": f"Bearer {token}"}

    def intake_event(self, event_type: str, subject: str, data: dict[str, Any], *, at: datetime | None = None,
                     event_id: str | None = None) -> Envelope:
        """A correctly enveloped intake event."""
        return Envelope(id=event_id or new_id(), source="/redress/intake", type=event_type, subject=subject,
                        time=at or self.clock(), data=data, classification="confidential")

    def referral_event(self, *, victim_id: str | None = None, name: str = "Aminata Traoré",
                       referred_at: datetime | None = None, to: str | None = "org-legal") -> Envelope:
        victim_id = victim_id or new_id()
        referral_id = new_id()
        data = {"referral_id": referral_id, "victim_id": victim_id, "needs": ["legal_representation"],
                "urgency": "high", "incident_ids": [new_id()], "referring_organisation": "org-doc",
                **({"receiving_organisation": to} if to else {}),
                "name_ciphertext": self.names.enrol(victim_id, name),
                "referred_at": (referred_at or self.clock() - timedelta(hours=1)).isoformat(),
                "consent": {"legal_support": True}}
        return self.intake_event("intake.victim.referred.v1", referral_id, data)

    async def deliver(self, envelope: Envelope) -> None:
        """Hand an event to casework's subscribed handlers as the consumer runner would."""
        await self.service.deliver(envelope)

    async def refer(self, **kwargs: Any) -> tuple[str, str]:
        """A referral in the inbox; returns (referral id, victim id)."""
        envelope = self.referral_event(**kwargs)
        await self.deliver(envelope)
        return envelope.subject, envelope.data["victim_id"]

    def consent_event(self, victim_id: str, *, legal_support: bool = True, sharing: tuple[str, ...] = ("org-legal",),
                      version: int = 1) -> Envelope:
        """intake.victim.consent_changed.v1 as intake publishes it."""
        return self.intake_event("intake.victim.consent_changed.v1", victim_id, {
            "victim_id": victim_id, "version": version, "legal_support": legal_support,
            "notifications": {"granted": False}, "sharing": list(sharing), "statistics": False})

    async def open_case(self, lawyers: tuple[str, ...] = ("lawyer-a",), org: str = "org-legal") -> tuple[str, str]:
        """A referral accepted into a case; returns (case id, victim id)."""
        referral_id, victim_id = await self.refer(to=org)
        response = await self.client.post(f"/referrals/{referral_id}/accept", json={"lawyers": list(lawyers)},
                                          headers=self.headers("case_manager", org=org))
        assert response.status_code == 201, response.text
        return response.json()["case_id"], victim_id

    async def listed(self, path: str, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
        """Every item of a paged listing, following `next_cursor` to the last page."""
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            response = await self.client.get(path, headers=headers,
                                             params=params | ({"cursor": cursor} if cursor else {}))
            assert response.status_code == 200, response.text
            page = response.json()
            items += page["items"]
            if (cursor := page["next_cursor"]) is None:
                return items

    async def count(self, collection: str, criteria: dict[str, Any] | None = None) -> int:
        return await self.deps.core.db[collection].count_documents(criteria or {})


@asynccontextmanager
async def running_casework(infra: Infra, keys_dir: Path, **overrides: Any) -> AsyncIterator[Casework]:
    """Casework at START on a fresh database, its victim names released by `FakeNames`, its worker stopped.

    The tests hand consumed events to the handlers themselves (`deliver`); the relay's publishing is
    test_worker.py's business, which runs the worker.
    """
    names = FakeNames()
    async with in_process_service("casework", infra, keys_dir, clock=FakeClock(START), worker=False,
                                  replace_deps=lambda deps: dataclasses.replace(deps, names=names),
                                  notes_key_source=notes_key(), **overrides) as service:
        app = Casework.of(service, names)
        try:
            yield app
        finally:
            await app.client.aclose()
            await app.deps.core.client.drop_database(app.deps.core.settings.database_name)
